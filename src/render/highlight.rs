//! Code blocks that survive the WeChat editor: every line break is a `<br>`, every
//! space that HTML would collapse is `&nbsp;`, colours are inline `style` spans, and
//! the block scrolls sideways instead of wrapping (the theme's CSS says how).

use std::fmt::Write;
use std::sync::OnceLock;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults();
        let theme = themes
            .themes
            .remove("InspiredGitHub")
            .expect("syntect ships InspiredGitHub");
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            theme,
        }
    })
}

fn find_syntax<'a>(set: &'a SyntaxSet, lang: &str) -> Option<&'a SyntaxReference> {
    let lang = match lang.to_ascii_lowercase().as_str() {
        "sh" | "shell" | "zsh" | "console" => "bash".to_string(),
        "js" | "javascript" | "ts" | "typescript" | "jsx" | "tsx" => "js".to_string(),
        "py" => "python".to_string(),
        "yml" => "yaml".to_string(),
        "rs" => "rust".to_string(),
        other => other.to_string(),
    };
    set.find_syntax_by_token(&lang)
}

/// Renders a fenced block's text into `out` as the inner HTML of its `<code>`.
pub fn code_html(out: &mut String, code: &str, lang: &str) {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let h = highlighter();
    let syntax = (!lang.is_empty())
        .then(|| find_syntax(&h.syntaxes, lang))
        .flatten();
    let Some(syntax) = syntax else {
        for (i, line) in code.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            push_code_text(out, line, true);
        }
        return;
    };
    let default_fg = h.theme.settings.foreground.unwrap_or(Color::BLACK);
    let mut lines = syntect::easy::HighlightLines::new(syntax, &h.theme);
    for (i, line) in syntect::util::LinesWithEndings::from(code).enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        let Ok(regions) = lines.highlight_line(line, &h.syntaxes) else {
            push_code_text(out, line.trim_end_matches('\n'), true);
            continue;
        };
        let mut line_start = true;
        // Adjacent tokens of one colour share a span: fewer characters count toward
        // WeChat's 20,000-character limit.
        let mut pending: Option<(Color, String)> = None;
        for (style, text) in regions {
            let text = text.trim_end_matches('\n');
            if text.is_empty() {
                continue;
            }
            let color = style.foreground;
            match &mut pending {
                Some((c, buf)) if *c == color || text.trim().is_empty() => buf.push_str(text),
                _ => {
                    flush(out, pending.take(), default_fg, &mut line_start);
                    pending = Some((color, text.to_string()));
                }
            }
        }
        flush(out, pending.take(), default_fg, &mut line_start);
    }
}

fn flush(
    out: &mut String,
    pending: Option<(Color, String)>,
    default_fg: Color,
    line_start: &mut bool,
) {
    let Some((color, text)) = pending else { return };
    if color == default_fg {
        push_code_text(out, &text, *line_start);
    } else {
        let _ = write!(
            out,
            "<span style=\"color:#{:02x}{:02x}{:02x}\">",
            color.r, color.g, color.b
        );
        push_code_text(out, &text, *line_start);
        out.push_str("</span>");
    }
    *line_start = false;
}

/// Escapes code text. Spaces at the start of a line or after another space become
/// `&nbsp;` (HTML would drop or collapse them); a single space between words stays a
/// plain space, which keeps the fragment short. Tabs become four spaces.
fn push_code_text(out: &mut String, text: &str, at_line_start: bool) {
    let mut prev_space = at_line_start;
    for c in text.chars() {
        match c {
            ' ' => {
                out.push_str(if prev_space { "&nbsp;" } else { " " });
                prev_space = true;
                continue;
            }
            '\t' => out.push_str("&nbsp;&nbsp;&nbsp;&nbsp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\r' => {}
            c => out.push(c),
        }
        prev_space = c == '\t';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(code: &str) -> String {
        let mut out = String::new();
        code_html(&mut out, code, "");
        out
    }

    #[test]
    fn keeps_indentation_and_line_breaks() {
        assert_eq!(
            plain("fn a() {\n    b(1, 2);\n}\n"),
            "fn a() {<br>&nbsp;&nbsp;&nbsp;&nbsp;b(1, 2);<br>}"
        );
        assert_eq!(plain("a  b\n\n<c>"), "a &nbsp;b<br><br>&lt;c&gt;");
        assert_eq!(plain("\tx"), "&nbsp;&nbsp;&nbsp;&nbsp;x");
    }

    #[test]
    fn highlights_with_inline_colours() {
        let mut out = String::new();
        code_html(
            &mut out,
            "fn main() {\n    let x = \"字符串\";\n}\n",
            "rust",
        );
        assert!(out.contains("<span style=\"color:#"), "{out}");
        assert!(out.contains("&nbsp;&nbsp;&nbsp;&nbsp;"), "{out}");
        assert!(out.contains("字符串"), "{out}");
        assert_eq!(out.matches("<br>").count(), 2, "{out}");
        assert!(!out.contains('\n'), "{out}");
    }

    #[test]
    fn unknown_language_is_plain_text() {
        let mut out = String::new();
        code_html(&mut out, "a <b>", "no-such-lang");
        assert_eq!(out, "a &lt;b&gt;");
    }
}
