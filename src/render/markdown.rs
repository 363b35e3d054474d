//! Markdown → article HTML, with the WeChat transforms applied while writing:
//! external links become numbered references, code keeps its layout, lists carry
//! their markers as text, tables sit in a scrolling wrapper, footnotes are
//! collected for the end. No I/O happens here: images are resolved by the caller.

use super::cjk;
use super::highlight;
use crate::images::FigureKind;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        // GFM alerts: `> [!NOTE]` … become `BlockQuote(Some(kind))`.
        | Options::ENABLE_GFM
        // `$…$` and `$$…$$`, drawn as pictures (`crate::images::figures`).
        | Options::ENABLE_MATH
}

/// A numbered external link, listed at the end of the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub number: usize,
    pub url: String,
    /// The link text, when it says more than the address itself.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Footnote {
    pub number: usize,
    pub marker: String,
    pub html: String,
}

/// A picture the body needs, for the caller to resolve (it may read files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embed<'a> {
    /// `![…](src)`: the address as written.
    Image(&'a str),
    /// A formula or a diagram to draw: its source as written.
    Figure(FigureKind, &'a str),
}

impl<'a> Embed<'a> {
    /// The image's address, or the figure's source, as written.
    pub fn source(&self) -> &'a str {
        match *self {
            Embed::Image(src) | Embed::Figure(_, src) => src,
        }
    }
}

/// What an image in the body becomes, decided by the caller (it may read files).
pub struct ImageOut {
    pub src: String,
    /// Pixel width for `data-w`, when known.
    pub width: Option<u32>,
    /// For a drawn figure, the size to show it at; `None` for images, and for a
    /// figure that could not be drawn (the caller reported why), whose source is
    /// then shown as code.
    pub figure: Option<FigureSize>,
}

/// How large a drawn figure is shown (see [`crate::images::Figure`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureSize {
    /// In em of the surrounding text for math, in CSS px for diagrams.
    pub width: f32,
    pub height: f32,
    /// Math: how far below the baseline it reaches, in em.
    pub depth: f32,
}

pub struct Body {
    pub html: String,
    /// Whether the writer's raw HTML was passed through (its structure is unknown).
    pub raw_html: bool,
    pub references: Vec<Reference>,
    pub footnotes: Vec<Footnote>,
    /// Byte offsets in the body of `**` or `~~` left as text in prose: emphasis
    /// the parser could not pair (`emphasis-unparsed`).
    pub unparsed_emphasis: Vec<usize>,
    /// Byte offsets in the body of `$$` or `$\\` left as text in prose: a formula
    /// the parser could not close (an unpaired brace keeps `$` from closing it), which
    /// would otherwise reach readers as raw TeX (`math`).
    pub unparsed_math: Vec<usize>,
    /// The writer's raw HTML, fragment by fragment, with its byte offset in the body
    /// (comments left out: they carry directives and are never written).
    pub raw_fragments: Vec<(usize, String)>,
}

