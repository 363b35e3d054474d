//! Output formats for diagnostics: `human` (rustc-style, with the source line and a
//! caret under the span), `json` (an array of diagnostics) and `github` (workflow
//! commands, so a pull request shows them on the diff).

use crate::diagnostic::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

pub fn render(format: Format, root: &Path, diags: &[Diagnostic], color: bool) -> String {
    match format {
        Format::Human => human(root, diags, color),
        Format::Json => json(diags),
        Format::Github => github(diags),
    }
}

/// rustc-style blocks; sources are read from `root` to show the offending line.
pub fn human(root: &Path, diags: &[Diagnostic], color: bool) -> String {
    let mut out = human_blocks(root, diags, color);
    out.push_str(&totals(diags));
    out
}

/// `2 error(s), 5 warning(s)` and a line break.
fn totals(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("{errors} error(s), {warnings} warning(s)\n")
}

/// Diagnostics left out of a condensed listing: how many of one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub file: String,
    pub rule: String,
    pub errors: usize,
    pub warnings: usize,
}

/// Warnings of one rule in the files past [`FILES_SHOWN`], counted only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    pub rule: String,
    pub warnings: usize,
    pub files: usize,
}

/// A listing a person can read: at most `per_group` diagnostics of each rule in each
/// file (errors first) in the first [`FILES_SHOWN`] files, and counts of the rest.
/// Errors are always shown, in every file.
#[derive(Debug, Clone, PartialEq)]
pub struct Condensed {
    /// In the order given.
    pub shown: Vec<Diagnostic>,
    /// By file, then rule.
    pub hidden: Vec<Hidden>,
    /// Warnings of the files past the first [`FILES_SHOWN`], by rule.
    pub elsewhere: Vec<Elsewhere>,
}

/// How many files' warnings a condensed listing shows: a back catalogue's
/// build can find warnings in thousands of files, and a listing of all of them
/// (and reading each file again to quote its lines) helps no one.
pub const FILES_SHOWN: usize = 20;

/// Groups `diags` by file and rule and keeps the first `per_group` of each, errors
/// before warnings; `build` and `serve` print this, `check` prints everything.
pub fn condense(diags: &[Diagnostic], per_group: usize) -> Condensed {
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, d) in diags.iter().enumerate() {
        groups
            .entry((d.file.as_str(), d.rule.as_str()))
            .or_default()
            .push(i);
    }
    let mut keep = vec![false; diags.len()];
    let mut hidden = Vec::new();
    // Rule → (warnings, files) past the shown files.
    let mut elsewhere: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut files, mut last_file) = (0, None);
    for ((file, rule), mut members) in groups {
        if last_file != Some(file) {
            files += 1;
            last_file = Some(file);
        }
        // Stable: errors first, each kind in its original order.
        members.sort_by_key(|&i| !diags[i].is_error());
        let errors = members.iter().filter(|&&i| diags[i].is_error()).count();
        if files > FILES_SHOWN && errors == 0 {
            let counts = elsewhere.entry(rule).or_default();
            counts.0 += members.len();
            counts.1 += 1;
            continue;
        }
        for &i in members.iter().take(per_group) {
            keep[i] = true;
        }
        let rest = &members[members.len().min(per_group)..];
        if !rest.is_empty() {
            let errors = rest.iter().filter(|&&i| diags[i].is_error()).count();
            hidden.push(Hidden {
                file: file.to_string(),
                rule: rule.to_string(),
                errors,
                warnings: rest.len() - errors,
            });
        }
    }
    let shown = diags
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(d, _)| d.clone())
        .collect();
    let elsewhere = elsewhere
        .into_iter()
        .map(|(rule, (warnings, files))| Elsewhere {
            rule: rule.to_string(),
            warnings,
            files,
        })
        .collect();
    Condensed {
        shown,
        hidden,
        elsewhere,
    }
}

