//! The word-list rules on prose, reported from one scan of the shared lexicon:
//! `banned-ad`, `induced-sharing`, `sensitive-word`, Chinese `typo` and the Chinese
//! `repeated-word` (的的). Also loads sensitive-word files and the clickbait list.

use super::lexicon::{entries, AdClass, Kind};
use super::prose::Prose;
use super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Pos};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::ops::Range;
use std::path::Path;

pub fn check(cx: &mut Cx, prose: &Prose) {
    let base = cx.post().body_offset;
    // Quotations are looked for only when an absolute term is found.
    let quotes = std::cell::OnceCell::new();
    let blocks = block_ranges(prose);
    for (seg, block) in prose.segments.iter().zip(blocks) {
        let context = Context {
            prose,
            block,
            quotes: &quotes,
            start: seg.range.start,
        };
        scan(
            cx,
            prose.text(seg),
            Where::Text(base + seg.range.start),
            Some(&context),
        );
    }
}

/// The title and summary are read first of all: the same lists apply to them.
/// Fixes are never offered there, since `--fix` leaves front matter alone.
pub fn check_front_matter(cx: &mut Cx) {
    let post = cx.post();
    for (key, value) in [
        ("title", Some(&post.meta.title)),
        ("summary", post.meta.summary.as_ref()),
    ] {
        let Some(value) = value else { continue };
        let at = match value_offset(cx, key, value) {
            Some(offset) => Where::FrontMatter(offset),
            None => Where::Key(post.value_pos(key)),
        };
        scan(cx, value, at, None);
    }
}

/// Where a body text sits in its paragraph, for reading an absolute term in context.
struct Context<'p> {
    prose: &'p Prose<'p>,
    /// Bytes of the body the paragraph (block) covers.
    block: Range<usize>,
    /// Quoted spans of the body (“…”, 「…」, 《…》, "…"), found on first need.
    quotes: &'p std::cell::OnceCell<Vec<Range<usize>>>,
    /// Byte of the body where the scanned text starts.
    start: usize,
}

/// For each segment, the bytes of the body its block covers.
fn block_ranges(prose: &Prose) -> Vec<Range<usize>> {
    let segs = &prose.segments;
    let mut out: Vec<Range<usize>> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let mut j = i + 1;
        while j < segs.len() && segs[j].block == segs[i].block {
            j += 1;
        }
        let range = segs[i].range.start..segs[j - 1].range.end;
        out.extend(std::iter::repeat_n(range, j - i));
        i = j;
    }
    out
}

/// Characters after which 本 starts a word (在本店, 是本公司): function words.
const BEFORE_BEN: &str = "在是为由向对与和及让请从经把被选购买用凡于将给";

/// A promoter found at `r` of `text` is one: a self-promotion phrase that starts with
/// 本 is one only where 本 starts a word (本店, 在本店), not inside 日本公司, 版本产品.
pub(super) fn self_reference(text: &str, r: Range<usize>) -> bool {
    if !text[r.start..].starts_with('本') {
        return true;
    }
    text[..r.start]
        .chars()
        .next_back()
        .is_none_or(|c| !super::spacing::is_han(c) || BEFORE_BEN.contains(c))
}

/// Openers and closers of quotations and titles of works.
const QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('‘', '’'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('"', '"'),
];

/// The quoted spans of every block (a quotation left open runs to the block's end:
/// a quotation over several paragraphs closes only in its last).
pub fn quoted_ranges(prose: &Prose) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let blocks = block_ranges(prose);
    let mut i = 0;
    while i < prose.segments.len() {
        let block = blocks[i].clone();
        let text = &prose.body[block.clone()];
        let mut open: Option<(char, usize)> = None;
        for (j, c) in text.char_indices() {
            match open {
                Some((close, from)) if c == close => {
                    out.push(block.start + from..block.start + j);
                    open = None;
                }
                None => {
                    if let Some(&(_, close)) = QUOTES.iter().find(|(o, _)| *o == c) {
                        open = Some((close, j));
                    }
                }
                _ => {}
            }
        }
        if let Some((_, from)) = open {
            out.push(block.start + from..block.end);
        }
        let b = prose.segments[i].block;
        while i < prose.segments.len() && prose.segments[i].block == b {
            i += 1;
        }
    }
    out
}

/// Words in a sentence that make a superlative a statement of fact about others
/// (这比市场上最便宜的硬盘还低, 最受欢迎的之一, 世界上最快的芯片), not a claim.
const FACTUAL: &[&str] = &[
    "之一",
    "比",
    "世界上",
    "全球",
    "史上",
    "历史上",
    "市场上",
    "目前",
    "据",
    "报道",
    "数据显示",
    "统计",
    "排行",
    "榜",
    "研究",
    "曾经",
    "当时",
    "号称",
    "宣称",
    "自称",
    "世界",
    "人类",
    "迄今",
    "至今",
    "眼下",
    "有史以来",
    "太阳系",
    "地球上",
    "发布",
    "推出",
    "公司的",
    "之中",
    "当中",
    "中最",
    "里最",
    "上最",
    "我见过",
    "我用过",
    "我读过",
    "我吃过",
];