/// Renders the Markdown `body`. `resolve_image` receives each image's address as
/// written, or each formula's or diagram's source, and its byte range in `body`
/// (for a fenced block, the range of its content). Nesting past the bounds of
/// [`super::nesting`] is refused before anything is written.
pub fn render(
    body: &str,
    resolve_image: &mut dyn FnMut(Embed, Range<usize>) -> ImageOut,
) -> Result<Body, super::nesting::TooDeep> {
    let options = options();
    let fixed = cjk::fix_emphasis(body, options);
    let source = fixed.as_deref().unwrap_or(body);
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(source, options)
        .into_offset_iter()
        .collect();
    super::nesting::check(&events).map_err(|mut deep| {
        if let Some(f) = &fixed {
            deep.offset = original_range(f, deep.offset..deep.offset).start;
        }
        deep
    })?;
    let to_original = |at: usize| match &fixed {
        Some(f) => original_range(f, at..at).start,
        None => at,
    };
    let unparsed_emphasis = unparsed_emphasis(source, &events)
        .into_iter()
        .map(to_original)
        .collect();
    let unparsed_math = unparsed_math(source, &events)
        .into_iter()
        .map(to_original)
        .collect();
    let raw_fragments = events
        .iter()
        .filter_map(|(event, range)| match event {
            Event::Html(h) | Event::InlineHtml(h) if !h.trim_start().starts_with("<!--") => {
                Some((to_original(range.start), h.to_string()))
            }
            _ => None,
        })
        .collect();
    let mut w = Writer::default();
    w.run(&events, &mut |src, range| {
        // Ranges refer to `source`; map them back when the CJK fix inserted markers.
        let range = match &fixed {
            Some(f) => original_range(f, range),
            None => range,
        };
        resolve_image(src, range)
    });
    let mut footnotes: Vec<Footnote> = w
        .footnote_html
        .into_iter()
        .filter_map(|(label, html)| {
            let number = *w.footnote_numbers.get(&label)?;
            Some(Footnote {
                number,
                marker: footnote_marker(number),
                html,
            })
        })
        .collect();
    footnotes.sort_by_key(|f| f.number);
    Ok(Body {
        html: w.out,
        raw_html: w.raw_html,
        references: w.references,
        footnotes,
        unparsed_emphasis,
        unparsed_math,
        raw_fragments,
    })
}

