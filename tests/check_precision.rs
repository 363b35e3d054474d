//! The false alarms of real articles (issue 11), one test per pattern: house style
//! for numbers, absolute terms read as claims or not, names that look like typos,
//! enumerators and quotations over paragraphs, and output a person can read.

mod check_support;
use check_support::*;
use wxpress::diagnostic::{Diagnostic, Severity};

fn only<'a>(diags: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

/// Paragraphs that write numbers unspaced, `n` times in all.
fn unspaced_numbers(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{}年{}月，接近{}%的人用 Rust 写过代码。\n\n",
                2000 + i,
                1 + i % 12,
                i
            )
        })
        .collect()
}

#[test]
fn a_site_that_writes_2019年_unspaced_gets_no_digit_warnings_under_auto() {
    let site = TestSite::new("");
    site.post("a.md", &post_with_body(&unspaced_numbers(15)));
    site.post(
        "b.md",
        &post_with_body("今年3月20日发布，内存5GB，温度25°C，最后是共3篇。\n"),
    );
    let d = site.check("b.md");
    assert!(only(&d, "spacing").is_empty(), "{d:#?}");
}

#[test]
fn a_site_that_spaces_numbers_is_told_with_its_own_numbers() {
    let site = TestSite::new("");
    let spaced: String = (0..25)
        .map(|i| {
            format!(
                "{} 年 {} 月有 {} 位读者。\n\n",
                2000 + i,
                1 + i % 12,
                i + 10
            )
        })
        .collect();
    site.post("a.md", &post_with_body(&spaced));
    site.post("b.md", &post_with_body("支付宝的90%用户在2019年注册。\n"));
    let d = site.check("b.md");
    let s = only(&d, "spacing");
    assert_eq!(
        positions(&d, &["spacing"]),
        ["7:4 spacing", "7:7 spacing", "7:10 spacing", "7:14 spacing"],
        "{d:#?}"
    );
    // Whole words: the number with its unit, never a two-character window.
    assert!(
        s[0].message.starts_with("no space between `的` and `90%`"),
        "{}",
        s[0].message
    );
    assert!(
        s[0].message
            .contains("this site spaces numbers from Chinese in 97% of 129 cases"),
        "{}",
        s[0].message
    );
}

#[test]
fn space_digits_always_and_never_override_the_measurement() {
    let site = TestSite::new("[check]\nspace_digits = \"always\"\n");
    site.post("a.md", &post_with_body(&unspaced_numbers(15)));
    assert!(!only(&site.check("a.md"), "spacing").is_empty());

    let site = TestSite::new("[check]\nspace_digits = \"never\"\n");
    site.post("a.md", &post_with_body("共3篇，用Rust写。\n"));
    // Latin words are still spaced; numbers are left to the writer.
    assert_eq!(
        positions(&site.check("a.md"), &["spacing"]),
        ["7:5 spacing", "7:9 spacing"]
    );

    let site = TestSite::new("[check]\nspace_digits = \"sometimes\"\n");
    assert!(wxpress::site::Site::load(site.root()).is_err());
}

#[test]
fn lexicalised_mixed_words_and_attributions_are_not_spacing_problems() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body("穿着T恤去唱卡拉OK，顺便看看A股。\n\n—— 《人月神话》\n"),
    );
    assert!(only(&site.check("a.md"), "spacing").is_empty());
}

#[test]
fn absolute_terms_in_ordinary_prose_are_not_errors() {
    let site = TestSite::new("");
    let body = "这比市场上最便宜的硬盘还低。\n\n\
        这是唯一方法，也是唯一途径，每条记录都有唯一标识。\n\n\
        鲨鱼是顶级掠食者，论文发在顶级期刊上，这是一个世界级难题。\n\n\
        这些是最佳实践，保持最佳状态。\n\n\
        推荐阅读：[2018 最佳 Linux 发行版](https://example.com/best-linux)。\n\n\
        这部电影拿下了奥斯卡最佳影片，也是年度最佳。\n\n\
        他说：“这是我用过最好的、最佳的工具。”\n\n\
        独一无二的 ID 由数据库生成。\n";
    site.post("a.md", &post_with_body(body));
    let d = site.check("a.md");
    assert!(only(&d, "banned-ad").is_empty(), "{d:#?}");
}

