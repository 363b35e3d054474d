//! Code blocks that survive the WeChat editor: every line break is a `<br>`, every
//! space that HTML would collapse is `&nbsp;`, colours are inline `style` spans, and
//! the block scrolls sideways instead of wrapping (the theme's CSS says how).

use std::cell::RefCell;
use std::sync::OnceLock;
use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

/// Capture names we colour (tree-sitter matches `function.method` to `function`),
/// with GitHub's light palette: readable on the code block's pale background.
const CAPTURES: &[(&str, &str)] = &[
    ("keyword", "#d73a49"),
    ("string", "#032f62"),
    ("comment", "#6a737d"),
    ("function", "#6f42c1"),
    ("number", "#005cc5"),
    ("constant", "#005cc5"),
    ("boolean", "#005cc5"),
    ("type", "#22863a"),
    ("constructor", "#22863a"),
    ("tag", "#22863a"),
    ("attribute", "#6f42c1"),
    ("property", "#005cc5"),
    ("escape", "#22863a"),
    ("label", "#e36209"),
];

type LanguageFn = fn() -> (tree_sitter::Language, &'static str);

/// Languages with a grammar, by the names writers put after the fence.
const LANGUAGES: &[(&[&str], LanguageFn)] = &[
    (&["rust", "rs"], || {
        (
            tree_sitter_rust::LANGUAGE.into(),
            tree_sitter_rust::HIGHLIGHTS_QUERY,
        )
    }),
    (&["python", "py", "python3"], || {
        (
            tree_sitter_python::LANGUAGE.into(),
            tree_sitter_python::HIGHLIGHTS_QUERY,
        )
    }),
    (&["bash", "sh", "shell", "zsh", "console"], || {
        (
            tree_sitter_bash::LANGUAGE.into(),
            tree_sitter_bash::HIGHLIGHT_QUERY,
        )
    }),
    (&["json", "jsonc"], || {
        (
            tree_sitter_json::LANGUAGE.into(),
            tree_sitter_json::HIGHLIGHTS_QUERY,
        )
    }),
    (&["toml"], || {
        (
            tree_sitter_toml_ng::LANGUAGE.into(),
            tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
        )
    }),
    (&["yaml", "yml"], || {
        (
            tree_sitter_yaml::LANGUAGE.into(),
            tree_sitter_yaml::HIGHLIGHTS_QUERY,
        )
    }),
    (
        &["javascript", "js", "jsx", "mjs", "typescript", "ts"],
        || {
            (
                tree_sitter_javascript::LANGUAGE.into(),
                tree_sitter_javascript::HIGHLIGHT_QUERY,
            )
        },
    ),
    (&["go", "golang"], || {
        (
            tree_sitter_go::LANGUAGE.into(),
            tree_sitter_go::HIGHLIGHTS_QUERY,
        )
    }),
    (&["java"], || {
        (
            tree_sitter_java::LANGUAGE.into(),
            tree_sitter_java::HIGHLIGHTS_QUERY,
        )
    }),
    (&["c", "h"], || {
        (
            tree_sitter_c::LANGUAGE.into(),
            tree_sitter_c::HIGHLIGHT_QUERY,
        )
    }),
    (&["css"], || {
        (
            tree_sitter_css::LANGUAGE.into(),
            tree_sitter_css::HIGHLIGHTS_QUERY,
        )
    }),
    (&["html", "htm"], || {
        (
            tree_sitter_html::LANGUAGE.into(),
            tree_sitter_html::HIGHLIGHTS_QUERY,
        )
    }),
];

/// The compiled highlight query of a language: built once, on first use.
fn config(lang: &str) -> Option<&'static HighlightConfiguration> {
    static CONFIGS: OnceLock<Vec<OnceLock<Option<HighlightConfiguration>>>> = OnceLock::new();
    let configs = CONFIGS.get_or_init(|| LANGUAGES.iter().map(|_| OnceLock::new()).collect());
    let lang = lang.to_ascii_lowercase();
    let index = LANGUAGES
        .iter()
        .position(|(names, _)| names.contains(&lang.as_str()))?;
    configs[index]
        .get_or_init(|| {
            let (language, query) = LANGUAGES[index].1();
            let mut config =
                HighlightConfiguration::new(language, LANGUAGES[index].0[0], query, "", "").ok()?;
            let names: Vec<&str> = CAPTURES.iter().map(|(name, _)| *name).collect();
            config.configure(&names);
            Some(config)
        })
        .as_ref()
}

