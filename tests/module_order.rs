//! The library's modules form one-way layers (ARCHITECTURE.md): a module may use
//! the ones below it, never one above or beside it. This test reads every
//! `crate::<module>` reference in `src/` and fails on an edge that goes the
//! wrong way, so the order stays true as the code grows.

use std::path::Path;

/// Lowest first. Modules on one line are side by side: neither uses the other.
const LAYERS: &[&[&str]] = &[
    &["diagnostic"],
    &["rules"],
    &["wechat"],
    &["sandbox"],
    &["config"],
    &["content"],
    &["images"],
    &["render"],
    &["check"],
    &["ledger"],
    &["schedule"],
    &["site"],
    &["output"],
    // Below the commands: `serve` shows the charts of `stats`.
    &["stats"],
    &["build", "serve", "publish", "init", "import", "doctor"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a source file belongs to: `check/typo.rs` → `check`.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every module named as `crate::<module>` on a line that is not a comment.
fn references(text: &str) -> Result<Vec<(usize, String)>, String> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            if rest.starts_with('{') {
                return Err(format!(
                    "line {}: write one `use crate::module::…` per module, so this test can read it",
                    i + 1
                ));
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((i + 1, name));
            }
        }
    }
    Ok(found)
}

/// The wrong-way edges of one file, as messages.
fn violations(file: &str, module: &str, text: &str) -> Vec<String> {
    let Some(own) = layer(module) else {
        return vec![format!(
            "{file}: module `{module}` is not in LAYERS; add it where it belongs"
        )];
    };
    let refs = match references(text) {
        Ok(refs) => refs,
        Err(e) => return vec![format!("{file}: {e}")],
    };
    refs.into_iter()
        .filter(|(_, target)| target != module)
        .filter_map(|(line, target)| match layer(&target) {
            Some(l) if l < own => None,
            Some(_) => Some(format!(
                "{file}:{line}: `{module}` uses `{target}`, which is not below it"
            )),
            None => Some(format!("{file}:{line}: unknown module `{target}`")),
        })
        .collect()
}

#[test]
fn no_module_uses_one_above_or_beside_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(&src).unwrap();
        // The binary (main.rs, cli/) sits on top of the library and may use all of it.
        if path.extension().is_none_or(|e| e != "rs")
            || rel == Path::new("main.rs")
            || rel == Path::new("lib.rs")
            || rel.starts_with("cli")
        {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(path).unwrap();
        problems.extend(violations(
            &rel.display().to_string(),
            &module_of(rel),
            &text,
        ));
    }
    assert!(files > 40, "read {files} files: is src/ where it was?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_library_module_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(name) = line.strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            assert!(layer(name).is_some(), "`{name}` is missing from LAYERS");
        }
    }
}

#[test]
fn a_back_edge_is_caught() {
    assert_eq!(
        violations("check/x.rs", "check", "use crate::site::Site;\n"),
        ["check/x.rs:1: `check` uses `site`, which is not below it"]
    );
    assert_eq!(
        violations("serve/x.rs", "serve", "let _ = crate::publish::run();\n"),
        ["serve/x.rs:1: `serve` uses `publish`, which is not below it"]
    );
    assert!(violations("site.rs", "site", "use crate::check::Checker;\n").is_empty());
    assert!(violations("site.rs", "site", "// see crate::build\n").is_empty());
    assert_eq!(
        violations("site.rs", "site", "use crate::{check, build};\n").len(),
        1
    );
}
