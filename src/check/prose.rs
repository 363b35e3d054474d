//! The prose of a post: the pieces of its Markdown body a reader reads as text, with
//! their byte offsets in the body. Code blocks, inline code, HTML and autolinks are
//! left out, so text rules never look inside them. Also collects images, link
//! targets and `<!-- wxpress-ignore RULE -->` comments.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::ops::Range;

/// A run of text as written in the body: `body[range]` is exactly the text.
#[derive(Debug, Clone)]
pub struct Segment {
    pub range: Range<usize>,
    /// Segments with the same block number are in the same paragraph, heading, cell…
    pub block: usize,
}

pub struct Prose<'a> {
    pub body: &'a str,
    pub segments: Vec<Segment>,
    /// Local and remote images: (address as written, range of `![…](…)`).
    pub images: Vec<(String, Range<usize>)>,
    /// Link targets: (address, range of the whole link).
    pub links: Vec<(String, Range<usize>)>,
    /// Blocks silenced by a preceding ignore comment, with the silenced rule ids.
    ignores: Vec<(Range<usize>, Vec<String>)>,
    /// Ids in ignore comments that name no rule: (range of the comment, id).
    unknown: Vec<(Range<usize>, String)>,
}

const IGNORE: &str = "wxpress-ignore";

impl<'a> Prose<'a> {
    pub fn parse(body: &'a str) -> Prose<'a> {
        let mut prose = Prose {
            body,
            segments: Vec::new(),
            images: Vec::new(),
            links: Vec::new(),
            ignores: Vec::new(),
            unknown: Vec::new(),
        };
        let mut block = 0usize;
        let mut depth = 0usize;
        let mut code = 0usize;
        let mut autolink = 0usize;
        let mut link_stack: Vec<bool> = Vec::new();
        let mut pending: Option<Vec<String>> = None;
        for (event, range) in
            Parser::new_ext(body, crate::render::markdown::options()).into_offset_iter()
        {
            match event {
                Event::Start(tag) => {
                    if is_block(&tag) {
                        if depth == 0 && !matches!(tag, Tag::HtmlBlock) {
                            if let Some(ids) = pending.take() {
                                prose.ignores.push((range.clone(), ids));
                            }
                        }
                        depth += 1;
                        block += 1;
                    }
                    match tag {
                        Tag::CodeBlock(_) => code += 1,
                        Tag::Image { dest_url, .. } => {
                            prose.images.push((dest_url.to_string(), range))
                        }
                        Tag::Link {
                            link_type,
                            dest_url,
                            ..
                        } => {
                            let auto = matches!(link_type, LinkType::Autolink | LinkType::Email);
                            autolink += usize::from(auto);
                            link_stack.push(auto);
                            prose.links.push((dest_url.to_string(), range));
                        }
                        _ => {}
                    }
                }
                Event::End(tag) => {
                    match tag {
                        TagEnd::CodeBlock => code -= 1,
                        TagEnd::Link if link_stack.pop() == Some(true) => autolink -= 1,
                        _ => {}
                    }
                    if is_block_end(&tag) {
                        depth -= 1;
                        block += 1;
                    }
                }
                // Escapes and entities make the event differ from the source;
                // such rare pieces are skipped rather than mis-positioned.
                Event::Text(text)
                    if code == 0 && autolink == 0 && body.get(range.clone()) == Some(&*text) =>
                {
                    prose.segments.push(Segment { range, block });
                }
                Event::Html(html) | Event::InlineHtml(html) => {
                    if let Some(ids) = ignore_ids(&html) {
                        let mut known = Vec::new();
                        for id in ids {
                            if super::Rule::from_id(id).is_some() {
                                known.push(id.to_string());
                            } else {
                                prose.unknown.push((range.clone(), id.to_string()));
                            }
                        }
                        pending = Some(known);
                    }
                }
                _ => {}
            }
        }
        prose
    }

    /// The text of a segment.
    pub fn text(&self, s: &Segment) -> &'a str {
        &self.body[s.range.clone()]
    }

    /// True when `rule` is silenced at `offset` (bytes into the body).
    pub fn is_ignored(&self, rule: &str, offset: Option<usize>) -> bool {
        let Some(offset) = offset else { return false };
        self.ignores
            .iter()
            .any(|(range, ids)| range.contains(&offset) && ids.iter().any(|id| id == rule))
    }

    pub fn unknown_ignores(&self) -> impl Iterator<Item = (&Range<usize>, &str)> {
        self.unknown.iter().map(|(r, id)| (r, id.as_str()))
    }
}

/// `<!-- wxpress-ignore typo, spacing -->` → ["typo", "spacing"].
fn ignore_ids(html: &str) -> Option<Vec<&str>> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let ids = inner.strip_prefix(IGNORE)?;
    Some(
        ids.split([' ', ',', '\t', '\n'])
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<&str> {
        let p = Prose::parse(md);
        p.segments.iter().map(|s| p.text(s)).collect()
    }

    #[test]
    fn code_html_and_autolinks_are_not_prose() {
        let md = "说明 `code 的的` 结束\n\n```\n的的\n```\n\n<span title=\"的的\">好</span> <https://teh.example>\n";
        assert_eq!(texts(md), ["说明 ", " 结束", "好", " "]);
    }

    #[test]
    fn ignore_comment_covers_the_next_block_only() {
        let md = "<!-- wxpress-ignore typo nosuch -->\n第一段\n\n第二段\n";
        let p = Prose::parse(md);
        let first = md.find("第一段").unwrap();
        let second = md.find("第二段").unwrap();
        assert!(p.is_ignored("typo", Some(first)));
        assert!(!p.is_ignored("spacing", Some(first)));
        assert!(!p.is_ignored("typo", Some(second)));
        assert_eq!(
            p.unknown_ignores().map(|(_, id)| id).collect::<Vec<_>>(),
            ["nosuch"]
        );
    }

    #[test]
    fn emphasis_keeps_one_block_and_paragraphs_split() {
        let p = Prose::parse("甲**乙**丙\n\n丁");
        let blocks: Vec<usize> = p.segments.iter().map(|s| s.block).collect();
        assert_eq!(blocks[0], blocks[1]);
        assert_eq!(blocks[1], blocks[2]);
        assert_ne!(blocks[2], blocks[3]);
    }
}