/// Where `**` or `~~` is still text in prose after parsing (never in code, whose
/// text the parser gives apart, nor an escaped `\*\*`, which reads differently in
/// the source).
fn unparsed_emphasis(source: &str, events: &[(Event, Range<usize>)]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_code = false;
    // The parser gives each unpaired `*` as a text event of its own: join adjacent ones.
    let mut text = String::new();
    let mut span: Option<Range<usize>> = None;
    let mut flush = |text: &mut String, span: &mut Option<Range<usize>>| {
        if let Some(range) = span.take() {
            let written = &source[range.clone()];
            for mark in ["**", "~~"] {
                if let (Some(at), true) = (written.find(mark), text.contains(mark)) {
                    found.push(range.start + at);
                }
            }
        }
        text.clear();
    };
    for (event, range) in events {
        match event {
            Event::Text(t) if !in_code => {
                match &mut span {
                    Some(s) if s.end == range.start => s.end = range.end,
                    _ => {
                        flush(&mut text, &mut span);
                        span = Some(range.clone());
                    }
                }
                text.push_str(t);
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        flush(&mut text, &mut span);
    }
    flush(&mut text, &mut span);
    found.sort_unstable();
    found.dedup();
    found
}

/// Where a formula opened in prose was never closed: `$$`, or `$` right before a
/// TeX command, still text after parsing. A lone `$` is left alone: `$5 and $10`
/// is money. An escaped `\$` reads differently in the source and is skipped.
fn unparsed_math(source: &str, events: &[(Event, Range<usize>)]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_code = false;
    let mut span: Option<Range<usize>> = None;
    let mut flush = |span: &mut Option<Range<usize>>| {
        if let Some(range) = span.take() {
            let written = &source[range.clone()];
            let opened = written.match_indices('$').find(|&(at, _)| {
                // The escape's backslash may lie outside the text event's range.
                let escaped = source[..range.start + at].ends_with('\\');
                let rest = &written[at + 1..];
                !escaped && (rest.starts_with('$') || rest.starts_with('\\'))
            });
            if let Some((at, _)) = opened {
                found.push(range.start + at);
            }
        }
    };
    for (event, range) in events {
        match event {
            Event::Text(_) if !in_code => {
                match &mut span {
                    Some(s) if s.end == range.start => s.end = range.end,
                    _ => {
                        flush(&mut span);
                        span = Some(range.clone());
                    }
                }
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        flush(&mut span);
    }
    flush(&mut span);
    found
}

/// Byte range in the original text for a range in the marker-fixed text.
fn original_range(fixed: &str, range: Range<usize>) -> Range<usize> {
    let shift = |at: usize| at - fixed[..at].matches(cjk::MARKER).count() * cjk::MARKER.len_utf8();
    shift(range.start)..shift(range.end)
}

/// ① … ⑳ … ㊿ for the first fifty footnotes, then (51), (52) …
fn footnote_marker(n: usize) -> String {
    let c = match n {
        1..=20 => char::from_u32(0x2460 + n as u32 - 1),
        21..=35 => char::from_u32(0x3251 + n as u32 - 21),
        36..=50 => char::from_u32(0x32B1 + n as u32 - 36),
        _ => None,
    };
    c.map_or_else(|| format!("({n})"), String::from)
}

struct ListState {
    ordered: bool,
    next: u64,
    /// Where the list's last item row starts in `out`.
    last_item: Option<usize>,
}

enum LinkKind {
    /// mp.weixin.qq.com: the only links WeChat lets readers click.
    Clickable,
    /// Any other web address: becomes a numbered reference.
    Reference(usize),
    /// Relative or unsupported: kept as plain text.
    Text,
}

#[derive(Default)]
struct Writer {
    out: String,
    lists: Vec<ListState>,
    links: Vec<LinkKind>,
    references: Vec<Reference>,
    reference_by_url: HashMap<String, usize>,
    /// Text of the link being written, to tell `[文档](url)` from `<url>`.
    link_text: String,
    table_head: bool,
    table_align: Vec<Alignment>,
    table_cell: usize,
    footnote_numbers: HashMap<String, usize>,
    footnote_html: Vec<(String, String)>,
    /// The main output while a footnote definition is being written.
    saved_out: Option<String>,
    raw_html: bool,
    /// Where each open block element starts in `out`, innermost last.
    blocks: Vec<usize>,
    /// Where the block element closed last starts in `out`.
    last_closed: Option<usize>,
    /// Open quotes and callouts: where each starts in `out`, and whether it is a callout.
    quotes: Vec<(usize, bool)>,
    /// Open list items: where each one's body content starts in `out`.
    item_bodies: Vec<usize>,
    /// An image was written inside the open link.
    image_in_link: bool,
}

impl Writer {
    fn run(
        &mut self,
        events: &[(Event, Range<usize>)],
        resolve_image: &mut dyn FnMut(Embed, Range<usize>) -> ImageOut,
    ) {
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            match event {
                Event::Start(Tag::Item) => {
                    // A task marker follows the item start (or its first paragraph).
                    let task = events[i + 1..].iter().take(2).find_map(|(e, _)| match e {
                        Event::TaskListMarker(done) => Some(*done),
                        _ => None,
                    });
                    self.start_item(task);
                }
                Event::TaskListMarker(_) => {}
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split([' ', ',', '{']).next().unwrap_or("")
                        }
                        CodeBlockKind::Indented => "",
                    };
                    let mut code = String::new();
                    let mut content = range.end..range.end;
                    i += 1;
                    while let Some((Event::Text(t), r)) = events.get(i) {
                        if code.is_empty() {
                            content.start = r.start;
                        }
                        content.end = r.end;
                        code.push_str(t);
                        i += 1;
                    }
                    let figure = match lang {
                        "math" => Some(FigureKind::DisplayMath),
                        "mermaid" => Some(FigureKind::Mermaid),
                        _ => None,
                    };
                    if let Some(kind) = figure {
                        let image = resolve_image(Embed::Figure(kind, &code), content);
                        self.figure(kind, &code, &image, true);
                        // The loop's `i += 1` steps over the block's end.
                        continue;
                    }
                    self.last_closed = Some(self.out.len());
                    self.out
                        .push_str("<section class=\"code-block\"><pre class=\"code\"><code>");
                    highlight::code_html(&mut self.out, &code, lang);
                    self.out.push_str("</code></pre></section>");
                }
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => {
                    let mut alt = String::new();
                    i += 1;
                    while let Some((e, _)) = events.get(i) {
                        match e {
                            Event::End(TagEnd::Image) => break,
                            Event::Text(t) | Event::Code(t) => alt.push_str(t),
                            _ => {}
                        }
                        i += 1;
                    }
                    let image = resolve_image(Embed::Image(dest_url), range.clone());
                    self.out.push_str("<img src=\"");
                    escape_into(&mut self.out, &image.src);
                    self.out.push('"');
                    if let Some(w) = image.width {
                        let _ = write!(self.out, " data-w=\"{w}\"");
                    }
                    self.out.push_str(" alt=\"");
                    escape_into(&mut self.out, &alt.replace(cjk::MARKER, ""));
                    self.out.push_str("\">");
                    if !title.is_empty() {
                        self.out.push_str("<span class=\"img-caption\">");
                        escape_into(&mut self.out, title);
                        self.out.push_str("</span>");
                    }
                    if !self.links.is_empty() {
                        self.link_text.push_str(&alt.replace(cjk::MARKER, ""));
                        self.image_in_link = true;
                    }
                }
                Event::Start(tag) => self.start(tag),
                Event::End(tag) => self.end(*tag),
                Event::Text(t) => {
                    if !self.links.is_empty() {
                        self.link_text.push_str(&t.replace(cjk::MARKER, ""));
                    }
                    let text = t.replace(cjk::MARKER, "");
                    if self.links.is_empty() {
                        write_prose(&mut self.out, &text);
                    } else {
                        escape_into(&mut self.out, &text);
                    }
                }
                Event::Code(t) => {
                    // <code>: WeChat's checks read `**` in it as code, not as failed
                    // emphasis. Its taller monospace box no longer reads as an
                    // overlapping line: with leaf spans its block has no direct text
                    // and is not measured.
                    self.out.push_str("<code class=\"inline-code\">");
                    escape_into(&mut self.out, t);
                    self.out.push_str("</code>");
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    // Comments carry directives like `wxpress-ignore`; readers never see them.
                    if !h.trim_start().starts_with("<!--") {
                        self.raw_html = true;
                        self.out.push_str(h);
                    }
                }
                Event::SoftBreak if !self.quotes.is_empty() => {
                    // Each line of a quote is a line of its own: WeChat's editor
                    // would merge them into one.
                    self.out.push_str("<br>");
                }
                Event::SoftBreak => {
                    // Chinese lines wrapped in the source join without a space.
                    let before = self.out.chars().next_back();
                    let after = events.get(i + 1).and_then(|(e, _)| match e {
                        Event::Text(t) => t.chars().next(),
                        _ => None,
                    });
                    if !(before.is_some_and(is_cjk) && after.is_some_and(is_cjk)) {
                        self.out.push(' ');
                    }
                }
                Event::HardBreak => self.out.push_str("<br>"),
                Event::Rule => self.out.push_str("<hr>"),
                Event::FootnoteReference(label) => {
                    let next = self.footnote_numbers.len() + 1;
                    let n = *self
                        .footnote_numbers
                        .entry(label.to_string())
                        .or_insert(next);
                    let _ = write!(
                        self.out,
                        "<sup class=\"footnote-ref\">{}</sup>",
                        footnote_marker(n)
                    );
                }
                Event::InlineMath(tex) => {
                    let image =
                        resolve_image(Embed::Figure(FigureKind::InlineMath, tex), range.clone());
                    self.figure(FigureKind::InlineMath, tex, &image, false);
                }
                Event::DisplayMath(tex) => {
                    let image =
                        resolve_image(Embed::Figure(FigureKind::DisplayMath, tex), range.clone());
                    self.figure(FigureKind::DisplayMath, tex, &image, false);
                }
            }
            i += 1;
        }
    }

    /// A drawn formula or diagram. Inline math sits on the baseline at the text's
    /// size (its height and depth in em); display math and diagrams are centred
    /// blocks no wider than the column, in a section of their own when they are
    /// a fenced block (`own_block`), else in their paragraph. One that could not
    /// be drawn (an error the caller reported) shows its source as code.
    fn figure(&mut self, kind: FigureKind, source: &str, image: &ImageOut, own_block: bool) {
        let Some(size) = image.figure else {
            self.out.push_str("<code class=\"inline-code\">");
            escape_into(&mut self.out, source.trim());
            self.out.push_str("</code>");
            return;
        };
        let (class, style) = match kind {
            FigureKind::InlineMath => (
                "math-inline",
                format!("height:{}em;vertical-align:-{}em", size.height, size.depth),
            ),
            FigureKind::DisplayMath => ("math-display", format!("width:{}em", size.width)),
            FigureKind::Mermaid => ("diagram", format!("width:{}px", size.width)),
        };
        if own_block {
            self.last_closed = Some(self.out.len());
            self.out.push_str("<section class=\"figure\">");
        }
        let _ = write!(self.out, "<img class=\"{class}\" src=\"");
        escape_into(&mut self.out, &image.src);
        self.out.push('"');
        if let Some(w) = image.width {
            let _ = write!(self.out, " data-w=\"{w}\"");
        }
        self.out.push_str(" alt=\"");
        let alt = match kind {
            FigureKind::Mermaid => "diagram",
            _ => source.trim(),
        };
        escape_into(&mut self.out, &alt.replace(char::is_whitespace, " "));
        let _ = write!(self.out, "\" style=\"{style}\">");
        if own_block {
            self.out.push_str("</section>");
        }
    }

    fn start(&mut self, tag: &Tag) {
        if matches!(
            tag,
            Tag::Paragraph
                | Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::Heading { .. }
        ) {
            self.blocks.push(self.out.len());
        }
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => {
                let _ = write!(self.out, "<{}>", heading(*level));
            }
            Tag::BlockQuote(None) => {
                self.quotes.push((self.out.len(), false));
                self.out.push_str("<blockquote>");
            }
            Tag::BlockQuote(Some(kind)) => {
                self.quotes.push((self.out.len(), true));
                let (class, title) = callout(*kind);
                let _ = write!(
                    self.out,
                    "<section class=\"callout callout-{class}\"><p class=\"callout-title\">{title}</p>"
                );
            }
            Tag::List(start) => {
                let depth = self.lists.len() + 1;
                self.lists.push(ListState {
                    ordered: start.is_some(),
                    next: start.unwrap_or(1),
                    last_item: None,
                });
                let _ = write!(self.out, "<section class=\"list list-{depth}\">");
            }
            Tag::Table(align) => {
                self.table_align = align.clone();
                self.out.push_str("<section class=\"table-wrap\"><table>");
            }
            Tag::TableHead => {
                self.table_head = true;
                self.table_cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.table_cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let cell = if self.table_head { "th" } else { "td" };
                let align = match self.table_align.get(self.table_cell) {
                    Some(Alignment::Center) => " style=\"text-align:center\"",
                    Some(Alignment::Right) => " style=\"text-align:right\"",
                    _ => "",
                };
                let _ = write!(self.out, "<{cell}{align}>");
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Link { dest_url, .. } => {
                self.image_in_link = false;
                let kind = self.link_kind(dest_url);
                if let LinkKind::Clickable = kind {
                    self.out.push_str("<a href=\"");
                    escape_into(&mut self.out, dest_url);
                    self.out.push_str("\">");
                }
                self.link_text.clear();
                self.links.push(kind);
            }
            Tag::FootnoteDefinition(label) => {
                self.saved_out = Some(std::mem::take(&mut self.out));
                self.footnote_html.push((label.to_string(), String::new()));
            }
            Tag::HtmlBlock => {}
            // Handled in `run`, or not enabled.
            Tag::Item | Tag::CodeBlock(_) | Tag::Image { .. } => {}
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::BlockQuote(_) => {
                if let Some(&(start, _)) = self.quotes.last() {
                    self.mark_last_child(start);
                }
            }
            TagEnd::Item => {
                if let Some(start) = self.item_bodies.pop() {
                    self.mark_last_child(start);
                }
            }
            // The last row of a list: a nested list then ends with its last line of
            // text, not with a row's margin kept inside the item that holds it.
            TagEnd::List(_) => {
                if let Some(at) = self.lists.last().and_then(|l| l.last_item) {
                    self.mark_block_last(at);
                }
            }
            _ => {}
        }
        if matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Table
                | TagEnd::Heading(_)
        ) {
            self.last_closed = self.blocks.pop();
        }
        match tag {
            TagEnd::Paragraph => self.out.push_str("</p>"),
            TagEnd::Heading(level) => {
                let _ = write!(self.out, "</{}>", heading(level));
            }
            TagEnd::BlockQuote(_) => match self.quotes.pop() {
                Some((_, true)) => self.out.push_str("</section>"),
                _ => self.out.push_str("</blockquote>"),
            },
            TagEnd::List(_) => {
                self.lists.pop();
                self.out.push_str("</section>");
            }
            TagEnd::Item => self.out.push_str("</section></section>"),
            TagEnd::Table => self.out.push_str("</tbody></table></section>"),
            TagEnd::TableHead => {
                self.table_head = false;
                self.out.push_str("</tr></thead><tbody>");
            }
            TagEnd::TableRow => self.out.push_str("</tr>"),
            TagEnd::TableCell => {
                self.out
                    .push_str(if self.table_head { "</th>" } else { "</td>" });
                self.table_cell += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Link => match self.links.pop() {
                Some(LinkKind::Clickable) => self.out.push_str("</a>"),
                Some(LinkKind::Reference(n)) => {
                    let sup = format!("<sup class=\"reference-ref\">[{n}]</sup>");
                    let image = std::mem::take(&mut self.image_in_link);
                    if image && self.out.ends_with("</span>") {
                        // A linked image with a caption: the number ends the caption.
                        self.out.truncate(self.out.len() - "</span>".len());
                        self.out.push_str(&sup);
                        self.out.push_str("</span>");
                    } else if image && self.out.ends_with('>') {
                        // A linked image: its number is a caption line, not a stray line of text.
                        let _ = write!(self.out, "<span class=\"img-caption\">{sup}</span>");
                    } else {
                        self.out.push_str(&sup);
                    }
                    let reference = &mut self.references[n - 1];
                    let text = self.link_text.trim();
                    if reference.title.is_none() && !text.is_empty() && text != reference.url {
                        reference.title = Some(text.to_string());
                    }
                }
                Some(LinkKind::Text) | None => {}
            },
            TagEnd::FootnoteDefinition => {
                if let Some(saved) = self.saved_out.take() {
                    let html = std::mem::replace(&mut self.out, saved);
                    if let Some(last) = self.footnote_html.last_mut() {
                        last.1 = html;
                    }
                }
            }
            _ => {}
        }
    }

    /// Inside a quote, a callout or a list item (whose content starts at `start`),
    /// the last child block gets the class `block-last` (no bottom margin), so the
    /// box's padding, or the rows' own spacing, alone closes it. The stylesheet
    /// stays free of `:last-child`, which would turn off the inliner's fast path.
    fn mark_last_child(&mut self, start: usize) {
        match self.last_closed {
            Some(at) if at >= start => self.mark_block_last(at),
            _ => {}
        }
    }

    /// Adds the class `block-last` to the start tag at `at` in `out`.
    fn mark_block_last(&mut self, at: usize) {
        if !self.out.is_char_boundary(at) || !self.out[at..].starts_with('<') {
            return;
        }
        let tag = &self.out[at..];
        let name_end = tag[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(tag.len(), |e| e + 1);
        if tag[name_end..].starts_with(" class=\"") {
            let insert = at + name_end + " class=\"".len();
            self.out.insert_str(insert, "block-last ");
        } else {
            self.out.insert_str(at + name_end, " class=\"block-last\"");
        }
    }

    fn start_item(&mut self, task: Option<bool>) {
        let depth = self.lists.len();
        let marker = match (task, self.lists.last_mut()) {
            (Some(true), _) => "☑".to_string(),
            (Some(false), _) => "☐".to_string(),
            (None, Some(list)) if list.ordered => {
                list.next += 1;
                format!("{}.", list.next - 1)
            }
            (None, _) => ["•", "◦", "▪"][(depth.max(1) - 1) % 3].to_string(),
        };
        if let Some(list) = self.lists.last_mut() {
            list.last_item = Some(self.out.len());
        }
        let _ = write!(
            self.out,
            "<section class=\"list-item\"><span class=\"list-marker\">{marker}</span><section class=\"list-body\">"
        );
        self.item_bodies.push(self.out.len());
    }

    fn link_kind(&mut self, url: &str) -> LinkKind {
        if is_wechat_article(url) {
            return LinkKind::Clickable;
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return LinkKind::Text;
        }
        let next = self.references.len() + 1;
        let n = *self.reference_by_url.entry(url.to_string()).or_insert(next);
        if n == next {
            self.references.push(Reference {
                number: n,
                url: url.to_string(),
                title: None,
            });
        }
        LinkKind::Reference(n)
    }
}

/// Links WeChat keeps clickable inside an article.
pub fn is_wechat_article(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| r == "mp.weixin.qq.com" || r.starts_with("mp.weixin.qq.com/"))
}