thread_local! {
    // The highlighter holds a parser and cursors: reused, but not shareable.
    static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::new());
}

/// Renders a fenced block's text into `out` as the inner HTML of its `<code>`.
pub fn code_html(out: &mut String, code: &str, lang: &str) {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let segments = config(lang)
        .filter(|_| grammar_can_take(lang, code))
        .and_then(|config| colour_segments(code, config));
    let segments = segments.unwrap_or_else(|| vec![(None, code)]);
    let mut line_start = true;
    for (colour, text) in segments {
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>");
                line_start = true;
            }
            if piece.is_empty() {
                continue;
            }
            if let Some(colour) = colour {
                out.push_str("<span style=\"color:");
                out.push_str(colour);
                out.push_str("\">");
            }
            push_code_text(out, piece, line_start);
            if colour.is_some() {
                out.push_str("</span>");
            }
            line_start = false;
        }
    }
}

/// Deepest block nesting, in columns of a line's leading indentation and
/// sequence/mapping markers, that YAML code may have and still be highlighted.
const YAML_MAX_NESTING_COLUMNS: usize = 160;

/// Inputs a grammar cannot take stay plain text. tree-sitter-yaml's scanner keeps
/// one entry per nesting level and aborts the whole process (a C assertion, not a
/// panic) when they outgrow tree-sitter's 1,024-byte state buffer, at ~254
/// levels: `- - - …` on one line is enough. Other grammars were tried with 3,000
/// nested brackets, tags and quotes, 400 indent levels and a 200 KB line, and
/// took them (`tests/render_bounds.rs`).
fn grammar_can_take(lang: &str, code: &str) -> bool {
    if !matches!(lang.to_ascii_lowercase().as_str(), "yaml" | "yml") {
        return true;
    }
    code.lines().all(|line| {
        line.bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':'))
            .count()
            <= YAML_MAX_NESTING_COLUMNS
    })
}

/// The code cut into runs of one colour. Adjacent runs of one colour, and
/// whitespace between them, are merged: fewer spans, fewer characters counted
/// toward WeChat's 20,000-character limit.
fn colour_segments<'a>(
    code: &'a str,
    config: &HighlightConfiguration,
) -> Option<Vec<(Option<&'static str>, &'a str)>> {
    HIGHLIGHTER.with(|highlighter| {
        let mut highlighter = highlighter.borrow_mut();
        let events = highlighter
            .highlight(config, code.as_bytes(), None, None, |_| None)
            .ok()?;
        let mut segments: Vec<(Option<&'static str>, &'a str)> = Vec::new();
        let mut stack: Vec<&'static str> = Vec::new();
        let mut merged_until = 0;
        for event in events {
            match event.ok()? {
                HighlightEvent::HighlightStart(h) => stack.push(CAPTURES[h.0].1),
                HighlightEvent::HighlightEnd => {
                    stack.pop();
                }
                HighlightEvent::Source { start, end } => {
                    let colour = stack.last().copied();
                    let text = &code[start..end];
                    match segments.last_mut() {
                        Some((last, prev)) if *last == colour || text.trim().is_empty() => {
                            *prev = &code[merged_until - prev.len()..end];
                        }
                        _ => segments.push((colour, text)),
                    }
                    merged_until = end;
                }
            }
        }
        Some(segments)
    })
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
            "fn main() {\n    // 注释\n    let x = \"字符串\";\n}\n",
            "rust",
        );
        assert!(out.contains("<span style=\"color:#"), "{out}");
        assert!(out.contains("&nbsp;&nbsp;&nbsp;&nbsp;"), "{out}");
        assert!(out.contains("字符串"), "{out}");
        assert_eq!(out.matches("<br>").count(), 3, "{out}");
        assert!(
            out.contains("<span style=\"color:#6a737d\">// 注释</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span style=\"color:#d73a49\">let</span>"),
            "{out}"
        );
        assert!(!out.contains('\n'), "{out}");
    }

    #[test]
    fn every_grammar_compiles_its_highlight_query() {
        for (names, _) in LANGUAGES {
            assert!(config(names[0]).is_some(), "{}", names[0]);
            let mut out = String::new();
            code_html(&mut out, "x = 1\n", names[0]);
            assert!(out.contains('x'), "{}: {out}", names[0]);
        }
    }

    #[test]
    fn unknown_language_is_plain_text() {
        let mut out = String::new();
        code_html(&mut out, "a <b>", "no-such-lang");
        assert_eq!(out, "a &lt;b&gt;");
    }
}