/// Ends of a sentence.
fn sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// The byte range of the sentence around `at` within `within` of `text`.
fn sentence(text: &str, within: Range<usize>, at: Range<usize>) -> Range<usize> {
    let start = text[within.start..at.start]
        .char_indices()
        .rev()
        .find(|&(_, c)| sentence_end(c))
        .map_or(within.start, |(i, c)| within.start + i + c.len_utf8());
    let end = text[at.end..within.end]
        .char_indices()
        .find(|&(_, c)| sentence_end(c))
        .map_or(within.end, |(i, _)| at.end + i);
    start..end
}

/// How one absolute term reads where it stands.
enum Reading {
    /// Not a claim here (inside a link's text or a quotation, an award, a fact).
    Innocent,
    Warning,
    /// An error, with the reason given in the message.
    Claim(String),
}

/// Where a scanned text is in the file.
#[derive(Clone, Copy)]
enum Where {
    /// Body text starting at this byte of the file: exact spans, fixable.
    Text(usize),
    /// Front-matter value starting at this byte: exact spans, not fixable.
    FrontMatter(usize),
    /// Front-matter value not written verbatim (escapes): point at the value.
    Key(Pos),
}

/// Byte offset in the file where a front-matter value's text starts, if it is
/// written verbatim on the key's line.
pub fn value_offset(cx: &Cx, key: &str, value: &str) -> Option<usize> {
    let span = cx.post().keys.get(key)?;
    let line_start = cx.index.line_start(span.value.line);
    let line = cx.index.line_text(span.value.line);
    let from = line
        .char_indices()
        .nth(span.value.column.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    line[from..].find(value).map(|i| line_start + from + i)
}

fn scan(cx: &mut Cx, text: &str, at: Where, context: Option<&Context>) {
    let mut hits = Vec::new();
    cx.checker()
        .lexicon
        .scan(text, |r, kind| hits.push((r, kind.clone())));
    let ad = cx.post().meta.ad;
    // The sentence (of the whole paragraph) around each hit, in `full`'s bytes.
    let (full, within, shift) = match context {
        Some(c) => (c.prose.body, c.block.clone(), c.start),
        None => (text, 0..text.len(), 0),
    };
    // Promotional words of the whole paragraph, not only of this piece of it.
    let mut promoters: Vec<(Range<usize>, String)> = Vec::new();
    if hits.iter().any(|(_, k)| matches!(k, Kind::Banned { .. })) {
        cx.checker().lexicon.scan(&full[within.clone()], |r, kind| {
            let is_promoter = matches!(
                kind,
                Kind::Brand
                    | Kind::Banned {
                        class: AdClass::Claim,
                        ..
                    }
            );
            if is_promoter && self_reference(&full[within.clone()], r.clone()) {
                let r = within.start + r.start..within.start + r.end;
                promoters.push((r.clone(), full[r].to_string()));
            }
        });
    }
    let needs_post = hits.iter().any(|(_, k)| {
        matches!(
            k,
            Kind::Banned {
                site: false,
                class: AdClass::Term
            }
        )
    });
    let promotes = needs_post && cx.promotes();
    for (r, kind) in hits {
        let word = &text[r.clone()];
        let (rule, message, help, fix): (Rule, String, String, Option<String>) = match kind {
            Kind::Allow | Kind::Brand => continue,
            Kind::Banned { site: true, .. } => (
                Rule::BannedAd,
                format!("`{word}` is on this site's banned list"),
                "remove it or reword; the list is [check.words] banned in config.toml".into(),
                None,
            ),
            Kind::Banned { site: false, class } => {
                let here = shift + r.start..shift + r.end;
                let reading = if ad {
                    Reading::Claim("in an advertisement (`ad = true`)".into())
                } else {
                    read_term(full, within.clone(), here, class, context, &promoters, promotes)
                };
                let help = "state a checkable fact instead; if this is not a claim, add the phrase to [check.words] allow".to_string();
                match reading {
                    Reading::Innocent => continue,
                    Reading::Warning => {
                        let message = format!("`{word}` is an absolute term (广告法极限词); fine as a plain fact, an error in an advertisement");
                        if let Some(f) = report(cx, at, r.clone(), Rule::BannedAd, message) {
                            f.help(help);
                            f.diagnostic.severity = crate::diagnostic::Severity::Warning;
                        }
                        continue;
                    }
                    Reading::Claim(why) => (
                        Rule::BannedAd,
                        format!("`{word}` is an absolute term the Advertising Law forbids (广告法极限词) {why}"),
                        help,
                        None,
                    ),
                }
            }
            Kind::Induced => (
                Rule::InducedSharing,
                format!("`{word}` makes sharing or following a condition or the price of a reward (诱导分享/关注)"),
                "WeChat restricts such articles: offer the content or reward without asking readers to share or follow".into(),
                None,
            ),
            Kind::Sensitive(file) => (
                Rule::SensitiveWord,
                format!("`{word}` is a sensitive word (listed in {file})"),
                "remove or reword it".into(),
                None,
            ),
            Kind::Typo(right) => (
                Rule::Typo,
                format!("`{word}` is a common mis-writing of `{right}`"),
                format!("write `{right}`"),
                Some(right),
            ),
            Kind::Repeated(one) => (
                Rule::RepeatedWord,
                format!("`{word}`: `{one}` is written twice"),
                format!("keep one `{one}`"),
                Some(one),
            ),
        };
        if let Some(f) = report(cx, at, r.clone(), rule, message) {
            f.help(help);
            if let (Where::Text(base), Some(fix)) = (at, fix) {
                f.fix(base + r.start..base + r.end, fix);
            }
        }
    }
}

fn report<'c>(
    cx: &'c mut Cx,
    at: Where,
    r: Range<usize>,
    rule: Rule,
    message: String,
) -> Option<&'c mut super::Finding> {
    match at {
        Where::Text(base) | Where::FrontMatter(base) => {
            cx.at_text(rule, base + r.start..base + r.end, message)
        }
        Where::Key(pos) => cx.at_pos(rule, pos, message),
    }
}

