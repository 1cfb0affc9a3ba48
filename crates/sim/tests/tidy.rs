//! Tidy (STYLE SG-10): no wall clock, no ambient entropy, no hash-ordered containers and no
//! floats in the protocol and the world. The CLI's `bench` timing is the one exception.

use std::path::{Path, PathBuf};

/// This crate's directory as cargo gives it to the running test, not as it was when the test
/// was compiled: a checkout copied elsewhere (`.ci/run`) may reuse a binary built from
/// another copy.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

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
    let root = manifest_dir().join("..");
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
    let root = manifest_dir().join("../..");
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

/// The number of a numbered heading of docs/protocol.md: `## 3. Leader side` gives "3",
/// `### 3.3 getEpochToPropose` gives "3.3". Other lines give nothing.
fn heading_number(line: &str) -> Option<String> {
    let rest = line.trim_start_matches('#');
    if rest.len() == line.len() || !rest.starts_with(' ') {
        return None;
    }
    let token = rest.split_whitespace().next()?;
    let number = token.strip_suffix('.').unwrap_or(token);
    let well_formed = !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    well_formed.then(|| number.to_string())
}

/// The comment text of a Rust source file: what follows `//` on a line, and what lies inside
/// `/* … */`. One string per source line, so that hits keep their line numbers.
fn comment_lines(text: &str) -> Vec<String> {
    let mut in_block = false;
    text.lines()
        .map(|line| {
            let mut comment = String::new();
            let mut rest = line;
            loop {
                if in_block {
                    match rest.find("*/") {
                        Some(end) => {
                            comment.push_str(&rest[..end]);
                            rest = &rest[end + 2..];
                            in_block = false;
                        }
                        None => {
                            comment.push_str(rest);
                            break;
                        }
                    }
                } else {
                    let line_comment = rest.find("//");
                    let block = rest.find("/*");
                    match (line_comment, block) {
                        (Some(l), b) if b.is_none_or(|b| l < b) => {
                            comment.push_str(&rest[l + 2..]);
                            break;
                        }
                        (_, Some(b)) => {
                            rest = &rest[b + 2..];
                            in_block = true;
                        }
                        _ => break,
                    }
                }
            }
            comment
        })
        .collect()
}

/// Each `§N` or `§N.M` in `comment`, as "N" or "N.M" (a trailing full stop is not part of it).
fn cited_sections(comment: &str) -> Vec<String> {
    let mut cited = Vec::new();
    for (i, _) in comment.match_indices('§') {
        let after = &comment[i + '§'.len_utf8()..];
        let major: String = after.chars().take_while(char::is_ascii_digit).collect();
        if major.is_empty() {
            continue;
        }
        let tail = &after[major.len()..];
        let minor: String = tail
            .strip_prefix('.')
            .map(|t| t.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        if minor.is_empty() {
            cited.push(major);
        } else {
            cited.push(format!("{major}.{minor}"));
        }
    }
    cited
}

#[test]
fn test_every_cited_section_exists() {
    // Comments cite the protocol notes by section number: "docs/protocol.md" and a section sign
    // with the number, or the sign and number alone. Each number must be a heading there.
    let root = manifest_dir().join("../..");
    let notes =
        std::fs::read_to_string(root.join("docs/protocol.md")).expect("docs/protocol.md readable");
    let mut in_fence = false;
    let headings: std::collections::BTreeSet<String> = notes
        .lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            !in_fence
        })
        .filter_map(heading_number)
        .collect();
    assert!(
        headings.contains("0") && headings.contains("11"),
        "docs/protocol.md should number its sections 0 to 11, found {headings:?}"
    );

    let mut files = Vec::new();
    repo_files(&root, &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    files.sort();
    let mut citations = 0;
    let mut missing = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("source readable");
        for (n, comment) in comment_lines(&text).iter().enumerate() {
            for section in cited_sections(comment) {
                citations += 1;
                if !headings.contains(&section) {
                    missing.push(format!(
                        "{}:{}: cites section {section}",
                        path.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        citations > 0,
        "no section citations found: is the walk broken?"
    );
    assert!(
        missing.is_empty(),
        "sections cited in comments but absent from docs/protocol.md:\n{}",
        missing.join("\n")
    );
}
