//! Precision and recall on the corpora in tests/corpus: ordinary prose raises nothing
//! from the word rules; every planted defect is found at its line and column.

mod check_support;
use check_support::*;

const WORD_RULES: &[&str] = &["banned-ad", "induced-sharing", "typo", "repeated-word"];

#[test]
fn clean_corpus_raises_nothing_from_word_rules() {
    let clean = include_str!("corpus/clean.md");
    let paragraphs = clean
        .split("\n\n")
        .filter(|p| !p.trim().is_empty() && !p.starts_with('#'))
        .count();
    assert!(paragraphs >= 30, "only {paragraphs} paragraphs");
    let site = TestSite::new("");
    site.post("clean.md", &post_with_body(clean));
    let diags = site.check("clean.md");
    let found = positions(&diags, WORD_RULES);
    assert!(found.is_empty(), "false positives: {found:?}\n{diags:#?}");
    // The corpus is written with care, so the style rules are quiet too.
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn defect_corpus_positions_are_exact() {
    let site = TestSite::new("");
    site.post("defects.md", include_str!("corpus/defects.md"));
    let diags = site.check("defects.md");
    let expected: Vec<&str> = include_str!("corpus/defects.expected")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(positions(&diags, &[]), expected, "{diags:#?}");
}
