//! Tidy (STYLE SG-10): no wall clock, no ambient entropy, no hash-ordered containers and no
//! floats in the protocol and the world. The CLI's `bench` timing is the one exception.

use std::path::Path;

const BANNED: &[(&str, &str)] = &[
    ("std::time::Instant", "simulated time (zab::Time)"),
    ("SystemTime", "simulated time (zab::Time)"),
    ("Instant::now", "simulated time (zab::Time)"),
    ("thread_rng", "a Streams stream of the seed"),
    ("rand::random", "a Streams stream of the seed"),
    ("rand::rng()", "a Streams stream of the seed"),
    ("StdRng", "ChaCha8Rng via Streams"),
    ("SmallRng", "ChaCha8Rng via Streams"),
    ("getrandom", "the seed"),
    ("HashMap", "BTreeMap"),
    ("HashSet", "BTreeSet"),
    ("f32", "integers (ms, ratios)"),
    ("f64", "integers (ms, ratios)"),
    ("js_sys", "nothing: zab and sim know no browser"),
    ("web_sys", "nothing: zab and sim know no browser"),
];

fn scan(dir: &Path, hits: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).expect("source dir readable");
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.ends_with("zabsim") {
                continue; // the CLI measures wall time for `bench` on purpose
            }
            scan(&path, hits);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source readable");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for (word, instead) in BANNED {
                    let found = code.match_indices(word).any(|(i, _)| {
                        let before = code[..i].chars().last();
                        let after = code[i + word.len()..].chars().next();
                        let ident =
                            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                        !ident(before) && !ident(after)
                    });
                    if found {
                        hits.push(format!(
                            "{}:{}: `{word}` — use {instead}",
                            path.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
}

#[test]
fn test_zab_and_sim_use_no_clock_entropy_hashing_or_floats() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut hits = Vec::new();
    scan(&root.join("zab/src"), &mut hits);
    scan(&root.join("sim/src"), &mut hits);
    assert!(hits.is_empty(), "banned in zab/sim:\n{}", hits.join("\n"));
}

/// Every file of the repository that a build, a test or a reader of the README uses: sources,
/// manifests, scripts, pages and docs (not `target/`, `dist/`, `.git/` or installed tools).
fn repo_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("repo dir readable");
    for entry in entries {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | "dist" | "node_modules" | ".git" | ".tools") {
                repo_files(&path, out);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "toml" | "md" | "sh" | "js" | "html" | "css" | "txt" | "json")
        ) || name == "Makefile"
            || name == "run"
        {
            out.push(path);
        }
    }
}

#[test]
fn test_the_repository_stands_alone() {
    // A clone on its own must build and test: nothing may reach into the developers'
    // workspace beside the repository.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    repo_files(&root, &mut files);
    let needle = ["..", "/shared"].concat();
    let reference = ["ZAB", "-REFERENCE"].concat();
    let hits: Vec<String> = files
        .iter()
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.contains(&needle) || t.contains(&reference))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        hits.is_empty(),
        "files that reach outside the repository:\n{}",
        hits.join("\n")
    );
}
