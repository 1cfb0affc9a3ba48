//! `zabsim hunt --shard I/N --json` and `zabsim merge`: the merged shards say what the
//! unsharded hunt says; a bad shard or an incomplete merge is refused with a message.

mod common;
use common::zabsim;

/// Every line but the timing one (wall-clock seconds, jobs, shards).
fn without_timing(out: &str) -> Vec<&str> {
    out.lines().filter(|l| !l.contains(" seeds in ")).collect()
}

#[test]
fn test_three_hunt_shards_merge_into_the_unsharded_hunt() {
    let dir = std::env::temp_dir().join(format!("zabsim-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let target = "ZOOKEEPER-4646";
    let (whole_code, whole, _) = zabsim(&["hunt", target, "--seeds", "0..12", "--jobs", "2"]);
    let mut files = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let (code, json, err) = zabsim(&[
            "hunt", target, "--seeds", "0..12", "--shard", &shard, "--jobs", "1", "--json",
        ]);
        assert!(code == 0 || code == 1, "{err}");
        let f = dir.join(format!("{i}.json"));
        std::fs::write(&f, json).expect("written");
        files.push(f.display().to_string());
    }
    let mut args = vec!["merge"];
    args.extend(files.iter().map(String::as_str));
    let (code, merged, err) = zabsim(&args);
    assert_eq!(code, whole_code, "{err}");
    assert_eq!(without_timing(&merged), without_timing(&whole));
    assert!(
        whole.contains("caught ") && whole.contains("/12 "),
        "{whole}"
    );
    // Two of three shards: refused, naming the missing one.
    let (code, _, err) = zabsim(&["merge", &files[0], &files[2]]);
    assert_eq!(code, 2);
    assert!(err.contains("missing shards: 1/3"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_a_bad_shard_names_the_parameter() {
    let (code, _, err) = zabsim(&["sweep", "--seeds", "0..4", "--shard", "4/4"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--shard") && err.contains("not below the count 4"),
        "{err}"
    );
}
