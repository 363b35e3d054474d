//! One automaton for every word list of the text rules (advertising terms, induced
//! sharing, sensitive words, Chinese typos, repeated characters, allowed phrases), so
//! a post's prose is scanned once. Matching is leftmost-longest: an allowed phrase
//! such as 唯一的办法 wins over the shorter banned 唯一 inside it.

use crate::config::CheckConfig;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Ordinary text that contains a listed word; reports nothing.
    Allow,
    /// An absolute advertising term; `site` when it comes from the site's own list.
    Banned {
        site: bool,
        class: AdClass,
    },
    /// One of the site's brands or a self-promotion phrase (本店, 我们的产品): a
    /// sentence with one promotes, and an absolute term in it is a claim.
    Brand,
    Induced,
    /// From the sensitive-word file with this name.
    Sensitive(String),
    /// A mis-written word and its correction.
    Typo(String),
    /// A doubled character such as 的的; the correction keeps one.
    Repeated(String),
}

/// How an absolute term reads outside an advertisement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdClass {
    /// A commercial collocation (全网第一, 最低价): a claim wherever it is.
    Claim,
    /// A superlative (最佳, 最先进): a warning in ordinary prose.
    Term,
    /// An ordinary word outside ads (唯一 "only", 顶级 "top-level"): nothing there.
    Contextual,
}

pub struct Lexicon {
    automaton: Option<AhoCorasick>,
    kinds: Vec<Kind>,
    /// Pattern is ASCII letters/digits: it must match whole words, not inside one.
    ascii_word: Vec<bool>,
}

/// The lines of a word list: trimmed, without blanks and `#` comments.
pub fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

const BANNED: &str = include_str!("../../data/words/banned-ad.txt");
const AD_CONTEXT: &str = include_str!("../../data/words/ad-context.txt");
const AD_CLAIMS: &str = include_str!("../../data/words/ad-claims.txt");
const AD_SELF: &str = include_str!("../../data/words/ad-self.txt");
const ALLOW: &str = include_str!("../../data/words/allow.txt");
const INDUCED: &str = include_str!("../../data/words/induced-sharing.txt");
pub const TYPOS_ZH: &str = include_str!("../../data/words/typos-zh.txt");
/// Characters that are never doubled in ordinary Chinese, outside the allowed phrases.
const REPEATED: &[&str] = &["的的", "了了", "地地"];

/// `wrong -> right` pairs of the built-in Chinese typo list.
pub fn typo_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    entries(TYPOS_ZH).filter_map(|l| {
        let (wrong, right) = l.split_once("->")?;
        Some((wrong.trim(), right.trim()))
    })
}

