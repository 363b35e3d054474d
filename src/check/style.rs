//! What a site's own posts say about its house style, measured once per compile of
//! the whole site (in [`crate::site::Site::compile_all`]) and passed to every
//! post's check: how often Chinese and numbers are spaced (`2019年` or `2019 年`),
//! and which capitalised English words recur across posts (names such as Canva or
//! Wirth, not typos). The checks themselves stay pure: a post's findings depend on
//! the post, the checker and this measurement only.

use super::spacing;
use crate::content::Post;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// A site's measured conventions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteStyle {
    /// Boundaries between Chinese and a number written with a space.
    pub digits_spaced: usize,
    /// … and without one.
    pub digits_unspaced: usize,
    /// Capitalised English words that appear in at least two posts.
    pub names: HashSet<String>,
}

/// A capitalised word in this many posts is taken for a name.
pub const NAME_POSTS: usize = 2;
/// Fewer Chinese–number boundaries than this say nothing about a site's style.
pub const DIGITS_MIN: usize = 20;

impl SiteStyle {
    /// Measures the bodies of `posts` (fenced code left out), in parallel.
    pub fn measure<'p>(posts: &'p [Post]) -> SiteStyle {
        type Tally<'a> = (usize, usize, HashMap<&'a str, usize>);
        let merge = |mut a: Tally<'p>, b: Tally<'p>| {
            a.0 += b.0;
            a.1 += b.1;
            for (word, n) in b.2 {
                *a.2.entry(word).or_default() += n;
            }
            a
        };
        let (digits_spaced, digits_unspaced, posts_with) = posts
            .par_iter()
            .fold(Tally::default, |mut tally, post| {
                let mut seen: HashSet<&str> = HashSet::new();
                for line in prose_lines(post.body()) {
                    for b in spacing::boundaries(line) {
                        if b.numeric {
                            if b.spaced {
                                tally.0 += 1;
                            } else {
                                tally.1 += 1;
                            }
                        }
                    }
                    seen.extend(capitalised_words(line));
                }
                for word in seen {
                    *tally.2.entry(word).or_default() += 1;
                }
                tally
            })
            .reduce(Tally::default, merge);
        SiteStyle {
            digits_spaced,
            digits_unspaced,
            names: posts_with
                .into_iter()
                .filter(|&(_, n)| n >= NAME_POSTS)
                .map(|(w, _)| w.to_string())
                .collect(),
        }
    }

    /// The share of Chinese–number boundaries written without a space, in percent,
    /// when there are enough of them to tell.
    pub fn unspaced_digits_percent(&self) -> Option<usize> {
        let total = self.digits_spaced + self.digits_unspaced;
        (total >= DIGITS_MIN).then(|| (self.digits_unspaced * 100 + total / 2) / total)
    }
}

/// Capitalised words of three or more letters (Canva, Wirth), not glued to digits,
/// `_`, `.`, `/`, `@` or `-` (identifiers, paths, URLs), and not in ALLCAPS or camelCase:
/// the words [`super::typo`] would judge, found by a cheap scan of bytes.
fn capitalised_words(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let glue = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'@' | b'-');
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let start = i;
            if !bytes[i].is_ascii_uppercase() || (i > 0 && glue(bytes[i - 1])) {
                i += 1;
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_lowercase() {
                i += 1;
            }
            let latin = |c: char| c.is_alphabetic() && (c as u32) < 0x2E80;
            let glued = bytes.get(i).is_some_and(|&b| glue(b))
                || (bytes.get(i).is_some_and(|&b| b >= 0x80)
                    && line[i..].chars().next().is_some_and(latin));
            let foreign = start > 0
                && bytes[start - 1] >= 0x80
                && line[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphabetic() && (c as u32) < 0x2E80);
            if i - start >= 3 && !glued && !foreign {
                return Some(&line[start..i]);
            }
        }
        None
    })
}

/// The lines of a Markdown body outside fenced code blocks.
fn prose_lines(body: &str) -> impl Iterator<Item = &str> {
    let mut fence: Option<&str> = None;
    body.lines().filter(move |line| {
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                false
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                false
            }
            (Some(_), _) => false,
            (None, None) => true,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_words_are_whole_words_only() {
        let words: Vec<&str> = capitalised_words(
            "用 Canva 和 Figma，见 https://Canva.com、my_Teh、Wirth's 和 HTTP、macOS、Dash 2、François",
        )
        .collect();
        assert_eq!(words, ["Canva", "Figma", "Wirth", "Dash"]);
    }

    #[test]
    fn fenced_code_is_not_measured() {
        let lines: Vec<&str> = prose_lines("一\n```\n2019年\n```\n二\n").collect();
        assert_eq!(lines, ["一", "二"]);
    }
}
