//! Output formats for diagnostics: `human` (rustc-style, with the source line and a
//! caret under the span), `json` (an array of diagnostics) and `github` (workflow
//! commands, so a pull request shows them on the diff).

use crate::diagnostic::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use std::collections::HashMap;
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
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
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