impl Lexicon {
    /// Later sources override earlier ones for the same word: built-in lists, then
    /// built-in allowed phrases, then the site's sensitive files, typos, banned words
    /// and finally its allowed phrases.
    pub fn build(check: &CheckConfig, sensitive: &[(String, Vec<String>)]) -> Lexicon {
        let mut words: Vec<String> = Vec::new();
        let mut kinds: Vec<Kind> = Vec::new();
        let mut by_word: HashMap<String, usize> = HashMap::new();
        let mut add = |word: &str, kind: Kind| {
            let word = word.trim();
            if word.is_empty() {
                return;
            }
            let key = word.to_lowercase();
            match by_word.get(&key) {
                Some(&i) => kinds[i] = kind,
                None => {
                    by_word.insert(key, words.len());
                    words.push(word.to_string());
                    kinds.push(kind);
                }
            }
        };
        let banned = |class| Kind::Banned { site: false, class };
        for w in entries(BANNED) {
            add(w, banned(AdClass::Term));
        }
        for w in entries(AD_CONTEXT) {
            add(w, banned(AdClass::Contextual));
        }
        for w in entries(AD_CLAIMS) {
            add(w, banned(AdClass::Claim));
        }
        for w in entries(AD_SELF) {
            add(w, Kind::Brand);
        }
        for w in entries(INDUCED) {
            add(w, Kind::Induced);
        }
        for (wrong, right) in typo_pairs() {
            add(wrong, Kind::Typo(right.to_string()));
        }
        for w in REPEATED {
            let one: String = w.chars().take(1).collect();
            add(w, Kind::Repeated(one));
        }
        for w in entries(ALLOW) {
            add(w, Kind::Allow);
        }
        for (file, list) in sensitive {
            for w in list {
                add(w, Kind::Sensitive(file.clone()));
            }
        }
        for (wrong, right) in &check.typos {
            add(wrong, Kind::Typo(right.clone()));
        }
        for w in &check.brands {
            add(w, Kind::Brand);
        }
        for w in &check.words.banned {
            add(
                w,
                Kind::Banned {
                    site: true,
                    class: AdClass::Claim,
                },
            );
        }
        for w in &check.words.allow {
            add(w, Kind::Allow);
        }
        let ascii_word = words
            .iter()
            .map(|w| w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            // A DFA costs a few MB once per site and scans several times faster
            // than the default NFA: prose is scanned for every post.
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .build(&words)
            .ok();
        Lexicon {
            automaton,
            kinds,
            ascii_word,
        }
    }

    /// Calls `found` for every listed, not-allowed word in `text`, left to right.
    pub fn scan(&self, text: &str, mut found: impl FnMut(Range<usize>, &Kind)) {
        let Some(ac) = &self.automaton else { return };
        let bytes = text.as_bytes();
        for m in ac.find_iter(text) {
            let i = m.pattern().as_usize();
            if self.ascii_word[i] {
                let glued =
                    |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
                if glued(m.start().checked_sub(1).and_then(|s| bytes.get(s)))
                    || glued(bytes.get(m.end()))
                {
                    continue;
                }
            }
            let kind = &self.kinds[i];
            if *kind != Kind::Allow {
                found(m.range(), kind);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(lex: &Lexicon, text: &str) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        lex.scan(text, |r, k| out.push((text[r].to_string(), k.clone())));
        out
    }

    #[test]
    fn allowed_phrases_win_over_shorter_terms_inside() {
        let lex = Lexicon::build(&CheckConfig::default(), &[]);
        assert!(found(&lex, "这是唯一的办法，也是最近的路").is_empty());
        assert_eq!(
            found(&lex, "我们是唯一正品"),
            [(
                "唯一正品".to_string(),
                Kind::Banned {
                    site: false,
                    class: AdClass::Claim
                }
            )]
        );
        assert!(found(&lex, "这是唯一方法，也是最佳实践").is_empty());
        assert_eq!(
            found(&lex, "唯一的选择在顶级期刊上")
                .into_iter()
                .map(|(w, _)| w)
                .collect::<Vec<_>>(),
            Vec::<String>::new()
        );
        assert!(found(&lex, "他感动得不能自已").is_empty());
        assert_eq!(found(&lex, "我自已来")[0].1, Kind::Typo("自己".into()));
    }

    #[test]
    fn site_lists_override_and_ascii_words_need_boundaries() {
        let mut check = CheckConfig::default();
        check.words.banned = vec!["bestbuy".into(), "最近".into()];
        check.words.allow = vec!["唯一正品".into()];
        check.typos.insert("wxpres".into(), "wxpress".into());
        let lex = Lexicon::build(&check, &[]);
        assert!(found(&lex, "唯一正品").is_empty());
        assert_eq!(
            found(&lex, "最近").len(),
            1,
            "site banned beats built-in allow"
        );
        assert!(found(&lex, "mybestbuy").is_empty());
        assert_eq!(found(&lex, "去 BestBuy 看看").len(), 1);
        assert_eq!(
            found(&lex, "用 wxpres 发布")[0].1,
            Kind::Typo("wxpress".into())
        );
        assert!(found(&lex, "wxpress").is_empty());
    }

    #[test]
    fn builtin_typo_list_is_large_and_consistent() {
        let pairs: Vec<_> = typo_pairs().collect();
        assert!(pairs.len() >= 300, "{}", pairs.len());
        let lex = Lexicon::build(&CheckConfig::default(), &[]);
        for (wrong, right) in &pairs {
            assert_ne!(wrong, right);
            // A fix must never introduce another finding.
            let after = found(&lex, right);
            assert!(
                after.is_empty(),
                "correction {right} of {wrong} matches {after:?}"
            );
            let before = found(&lex, wrong);
            assert_eq!(
                before,
                [(wrong.to_string(), Kind::Typo(right.to_string()))],
                "{wrong}"
            );
        }
    }
}
