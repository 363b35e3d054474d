//! Safe fixes: byte-span replacements in a post's file, applied only inside the body
//! (never the front matter), never overlapping, and written atomically.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes of the post's whole text to replace.
    pub span: Range<usize>,
    pub replacement: String,
}

/// One change made, for the list `--fix` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub before: String,
    pub after: String,
}

/// Applies the fixes of `findings` to `text`. Edits outside the body or overlapping
/// an earlier one are skipped (a later run picks them up).
pub fn apply(
    text: &str,
    body_offset: usize,
    findings: &[super::Finding],
) -> (String, Vec<Applied>) {
    let mut edits: Vec<(&Edit, &super::Finding)> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|e| (e, f)))
        .filter(|(e, _)| {
            e.span.start >= body_offset && e.span.end <= text.len() && e.span.start <= e.span.end
        })
        .filter(|(e, _)| text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end))
        .collect();
    edits.sort_by_key(|(e, _)| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut applied = Vec::new();
    let mut at = 0;
    let mut last_insert: Option<usize> = None;
    for (edit, finding) in edits {
        let duplicate_insert = edit.span.is_empty() && last_insert == Some(edit.span.start);
        if edit.span.start < at || duplicate_insert {
            continue;
        }
        if edit.span.is_empty() {
            last_insert = Some(edit.span.start);
        }
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
        let (before, after) = shown(text, edit);
        applied.push(Applied {
            line: finding.diagnostic.line,
            column: finding.diagnostic.column,
            rule: finding.diagnostic.rule.clone(),
            before,
            after,
        });
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// The edit as a reader sees it; an insertion is shown with its neighbours.
fn shown(text: &str, edit: &Edit) -> (String, String) {
    let before = &text[edit.span.clone()];
    if !before.is_empty() {
        return (before.to_string(), edit.replacement.clone());
    }
    let left: String = text[..edit.span.start].chars().last().into_iter().collect();
    let right: String = text[edit.span.end..].chars().next().into_iter().collect();
    (
        format!("{left}{right}"),
        format!("{left}{}{right}", edit.replacement),
    )
}

/// Replaces `path` with `contents` via a temporary file in the same folder, so a
/// crash never leaves a half-written post.
pub fn write_file_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".wxpress-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Applies safe fixes until none is left (a fix may reveal or unblock another),
/// rewriting each changed file atomically. Returns one line per change.
pub fn fix_all(
    checker: &super::Checker,
    style: &super::SiteStyle,
    config: &crate::config::Config,
    posts: &mut [crate::content::Post],
) -> Result<Vec<String>, String> {
    let mut changes = Vec::new();
    for post in posts.iter_mut() {
        let mut changed = false;
        for _round in 0..5 {
            let findings = super::check_post_findings(checker, style, post, None);
            let (text, applied) = apply(&post.text, post.body_offset, &findings);
            if applied.is_empty() {
                break;
            }
            for a in &applied {
                changes.push(format!(
                    "{}:{}:{}: {}: `{}` → `{}`",
                    post.source, a.line, a.column, a.rule, a.before, a.after
                ));
            }
            post.text = text;
            changed = true;
        }
        if changed {
            write_file_atomically(&post.path, &post.text)
                .map_err(|e| format!("cannot write {}: {e}", post.source))?;
            // Reload so positions and metadata match the new file.
            let reloaded =
                crate::content::load_post(&checker.root, config, &post.path).map_err(|d| {
                    d.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                })?;
            *post = reloaded;
        }
    }
    Ok(changes)
}
