//! Settings come from one place: only `src/cli/` reads environment variables (the
//! library takes options structs), and every variable it reads is documented in
//! `wxpress --help` and the README.

use std::path::Path;

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

/// The `WXPRESS_…` names in a text.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("WXPRESS_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
            .unwrap_or(tail.len());
        let name = tail[..end].trim_end_matches('_').to_string();
        if name.len() > "WXPRESS_".len() && !out.contains(&name) {
            out.push(name);
        }
        rest = &tail[end..];
    }
    out
}

#[test]
fn only_the_command_line_reads_the_environment() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut readers = Vec::new();
    for file in rust_files(&src) {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("cli/") {
            continue;
        }
        for (n, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("env::var") {
                readers.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    // The one exception: the crash hook of the publish tests, compiled into
    // debug builds only (see `publish::publisher::crash_point`).
    readers.retain(|r| !(r.starts_with("src/publish/publisher.rs") && r.contains("CRASH_ENV")));
    assert!(
        readers.is_empty(),
        "the library reads the environment; take an option from cli instead:\n{}",
        readers.join("\n")
    );
}

#[test]
fn every_variable_read_is_in_help_and_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut read = Vec::new();
    for file in rust_files(&root.join("src")) {
        for name in names(&std::fs::read_to_string(&file).unwrap()) {
            if !read.contains(&name) {
                read.push(name);
            }
        }
    }
    assert!(read.len() >= 8, "found only {read:?}");
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_wxpress"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for name in &read {
        assert!(
            help.contains(name),
            "`wxpress --help` does not explain {name}"
        );
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "the README's table of environment variables has no row for {name}"
        );
    }
}
