//! Diagnostics: every problem wxpress reports, from a config typo to a banned word,
//! is one `Diagnostic` with a file, a 1-based line and column (counted in characters)
//! and a stable rule id. Stages collect them instead of stopping at the first.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something wxpress did that the writer may want to know (an image it
    /// converted); never a problem.
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, not bytes,
/// because that is what an editor's status bar shows for Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
    /// No position: a problem with the file as a whole (shown as `file: …`).
    pub const WHOLE_FILE: Pos = Pos { line: 0, column: 0 };

    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Relative to the site root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<String>,
        pos: Pos,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(file, pos, rule, Severity::Error, message)
    }

    pub fn warning(
        file: impl Into<String>,
        pos: Pos,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(file, pos, rule, Severity::Warning, message)
    }

    pub fn new(
        file: impl Into<String>,
        pos: Pos,
        rule: &str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line: pos.line,
            column: pos.column,
            end_line: pos.line,
            end_column: pos.column,
            rule: rule.to_string(),
            severity,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Sets the end of the span (exclusive column, like an editor selection).
    pub fn with_end(mut self, end: Pos) -> Self {
        self.end_line = end.line;
        self.end_column = end.column;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.column)
    }
}

/// One line: `content/a.md:3:9: error[front-matter]: message (help: …)`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // About the file as a whole (it is missing, it cannot be read).
            write!(
                f,
                "{}: {}[{}]: {}",
                self.file, self.severity, self.rule, self.message
            )?;
        } else {
            write!(
                f,
                "{}:{}:{}: {}[{}]: {}",
                self.file, self.line, self.column, self.severity, self.rule, self.message
            )?;
        }
        if let Some(s) = &self.suggestion {
            write!(f, "\n  help: {s}")?;
        }
        Ok(())
    }
}

/// Sorts for stable, reader-friendly output: by file, then position, then rule.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
    });
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Maps byte offsets of one text to 1-based line/column positions. The line
/// table is built on first use: most posts of a build have nothing to report.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// The position of byte `offset` (clamped to the text, rounded down to a char boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[starts[line]..offset].chars().count() + 1;
        Pos::new(line + 1, column)
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&e| e);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Byte offset of the start of 1-based `line`.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "标题\n这是 Rust 代码\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos::new(1, 1));
        let rust = text.find("Rust").unwrap();
        assert_eq!(idx.pos(rust), Pos::new(2, 4));
        assert_eq!(idx.line_text(2), "这是 Rust 代码");
        assert_eq!(idx.line_text(9), "");
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["title", "summary", "schedule"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("schedul", keys), Some("schedule"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
