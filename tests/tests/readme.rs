//! The Rust code blocks of README.md and docs/, extracted by build.rs, each run as a test.
#![allow(clippy::unwrap_used, unused_imports, unused_variables)]

include!(concat!(env!("OUT_DIR"), "/readme_snippets.rs"));