/// The line that counts [`Elsewhere`] warnings and names the command that lists them.
fn elsewhere_line(e: &Elsewhere) -> String {
    format!(
        "… {} warning(s) [{}] in {} more file(s): `wxpress check --summary` counts them by file",
        e.warnings, e.rule, e.files
    )
}

/// How many diagnostics of each rule and file `build` and `serve` show.
pub const PER_GROUP: usize = 3;

/// [`human`] of a [`condense`]d listing: the shown diagnostics, one line per group
/// with more, naming the command that lists them all, and the totals of everything.
pub fn human_condensed(root: &Path, diags: &[Diagnostic], color: bool, per_group: usize) -> String {
    let condensed = condense(diags, per_group);
    let mut out = human_blocks(root, &condensed.shown, color);
    for h in &condensed.hidden {
        let kinds = match (h.errors, h.warnings) {
            (0, w) => format!("{w} more warning(s)"),
            (e, 0) => format!("{e} more error(s)"),
            (e, w) => format!("{e} more error(s) and {w} warning(s)"),
        };
        let _ = writeln!(
            out,
            "… {kinds} [{}] in {}: `wxpress check {}` lists them all",
            h.rule, h.file, h.file
        );
    }
    for e in &condensed.elsewhere {
        let _ = writeln!(out, "{}", elsewhere_line(e));
    }
    if !condensed.hidden.is_empty() || !condensed.elsewhere.is_empty() {
        out.push('\n');
    }
    out.push_str(&totals(diags));
    out
}

/// One line per diagnostic (`file:line:col: severity[rule]: message`) of a
/// [`condense`]d listing, then one line per group with more: what `serve` prints
/// when it starts.
pub fn lines_condensed(diags: &[Diagnostic], per_group: usize) -> String {
    let condensed = condense(diags, per_group);
    let mut out = String::new();
    for d in &condensed.shown {
        let _ = writeln!(out, "{d}");
    }
    for h in &condensed.hidden {
        let _ = writeln!(
            out,
            "{}: … {} more [{}]: `wxpress check {}` lists them all",
            h.file,
            h.errors + h.warnings,
            h.rule,
            h.file
        );
    }
    for e in &condensed.elsewhere {
        let _ = writeln!(out, "{}", elsewhere_line(e));
    }
    out
}

/// `check --summary`: counts per rule and severity, then the files with the most.
pub fn summary(diags: &[Diagnostic], top: usize) -> String {
    let mut rules: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut files: HashMap<&str, (usize, usize)> = HashMap::new();
    for d in diags {
        let bump = |c: &mut (usize, usize)| {
            if d.is_error() {
                c.0 += 1
            } else {
                c.1 += 1
            }
        };
        bump(rules.entry(d.rule.as_str()).or_default());
        bump(files.entry(d.file.as_str()).or_default());
    }
    let mut out = String::new();
    let width = rules.keys().map(|r| r.len()).max().unwrap_or(4).max(4);
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>8}",
        "rule", "errors", "warnings"
    );
    for (rule, (e, w)) in &rules {
        let _ = writeln!(out, "{rule:<width$}  {e:>6}  {w:>8}");
    }
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort_by(|a, b| {
        (b.1 .0 + b.1 .1, b.1 .0)
            .cmp(&(a.1 .0 + a.1 .1, a.1 .0))
            .then(a.0.cmp(b.0))
    });
    if !files.is_empty() {
        let _ = writeln!(
            out,
            "\nfiles with the most ({} of {}):",
            top.min(files.len()),
            files.len()
        );
        for (file, (e, w)) in files.iter().take(top) {
            let _ = writeln!(out, "  {file}: {e} error(s), {w} warning(s)");
        }
    }
    out.push('\n');
    out.push_str(&totals(diags));
    out
}

