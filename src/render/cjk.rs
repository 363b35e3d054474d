//! CJK-friendly emphasis.
//!
//! CommonMark decides whether `*`/`**` can open or close emphasis from the characters
//! beside it. A closing `**` after punctuation must be followed by whitespace or
//! punctuation, so `**“引号”**后` stays literal: Chinese puts no space there. We find
//! delimiter runs that CommonMark left as text, and where one side is punctuation and
//! the other a letter, put an invisible marker space on the letter's side; after
//! parsing again, the marker is removed from the text.

use pulldown_cmark::{Event, Options, Parser};

/// A Unicode space (category Zs), so CommonMark treats it as whitespace. Authors do
/// not type it; if a file contains it, we leave the file alone.
pub const MARKER: char = '\u{2005}';

/// Returns a rewritten source when some emphasis needed the fix, `None` otherwise.
pub fn fix_emphasis(source: &str, options: Options) -> Option<String> {
    if !source.contains('*') || source.contains(MARKER) {
        return None;
    }
    let mut inserts: Vec<usize> = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let Event::Text(_) = event else { continue };
        let text = &source[range.clone()];
        let mut search = 0;
        while let Some(found) = text[search..].find('*') {
            let start = search + found;
            let end = start + text[start..].bytes().take_while(|&b| b == b'*').count();
            let before = source[..range.start + start].chars().next_back();
            let after = source[range.start + end..].chars().next();
            match (before, after) {
                // `是**“`: cannot open; give it whitespace before.
                (Some(b), Some(a)) if is_letter(b) && is_punct(a) => {
                    inserts.push(range.start + start)
                }
                // `”**后`: cannot close; give it whitespace after.
                (Some(b), Some(a)) if is_punct(b) && is_letter(a) => {
                    inserts.push(range.start + end)
                }
                _ => {}
            }
            search = end;
        }
    }
    if inserts.is_empty() {
        return None;
    }
    let mut fixed = String::with_capacity(source.len() + inserts.len() * 3);
    let mut last = 0;
    for at in inserts {
        fixed.push_str(&source[last..at]);
        fixed.push(MARKER);
        last = at;
    }
    fixed.push_str(&source[last..]);
    Some(fixed)
}

fn is_letter(c: char) -> bool {
    !c.is_whitespace() && !is_punct(c)
}

/// CommonMark's punctuation: ASCII punctuation and Unicode P* (and S*) categories.
/// Full-width CJK punctuation is what matters here.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}' | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}'
            | '\u{00A1}'..='\u{00BF}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let options = Options::ENABLE_STRIKETHROUGH;
        let fixed = fix_emphasis(md, options);
        let src = fixed.as_deref().unwrap_or(md);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(src, options));
        out.replace(MARKER, "")
    }

    #[test]
    fn bold_around_quotes_before_a_letter() {
        assert_eq!(html("**“引号”**后"), "<p><strong>“引号”</strong>后</p>\n");
        assert_eq!(
            html("这是**“引号”**后"),
            "<p>这是<strong>“引号”</strong>后</p>\n"
        );
        assert_eq!(
            html("读**《书名》**和"),
            "<p>读<strong>《书名》</strong>和</p>\n"
        );
    }

    #[test]
    fn cases_commonmark_already_handles_stay_the_same() {
        assert_eq!(
            html("这是**重点**。"),
            "<p>这是<strong>重点</strong>。</p>\n"
        );
        assert_eq!(html("*斜体*，"), "<p><em>斜体</em>，</p>\n");
        assert!(fix_emphasis("这是**重点**。", Options::empty()).is_none());
    }

    #[test]
    fn literal_asterisks_are_left_alone() {
        assert_eq!(html("3*4=12"), "<p>3*4=12</p>\n");
        assert_eq!(html("`“**”后`"), "<p><code>“**”后</code></p>\n");
        assert!(fix_emphasis("a * b", Options::empty()).is_none());
    }
}
