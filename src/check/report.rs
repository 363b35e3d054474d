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
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    for d in diags {
        let source = sources
            .entry(d.file.as_str())
            .or_insert_with(|| std::fs::read_to_string(root.join(&d.file)).ok());
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let line = source
            .as_deref()
            .and_then(|s| s.lines().nth(d.line.wrapping_sub(1)));
        let title = level.primary_title(d.message.as_str()).id(d.rule.as_str());
        let mut group = match line {
            Some(text) => {
                let start = byte_of_column(text, d.column);
                let end = if d.end_line == d.line && d.end_column > d.column {
                    byte_of_column(text, d.end_column)
                } else {
                    // No span: underline one character.
                    text[start..]
                        .chars()
                        .next()
                        .map_or(start, |c| start + c.len_utf8())
                };
                title.element(
                    Snippet::source(text)
                        .line_start(d.line)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
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

/// Colour when writing to a terminal and `NO_COLOR` is unset (<https://no-color.org>).
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    fn colour_only_on_a_terminal_without_no_color() {
        let dir = tempfile::tempdir().unwrap();
        let plain = human(dir.path(), &[diag()], false);
        let styled = human(dir.path(), &[diag()], true);
        assert!(!plain.contains('\x1b') && styled.contains('\x1b'));
        assert!(plain.starts_with("warning[spacing]: line one"), "{plain}");
        assert!(
            plain.contains("--> content/a,b.md:2:3") && plain.contains("= help: add a space"),
            "{plain}"
        );
        assert!(!use_color(false));
    }
}