/// The rustc-style blocks of [`human`], without the totals line.
fn human_blocks(root: &Path, diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each file is read and split into lines once, however many diagnostics it has.
    let mut sources: HashMap<&str, Option<Source>> = HashMap::new();
    let mut char_starts: Option<((&str, usize), Vec<usize>)> = None;
    let mut out = String::new();
    for d in diags {
        let source = sources.entry(d.file.as_str()).or_insert_with(|| {
            std::fs::read_to_string(root.join(&d.file))
                .ok()
                .map(Source::new)
        });
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let line = source.as_ref().and_then(|s| s.line(d.line));
        let title = level.primary_title(d.message.as_str()).id(d.rule.as_str());
        let mut group = match line {
            Some(text) => {
                // Columns are characters; on a long line, find them by a table
                // built once per line, not by walking the line per diagnostic.
                if text.len() > LONG_LINE
                    && char_starts
                        .as_ref()
                        .is_none_or(|(at, _)| *at != (d.file.as_str(), d.line))
                {
                    let starts = text.char_indices().map(|(i, _)| i).collect();
                    char_starts = Some(((d.file.as_str(), d.line), starts));
                }
                let byte_of = |column: usize| match &char_starts {
                    Some((_, starts)) if text.len() > LONG_LINE => starts
                        .get(column.saturating_sub(1))
                        .copied()
                        .unwrap_or(text.len()),
                    _ => byte_of_column(text, column),
                };
                let start = byte_of(d.column);
                let end = if d.end_line == d.line && d.end_column > d.column {
                    byte_of(d.end_column)
                } else {
                    // No span: underline one character.
                    text[start..]
                        .chars()
                        .next()
                        .map_or(start, |c| start + c.len_utf8())
                };
                if text.len() <= LONG_LINE {
                    title.element(
                        Snippet::source(text)
                            .line_start(d.line)
                            .path(d.file.as_str())
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    )
                } else {
                    // A long line (a minified paste, a 40 KB paragraph) is shown as
                    // a window around the span: the cost stays per diagnostic, not
                    // per diagnostic times line length. The position is given apart,
                    // since the window's columns are not the line's.
                    title
                        .element(
                            Origin::path(d.file.as_str())
                                .line(d.line)
                                .char_column(d.column),
                        )
                        .element(Level::NOTE.message(window(text, start..end.max(start))))
                }
            }
            // Line 0: about the file as a whole (missing, unreadable).
            None if d.line == 0 => title.element(Origin::path(d.file.as_str())),
            None => title.element(
                Origin::path(d.file.as_str())
                    .line(d.line)
                    .char_column(d.column),
            ),
        };
        if let Some(s) = &d.suggestion {
            group = group.element(Level::HELP.message(s.as_str()));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&[group]));
    }
    out
}

/// Lines longer than this many bytes are shown as a window around the span.
const LONG_LINE: usize = 400;
/// Bytes of context kept on each side of the span in such a window.
const CONTEXT: usize = 120;

/// A file's text and where each line starts.
struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    fn new(text: String) -> Source {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source { text, starts }
    }

    /// Line `n` (1-based), without its line break.
    fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |next| next - 1);
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// About [`CONTEXT`] bytes of `text` on each side of `span`, cut on character
/// boundaries, with the span between arrows: `…before→span←after…`.
fn window(text: &str, span: std::ops::Range<usize>) -> String {
    let mut from = span.start.saturating_sub(CONTEXT);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (span.end + CONTEXT).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "{}{}→{}←{}{}",
        if from > 0 { "…" } else { "" },
        &text[from..span.start],
        &text[span.clone()],
        &text[span.end..to],
        if to < text.len() { "…" } else { "" },
    )
}

fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

