//! CJK-friendly emphasis, decided at the delimiter level.
//!
//! CommonMark decides whether a delimiter run (`**`, `*`, `__`, `_`, `~~`) can open
//! or close emphasis from the characters beside it ("flanking"). Chinese puts no
//! space around emphasis, so next to full-width punctuation the rules fail: in
//! `这是**“引号”**后面，还有**《书名》**和` the first closing `**` cannot close and
//! the parser pairs the wrong runs, nesting one `<strong>` inside another.
//!
//! This pre-pass reads the parser's events with their source ranges to find the
//! prose of each paragraph, heading and table cell (never code spans, fenced or
//! indented code, raw HTML, math or link destinations). In each, the delimiter runs
//! of one kind are paired in order, as a writer means them: first opens, second
//! closes. A run next to a CJK character that could not take its role, or could
//! take both, gets an invisible marker space on its outer side (before an opener,
//! after a closer), which makes it exactly an opener or a closer. After parsing
//! again the marker is removed from the text.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A Unicode space (category Zs), so CommonMark treats it as whitespace. Authors do
/// not type it; if a file contains it, we leave the file alone.
pub const MARKER: char = '\u{2005}';

/// Returns a rewritten source when some emphasis needed the fix, `None` otherwise.
pub fn fix_emphasis(source: &str, options: Options) -> Option<String> {
    if source.contains(MARKER) || !source.contains(['*', '_', '~']) {
        return None;
    }
    let mut inserts: Vec<usize> = Vec::new();
    // The inline container being read, and the parts of it that are not prose.
    let mut container: Option<Range<usize>> = None;
    let mut excluded: Vec<Range<usize>> = Vec::new();
    // Open links and images: their range, and where their text has reached.
    let mut links: Vec<(Range<usize>, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        if let Event::End(TagEnd::Link | TagEnd::Image) = event {
            if let Some((link, text_end)) = links.pop() {
                // `](destination "title")` or `][label]`.
                excluded.push(text_end.min(link.end)..link.end);
            }
            continue;
        }
        if let Some((_, text_end)) = links.last_mut() {
            *text_end = (*text_end).max(range.end);
        }
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item) => {
                // A tight list item holds its text directly, up to its first block.
                if let Some(c) = container.take() {
                    fix_container(source, c.start..range.start, &excluded, &mut inserts);
                }
                container = Some(range);
                excluded.clear();
            }
            Event::Start(
                Tag::List(_)
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::Table(_)
                | Tag::HtmlBlock
                | Tag::FootnoteDefinition(_),
            ) => {
                if let Some(c) = container.take() {
                    fix_container(source, c.start..range.start, &excluded, &mut inserts);
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => {
                if let Some(c) = container.take() {
                    fix_container(source, c, &excluded, &mut inserts);
                }
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => excluded.push(range),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                let start = range.start + 1;
                links.push((range, start));
            }
            Event::Code(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_) => excluded.push(range),
            _ => {}
        }
    }
    if inserts.is_empty() {
        return None;
    }
    inserts.sort_unstable();
    inserts.dedup();
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

/// A delimiter run in the source.
struct Run {
    range: Range<usize>,
    kind: (u8, usize),
}

/// Pairs the delimiter runs of one inline container and records the markers needed.
fn fix_container(
    source: &str,
    container: Range<usize>,
    excluded: &[Range<usize>],
    inserts: &mut Vec<usize>,
) {
    let bytes = source.as_bytes();
    let mut runs: Vec<Run> = Vec::new();
    let mut i = container.start;
    while i < container.end {
        let b = bytes[i];
        if !matches!(b, b'*' | b'_' | b'~') {
            i += 1;
            continue;
        }
        let start = i;
        while i < container.end && bytes[i] == b {
            i += 1;
        }
        let escaped = bytes[..start]
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count()
            % 2
            == 1;
        if escaped || excluded.iter().any(|r| r.start <= start && start < r.end) {
            continue;
        }
        let (prev, next) = neighbours(source, start..i);
        // Whitespace on both sides: a literal `*`, never emphasis.
        if prev.is_none_or(char::is_whitespace) && next.is_none_or(char::is_whitespace) {
            continue;
        }
        runs.push(Run {
            range: start..i,
            kind: (b, i - start),
        });
    }
    let mut kinds: Vec<(u8, usize)> = runs.iter().map(|r| r.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let of_kind: Vec<&Run> = runs.iter().filter(|r| r.kind == kind).collect();
        for pair in of_kind.chunks_exact(2) {
            fix_run(source, &pair[0].range, true, inserts);
            fix_run(source, &pair[1].range, false, inserts);
        }
    }
}

/// Makes `run` exactly an opener or a closer, when it stands next to CJK text.
fn fix_run(source: &str, run: &Range<usize>, opener: bool, inserts: &mut Vec<usize>) {
    let (prev, next) = neighbours(source, run.clone());
    if !(prev.is_some_and(is_cjk) || next.is_some_and(is_cjk)) {
        return;
    }
    let left = left_flanking(prev, next);
    let right = left_flanking(next, prev);
    // An opener must be left-flanking only, a closer right-flanking only.
    let exact = if opener {
        left && !right
    } else {
        right && !left
    };
    let touches_text = if opener { next } else { prev }.is_some_and(|c| !c.is_whitespace());
    if touches_text && !exact {
        inserts.push(if opener { run.start } else { run.end });
    }
}

fn neighbours(source: &str, run: Range<usize>) -> (Option<char>, Option<char>) {
    (
        source[..run.start].chars().next_back(),
        source[run.end..].chars().next(),
    )
}

/// CommonMark's left-flanking delimiter run, from the characters before and after
/// (right-flanking is the same with the two swapped). `None` is the line's edge.
fn left_flanking(prev: Option<char>, next: Option<char>) -> bool {
    let Some(next) = next.filter(|c| !c.is_whitespace()) else {
        return false;
    };
    !is_punct(next) || prev.is_none_or(|p| p.is_whitespace() || is_punct(p))
}

/// CJK letters and punctuation, and the general punctuation Chinese text uses
/// (“ ” ‘ ’ … —).
fn is_cjk(c: char) -> bool {
    super::markdown::is_cjk(c) || matches!(c, '\u{2010}'..='\u{2027}' | '\u{00B7}')
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
        let options = crate::render::markdown::options();
        let fixed = fix_emphasis(md, options);
        let src = fixed.as_deref().unwrap_or(md);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(src, options));
        out.replace(MARKER, "")
    }

    /// Every mark Chinese text puts next to emphasis.
    const PUNCTUATION: &str = "。，、！？：；“”‘’「」『』《》（）【】…—";

    /// Each delimiter and the tag it makes.
    const DELIMITERS: &[(&str, &str)] = &[
        ("**", "strong"),
        ("__", "strong"),
        ("*", "em"),
        ("~~", "del"),
    ];

    #[test]
    fn the_punctuation_grid_renders_every_delimiter() {
        let mut failures = Vec::new();
        for (d, tag) in DELIMITERS {
            for p in PUNCTUATION.chars() {
                // Punctuation inside the run at either end, and outside it on both sides,
                // with letters around: 甲**。乙**丙, 甲**乙。**丙, 甲。**乙**。丙, 甲**乙**。丙.
                for (md, inner) in [
                    (format!("甲{d}{p}乙{d}丙"), format!("{p}乙")),
                    (format!("甲{d}乙{p}{d}丙"), format!("乙{p}")),
                    (format!("甲{p}{d}乙{d}{p}丙"), "乙".to_string()),
                    (format!("甲{d}{p}乙{p}{d}丙"), format!("{p}乙{p}")),
                ] {
                    let want = format!("<{tag}>{inner}</{tag}>");
                    let got = html(&md);
                    if !got.contains(&want) || got.contains(d) {
                        failures.push(format!("{md} → {got}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join(""));
    }

    #[test]
    fn several_runs_in_one_paragraph_pair_in_order() {
        assert_eq!(
            html("这是**“引号”**后面，还有**《书名》**和"),
            "<p>这是<strong>“引号”</strong>后面，还有<strong>《书名》</strong>和</p>\n"
        );
        assert_eq!(html("**“引号”**后"), "<p><strong>“引号”</strong>后</p>\n");
        assert_eq!(
            html("这是**重点**，那是*斜体*，再来~~删除~~。"),
            "<p>这是<strong>重点</strong>，那是<em>斜体</em>，再来<del>删除</del>。</p>\n"
        );
    }

    #[test]
    fn tight_list_items_and_nested_lists_are_fixed() {
        assert_eq!(
            html("- 他说的**“慢一点”**后来
  - 读了**《书名》**和
- 第三项"),
            "<ul>\n<li>他说的<strong>“慢一点”</strong>后来\n<ul>\n<li>读了<strong>《书名》</strong>和</li>\n</ul>\n</li>\n<li>第三项</li>\n</ul>\n"
        );
    }

    #[test]
    fn runs_pair_across_soft_line_breaks() {
        assert_eq!(
            html("跨行的**“加粗\n从上一行”**延续"),
            "<p>跨行的<strong>“加粗\n从上一行”</strong>延续</p>\n"
        );
    }

    #[test]
    fn code_is_never_touched() {
        let fence = "```\n\"**不是加粗**\" 和 “**引号**”后\n```\n";
        assert!(fix_emphasis(fence, crate::render::markdown::options()).is_none());
        assert_eq!(
            html("`“**”后` 和 **“引号”**后"),
            "<p><code>“**”后</code> 和 <strong>“引号”</strong>后</p>\n"
        );
        let fixed = fix_emphasis(
            "**“引号”**后\n\n```\n“**引号**”后\n```\n",
            crate::render::markdown::options(),
        )
        .unwrap();
        assert!(fixed.ends_with("```\n“**引号**”后\n```\n"), "{fixed}");
    }

    #[test]
    fn literal_asterisks_and_latin_text_are_left_alone() {
        assert_eq!(html("3*4=12"), "<p>3*4=12</p>\n");
        assert_eq!(html("a * b 和 c"), "<p>a * b 和 c</p>\n");
        assert_eq!(html(r"转义的\*\*星号\*\*"), "<p>转义的**星号**</p>\n");
        assert!(fix_emphasis("a **b** c snake_case_name", Options::empty()).is_none());
        assert_eq!(
            html("[“链接”](https://a.example/x__y__z)后"),
            "<p><a href=\"https://a.example/x__y__z\">“链接”</a>后</p>\n"
        );
    }
}
