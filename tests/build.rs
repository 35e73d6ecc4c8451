//! Turns every ```rust block of README.md and docs/*.md into a test (`tests/readme.rs`), so the
//! front door cannot drift. The marker above each block (`<!-- check: run; placeholders: … -->`,
//! read the same way by scripts/snippets.py) names the values the block takes from the app; they
//! are defined here, and nothing else is added to a block.
// A build script reports a broken README by failing the build.
#![allow(clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

/// Placeholders: `let` statements put before a block (inside a fresh temporary directory).
const PLACEHOLDERS: &[(&str, &str)] = &[("data_dir", "let data_dir = __dir.path();")];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![root.join("README.md")];
    if let Ok(dir) = fs::read_dir(root.join("docs")) {
        let mut docs: Vec<_> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    println!("cargo:rerun-if-changed=../docs");
    let mut out = String::new();
    let mut n = 0;
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim_end() != "```rust" {
                i += 1;
                continue;
            }
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].starts_with("```"))
                .unwrap_or(lines.len());
            let name = file
                .file_name()
                .map(|f| f.to_string_lossy())
                .unwrap_or_default();
            let at = format!("{name}:{}", i + 1);
            let mark = i
                .checked_sub(1)
                .map(|k| lines[k].trim())
                .and_then(|l| l.strip_prefix("<!--"))
                .and_then(|l| l.strip_suffix("-->"))
                .and_then(|l| l.trim().strip_prefix("check:"))
                .unwrap_or_else(|| {
                    panic!("{at}: a rust block needs a `<!-- check: run; … -->` line above it")
                });
            let (mode, names) = mark.split_once(';').unwrap_or((mark, ""));
            assert_eq!(mode.trim(), "run", "{at}: rust blocks are run (mode `run`)");
            let names = names.trim().strip_prefix("placeholders:").unwrap_or("");
            let mut defs = String::new();
            for p in names.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (_, def) = PLACEHOLDERS
                    .iter()
                    .find(|(k, _)| *k == p)
                    .unwrap_or_else(|| panic!("{at}: no rust placeholder is called {p:?}"));
                defs.push_str(def);
                defs.push('\n');
            }
            n += 1;
            let body = lines[i + 1..end].join("\n");
            let _ = write!(
                out,
                "/// {at}\n#[test]\nfn snippet_{n}() -> Result<(), Box<dyn std::error::Error>> {{\n\
                 let __dir = tempfile::tempdir()?;\n{defs}{{\n{body}\n}}\nOk(())\n}}\n\n"
            );
            i = end + 1;
        }
    }
    assert!(n > 0, "README.md has no rust block");
    let dest =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("readme_snippets.rs");
    fs::write(dest, out).expect("write the snippet tests");
}