#[test]
fn claims_are_errors_and_a_bare_superlative_is_a_warning() {
    let site = TestSite::new("[check]\nbrands = [\"云杉笔记\"]\n");
    let body = "全网第一的课程，最低价只要九块九。\n\n\
        云杉笔记是最先进的写作工具。\n\n\
        这一段的最佳没有被忽略。\n";
    site.post("a.md", &post_with_body(body));
    let d = site.check("a.md");
    let ad = only(&d, "banned-ad");
    let seen: Vec<(String, Severity)> = ad
        .iter()
        .map(|d| (format!("{}:{}", d.line, d.column), d.severity))
        .collect();
    assert_eq!(
        seen,
        [
            ("7:1".to_string(), Severity::Error),
            ("7:9".to_string(), Severity::Error),
            ("9:6".to_string(), Severity::Error),
            ("11:5".to_string(), Severity::Warning),
        ],
        "{d:#?}"
    );
    assert!(
        ad[2].message.contains("promotes (`云杉笔记`)"),
        "{}",
        ad[2].message
    );
}

#[test]
fn an_ad_post_flags_every_term_of_the_strict_lists() {
    let terms: Vec<&str> = [
        include_str!("../data/words/banned-ad.txt"),
        include_str!("../data/words/ad-context.txt"),
        include_str!("../data/words/ad-claims.txt"),
    ]
    .iter()
    .flat_map(|t| t.lines())
    .map(str::trim)
    .filter(|l| !l.is_empty() && !l.starts_with('#'))
    .collect();
    let body: String = terms.iter().map(|t| format!("{t}。\n\n")).collect();
    let site = TestSite::new("");
    site.post(
        "ad.md",
        &format!("+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\nad = true\n+++\n\n{body}"),
    );
    let d = site.check("ad.md");
    let errors = only(&d, "banned-ad");
    assert!(errors.iter().all(|d| d.severity == Severity::Error));
    for (i, term) in terms.iter().enumerate() {
        let line = 8 + 2 * i;
        assert!(
            errors.iter().any(|d| d.line == line),
            "`{term}` (line {line}) not flagged in an ad"
        );
    }
}

#[test]
fn names_are_not_typos() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body(
            "用 Canva 做封面，升级到 macOS Big Sur 之后，重读 Niklaus Wirth 的书。\n\n\
             François 写的库很好用，见 [canva](https://www.canva.com)。\n\n\
             帕斯卡语言的作者沃思（Wirth）说过一句话。\n\n\
             This is teh way.\n\n\
             用 Deno Depoly 部署，系统是 Andorid 14，属性（attribue）。\n",
        ),
    );
    let d = site.check("a.md");
    // Names pass; a typo stays a typo, even capitalised or in brackets.
    assert_eq!(
        positions(&d, &["typo"]),
        ["13:9 typo", "15:8 typo", "15:22 typo", "15:36 typo"],
        "{d:#?}"
    );
}

#[test]
fn a_name_written_in_several_posts_is_a_name() {
    let site = TestSite::new("");
    for name in ["a.md", "b.md"] {
        site.post(name, &post_with_body("Canva makes our covers.\n"));
    }
    assert!(only(&site.check("a.md"), "typo").is_empty());
    let site = TestSite::new("");
    site.post("a.md", &post_with_body("Canva makes our covers.\n"));
    assert_eq!(only(&site.check("a.md"), "typo").len(), 1);
}

#[test]
fn names_and_quotations_are_not_repeated_words() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body(
            "化石出自 Kem Kem 地层。\n\n原文写着“it was the the best”。\n\nsee the the docs.\n",
        ),
    );
    assert_eq!(
        positions(&site.check("a.md"), &["repeated-word"]),
        ["11:9 repeated-word"]
    );
}

#[test]
fn enumerators_and_quotations_over_paragraphs_are_balanced() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body(
            "步骤：1）安装；2）配置；3）运行。\n\n\
             a）准备材料\n\n\
             “第一段引文，没有结束。\n\n\
             “第二段引文，也没有结束。\n\n\
             “最后一段引文到此结束。”\n\n\
             他说“好“。\n",
        ),
    );
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &["punctuation"]),
        ["17:5 punctuation"],
        "{d:#?}"
    );
    assert!(d[0].message.contains("reversed quote"));
}