/// A GFM alert's class suffix and title.
fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "说明"),
        BlockQuoteKind::Tip => ("tip", "提示"),
        BlockQuoteKind::Important => ("important", "重要"),
        BlockQuoteKind::Warning => ("warning", "警告"),
        BlockQuoteKind::Caution => ("caution", "注意"),
    }
}

fn heading(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// CJK ideographs, kana, hangul and full-width forms and punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31BF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Text with each web address in prose wrapped in `<span class="url">`, which the
/// theme lets break anywhere: a long URL otherwise moves to a line of its own and
/// leaves the justified line before it stretched.
fn write_prose(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        escape_into(out, &rest[..at]);
        let url = &rest[at..];
        let end = url
            .find(|c: char| c.is_whitespace() || !c.is_ascii())
            .unwrap_or(url.len());
        out.push_str("<span class=\"url\">");
        escape_into(out, &url[..end]);
        out.push_str("</span>");
        rest = &url[end..];
    }
    escape_into(out, rest);
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> Body {
        render(md, &mut |embed, _| match embed {
            Embed::Image(src) => ImageOut {
                src: format!("cdn/{src}"),
                width: Some(640),
                figure: None,
            },
            Embed::Figure(kind, source) => ImageOut {
                src: format!("{}-{}.png", kind.stem(), source.len()),
                width: Some(96),
                figure: Some(FigureSize {
                    width: 2.0,
                    height: 1.5,
                    depth: 0.25,
                }),
            },
        })
        .expect("test bodies nest shallowly")
    }

    #[test]
    fn soft_breaks_between_chinese_lines_add_no_space() {
        assert_eq!(
            html("第一行\n第二行\nand\nmore").html,
            "<p>第一行第二行 and more</p>"
        );
    }

    #[test]
    fn web_addresses_in_prose_may_break_anywhere() {
        assert_eq!(
            html("网址：https://example.com/a/b?q=1&r=2 后面，<https://e.example>").html,
            "<p>网址：<span class=\"url\">https://example.com/a/b?q=1&amp;r=2</span> 后面，https://e.example<sup class=\"reference-ref\">[1]</sup></p>"
        );
    }

    #[test]
    fn a_linked_image_puts_its_reference_number_in_a_caption() {
        assert_eq!(
            html("[![封面](a.png)](https://e.example)\n\n[![图](b.png \"图注\")](https://f.example)").html,
            "<p><img src=\"cdn/a.png\" data-w=\"640\" alt=\"封面\"><span class=\"img-caption\"><sup class=\"reference-ref\">[1]</sup></span></p>\
             <p><img src=\"cdn/b.png\" data-w=\"640\" alt=\"图\"><span class=\"img-caption\">图注<sup class=\"reference-ref\">[2]</sup></span></p>"
        );
        let b = html("[![封面](a.png)](https://e.example)");
        assert_eq!(b.references[0].title.as_deref(), Some("封面"));
    }

    #[test]
    fn math_becomes_pictures_and_money_stays_text() {
        let b = html("质能 $E=mc^2$ 和\n\n$$\\int x$$\n\n```math\na^2\n```\n\n花了 $5 和 $10");
        assert_eq!(
            b.html,
            "<p>质能 <img class=\"math-inline\" src=\"math-6.png\" data-w=\"96\" alt=\"E=mc^2\" style=\"height:1.5em;vertical-align:-0.25em\"> 和</p>\
             <p><img class=\"math-display\" src=\"math-6.png\" data-w=\"96\" alt=\"\\int x\" style=\"width:2em\"></p>\
             <section class=\"figure\"><img class=\"math-display\" src=\"math-4.png\" data-w=\"96\" alt=\"a^2\" style=\"width:2em\"></section>\
             <p>花了 $5 和 $10</p>"
        );
        assert!(b.unparsed_math.is_empty());
    }

    #[test]
    fn a_diagram_is_a_picture_in_a_section_of_its_own() {
        let b = html("```mermaid\nflowchart LR\n  A --> B\n```\n");
        assert_eq!(
            b.html,
            "<section class=\"figure\"><img class=\"diagram\" src=\"diagram-23.png\" data-w=\"96\" alt=\"diagram\" style=\"width:2px\"></section>"
        );
    }

    #[test]
    fn a_formula_left_open_is_found() {
        let md = "坏的 $\\frac{a}{$ 公式\n\n$$x^{2$$\n\n转义 \\$\\alpha 和 $5";
        let b = html(md);
        let at: Vec<&str> = b.unparsed_math.iter().map(|&i| &md[i..i + 2]).collect();
        assert_eq!(at, ["$\\", "$$"], "{:?}", b.unparsed_math);
    }

    #[test]
    fn footnote_markers() {
        assert_eq!(footnote_marker(1), "①");
        assert_eq!(footnote_marker(21), "㉑");
        assert_eq!(footnote_marker(50), "㊿");
        assert_eq!(footnote_marker(51), "(51)");
    }

    #[test]
    fn wechat_links_are_recognised() {
        assert!(is_wechat_article("https://mp.weixin.qq.com/s/abc"));
        assert!(!is_wechat_article(
            "https://mp.weixin.qq.com.evil.example/s"
        ));
        assert!(!is_wechat_article("https://example.com/mp.weixin.qq.com"));
    }

    #[test]
    fn image_ranges_point_into_the_original_text() {
        let md = "**“引号”**后 ![图](a.png)";
        let mut seen = Vec::new();
        render(md, &mut |embed, range| {
            let src = embed.source();
            seen.push((src.to_string(), range.clone()));
            ImageOut {
                src: src.into(),
                width: None,
                figure: None,
            }
        })
        .unwrap();
        let (src, range) = &seen[0];
        assert_eq!(src, "a.png");
        assert_eq!(&md[range.clone()], "![图](a.png)");
    }
}