/// Reads an absolute term at `here` (bytes of `full`) in a post that is not an ad.
fn read_term(
    full: &str,
    within: Range<usize>,
    here: Range<usize>,
    class: AdClass,
    context: Option<&Context>,
    promoters: &[(Range<usize>, String)],
    promotes: bool,
) -> Reading {
    if let Some(c) = context {
        let in_link = c
            .prose
            .links
            .iter()
            .any(|(_, link)| link.contains(&here.start));
        let quoted = c
            .quotes
            .get_or_init(|| quoted_ranges(c.prose))
            .iter()
            .any(|q| q.contains(&here.start));
        if in_link || quoted {
            return Reading::Innocent;
        }
    }
    if class == AdClass::Claim {
        return Reading::Claim("(a sales claim)".into());
    }
    let sentence = sentence(full, within, here.clone());
    let promoter = promoters
        .iter()
        .find(|(r, _)| r.start >= sentence.start && r.end <= sentence.end && *r != here);
    if let Some((_, p)) = promoter {
        return Reading::Claim(format!("in a sentence that promotes (`{p}`)"));
    }
    if class == AdClass::Contextual {
        return Reading::Innocent;
    }
    let text = &full[sentence.clone()];
    // An award or a record: 最佳视觉效果奖, 最佳成绩.
    let after: String = full[here.end..sentence.end].chars().take(10).collect();
    // A question (最佳长度是多少？) claims nothing.
    let question = full[sentence.end..].starts_with(['？', '?']);
    if after.contains('奖') || question || FACTUAL.iter().any(|f| text.contains(f)) {
        return Reading::Innocent;
    }
    // In a post that promotes nothing (news, notes, reviews of others' goods) a
    // superlative is the writer's judgement, not an advertisement.
    if promotes {
        Reading::Warning
    } else {
        Reading::Innocent
    }
}

/// Reads the site's sensitive-word files: (name as configured, words).
pub fn read_sensitive_files(
    root: &Path,
    files: &[String],
) -> Result<Vec<(String, Vec<String>)>, Vec<Diagnostic>> {
    let mut lists = Vec::new();
    let mut errors = Vec::new();
    for name in files {
        let read = crate::content::resolve_in_site(root, root, name)
            .map_err(|problem| problem.message("the file", name))
            .and_then(|path| std::fs::read_to_string(path).map_err(|e| e.to_string()));
        match read {
            Ok(text) => {
                let words: Vec<String> = entries(&text).map(str::to_string).collect();
                let max = crate::config::WORD_MAX_CHARS;
                match words.iter().position(|e| e.chars().count() > max) {
                    Some(i) => errors.push(
                        Diagnostic::error(crate::config::FILE, Pos::START, "config", format!("sensitive-word file `{name}`: entry {} is over {max} characters", i + 1))
                            .with_suggestion("one word or phrase per line"),
                    ),
                    None => lists.push((name.clone(), words)),
                }
            }
            Err(e) => errors.push(
                Diagnostic::error(crate::config::FILE, Pos::START, "config", format!("cannot read sensitive-word file `{name}`: {e}"))
                    .with_suggestion("paths in [check.words] sensitive_files are relative to the site root; one word per line"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(lists)
    } else {
        Err(errors)
    }
}

const CLICKBAIT: &str = include_str!("../../data/words/clickbait-title.txt");

/// The 标题党 patterns, matched against titles only.
pub struct Clickbait {
    automaton: AhoCorasick,
}

impl Clickbait {
    pub fn new() -> Clickbait {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries(CLICKBAIT))
            .expect("the built-in clickbait list compiles");
        Clickbait { automaton }
    }

    /// (byte offset, pattern) of every pattern in `title`.
    pub fn find<'t>(&self, title: &'t str) -> Vec<(usize, &'t str)> {
        self.automaton
            .find_iter(title)
            .map(|m| (m.start(), &title[m.range()]))
            .collect()
    }
}