#[test]
fn a_dot_between_chinese_is_reported_but_not_fixed() {
    let site = TestSite::new("");
    site.post("a.md", &post_with_body("特里.戴维斯来了。\n"));
    let f = site.findings("a.md");
    let p: Vec<_> = f.iter().filter(|f| f.rule.id() == "punctuation").collect();
    assert_eq!(p.len(), 1);
    assert!(p[0].fix.is_none());
    assert!(p[0].diagnostic.suggestion.as_deref().unwrap().contains('·'));
}

#[test]
fn build_shows_a_few_per_rule_and_file_and_check_summary_counts() {
    let site = TestSite::new("[check]\nspace_digits = \"always\"\n");
    let body: String = (0..10).map(|i| format!("第{i}章。\n\n")).collect();
    site.post("a.md", &post_with_body(&body));
    let o = site.run(&["build"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("warning[spacing]").count(), 3, "{err}");
    assert!(
        err.contains("… 17 more warning(s) [spacing] in content/notes/a.md: `wxpress check content/notes/a.md` lists them all"),
        "{err}"
    );
    assert!(err.contains("0 error(s), 20 warning(s)"), "{err}");

    let o = site.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 20, "json stays complete");

    let o = site.run(&["check", "--summary"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("spacing       0        20"), "{out}");
    assert!(
        out.contains("content/notes/a.md: 0 error(s), 20 warning(s)"),
        "{out}"
    );
}

#[test]
fn a_superlative_in_a_post_that_promotes_nothing_is_silent() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body("这是最佳选择。\n\nPR 的最佳长度是多少？\n\n太阳系中磁场最强的行星。\n"),
    );
    assert!(only(&site.check("a.md"), "banned-ad").is_empty());
    // The same sentences in a post that sells something elsewhere: the bare
    // superlative is worth a warning, the question and the fact still are not.
    site.post(
        "b.md",
        &post_with_body("这是最佳选择。\n\nPR 的最佳长度是多少？\n\n太阳系中磁场最强的行星。\n\n本店今天开业。\n"),
    );
    let d = site.check("b.md");
    assert_eq!(positions(&d, &["banned-ad"]), ["7:3 banned-ad"], "{d:#?}");
    assert_eq!(d[0].severity, Severity::Warning);
}

#[test]
fn a_reversed_quote_pair_is_reported_once() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body("也可能是”层次结构”。\n\n老牌国家“欧美日“都在温带。\n"),
    );
    let d = site.check("a.md");
    assert_eq!(
        positions(&d, &["punctuation"]),
        ["7:5 punctuation", "9:9 punctuation"],
        "{d:#?}"
    );
}

#[test]
fn 本_inside_a_word_is_no_self_promotion() {
    let site = TestSite::new("");
    site.post(
        "a.md",
        &post_with_body(
            "日本产品是最佳选择；新版本产品也是最佳。\n\n欢迎在本店选购，这是最佳选择。\n",
        ),
    );
    let d = site.check("a.md");
    // Only the sentence with 本店 promotes; the first paragraph is a warning,
    // since the post does promote something.
    let seen: Vec<(usize, Severity)> = only(&d, "banned-ad")
        .iter()
        .map(|d| (d.line, d.severity))
        .collect();
    assert_eq!(
        seen,
        [
            (7, Severity::Warning),
            (7, Severity::Warning),
            (9, Severity::Error)
        ],
        "{d:#?}"
    );
}

#[test]
fn a_column_of_ads_makes_its_posts_ads_unless_a_post_says_otherwise() {
    let site = TestSite::new("\n[[columns]]\nname = \"推广\"\nslug = \"sponsored\"\nads = true\n");
    let post = |column: &str, ad: &str| {
        format!(
            "+++\ntitle = \"普通的标题\"\nsummary = \"一句摘要。\"\ncover = \"cover.png\"\ncolumn = \"{column}\"\n{ad}+++\n\n这是最佳的选择。\n"
        )
    };
    site.post("plain.md", &post("notes", ""));
    site.post("sponsored.md", &post("sponsored", ""));
    site.post("editorial.md", &post("sponsored", "ad = false\n"));
    let errors = |name: &str| {
        only(&site.check(name), "banned-ad")
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    };
    assert_eq!(errors("plain.md"), 0);
    assert_eq!(errors("sponsored.md"), 1);
    assert_eq!(errors("editorial.md"), 0);
}