pub fn json(diags: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".into()) + "\n"
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message`
pub fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(s) = &d.suggestion {
            message.push_str(" (help: ");
            message.push_str(s);
            message.push(')');
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&d.file),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            property(&d.rule),
            data(&message)
        );
    }
    out
}

/// Escaping of workflow-command data.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of workflow-command properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;

    fn diag() -> Diagnostic {
        Diagnostic::warning(
            "content/a,b.md",
            Pos::new(2, 3),
            "spacing",
            "line one\nline: two 100%",
        )
        .with_end(Pos::new(2, 5))
        .with_suggestion("add a space")
    }

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(
            github(&[diag()]),
            "::warning file=content/a%2Cb.md,line=2,col=3,endLine=2,endColumn=5,title=spacing::line one%0Aline: two 100%25 (help: add a space)\n"
        );
    }

    #[test]
    fn a_condensed_listing_counts_the_warnings_of_files_past_the_first_twenty() {
        let mut diags: Vec<Diagnostic> = (0..30)
            .flat_map(|f| {
                let file = format!("content/p{f:02}.md");
                (1..=2).map(move |l| Diagnostic::warning(&file, Pos::new(l, 1), "spacing", "w"))
            })
            .collect();
        diags.push(Diagnostic::warning(
            "content/p29.md",
            Pos::new(5, 1),
            "typo",
            "w",
        ));
        diags.push(Diagnostic::error(
            "content/p29.md",
            Pos::new(9, 1),
            "banned-ad",
            "e",
        ));
        crate::diagnostic::sort(&mut diags);
        let c = condense(&diags, 3);
        assert_eq!(
            c.shown.len(),
            FILES_SHOWN * 2 + 1,
            "the error past the cap is shown"
        );
        assert!(c.shown.iter().any(|d| d.is_error()));
        assert_eq!(
            c.elsewhere,
            [
                Elsewhere {
                    rule: "spacing".into(),
                    warnings: 20,
                    files: 10
                },
                Elsewhere {
                    rule: "typo".into(),
                    warnings: 1,
                    files: 1
                },
            ]
        );
        let text = human_condensed(Path::new("."), &diags, false, 3);
        assert!(
            text.contains("… 20 warning(s) [spacing] in 10 more file(s): `wxpress check --summary` counts them by file\n"),
            "{text}"
        );
        assert!(text.ends_with("1 error(s), 61 warning(s)\n"), "{text}");
        assert!(lines_condensed(&diags, 3).contains("… 1 warning(s) [typo] in 1 more file(s)"));
    }

    #[test]
    fn condensed_listing_keeps_a_few_per_rule_and_file_and_counts_the_rest() {
        let mut diags: Vec<Diagnostic> = (1..=5)
            .map(|l| Diagnostic::warning("content/a.md", Pos::new(l, 1), "spacing", "w"))
            .collect();
        diags.push(Diagnostic::error(
            "content/a.md",
            Pos::new(9, 1),
            "banned-ad",
            "e",
        ));
        let c = condense(&diags, 3);
        assert_eq!(c.shown.len(), 4);
        assert_eq!(
            c.hidden,
            [Hidden {
                file: "content/a.md".into(),
                rule: "spacing".into(),
                errors: 0,
                warnings: 2
            }]
        );
        let dir = tempfile::tempdir().unwrap();
        let text = human_condensed(dir.path(), &diags, false, 3);
        assert!(
            text.contains("… 2 more warning(s) [spacing] in content/a.md: `wxpress check content/a.md` lists them all"),
            "{text}"
        );
        assert!(text.ends_with("1 error(s), 5 warning(s)\n"), "{text}");
        let lines = lines_condensed(&diags, 3);
        assert_eq!(lines.lines().count(), 5, "{lines}");
        assert!(
            lines.ends_with(
                "content/a.md: … 2 more [spacing]: `wxpress check content/a.md` lists them all\n"
            ),
            "{lines}"
        );
        let s = summary(&diags, 5);
        assert!(s.contains("spacing         0         5"), "{s}");
        assert!(s.contains("content/a.md: 1 error(s), 5 warning(s)"), "{s}");
    }

    #[test]
    fn colour_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let plain = human(dir.path(), &[diag()], false);
        let styled = human(dir.path(), &[diag()], true);
        assert!(!plain.contains('\x1b') && styled.contains('\x1b'));
        assert!(plain.starts_with("warning[spacing]: line one"), "{plain}");
        assert!(
            plain.contains("--> content/a,b.md:2:3") && plain.contains("= help: add a space"),
            "{plain}"
        );
    }
}
