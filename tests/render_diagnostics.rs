//! Problems the renderer reports at their source position: emphasis left as text,
//! and raw HTML it had to change for WeChat.

mod common;
use common::TestSite;

/// The build's diagnostics for one post with `body`, first lines only.
fn diagnostics(body: &str) -> Vec<String> {
    let site = TestSite::new();
    site.post("p", body);
    let diags = match site.build() {
        Ok(report) => report.diagnostics,
        Err(diags) => diags,
    };
    diags
        .iter()
        .filter(|d| d.file.ends_with("p.md"))
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect()
}

#[test]
fn emphasis_left_as_text_is_an_error_at_its_position() {
    let found = diagnostics("第一段没问题，**重点**。\n\n这里**没有配对的加粗。\n");
    assert_eq!(
        found,
        ["content/tech/p.md:8:3: error[emphasis-unparsed]: `**` or `~~` is left as text: this emphasis has no partner it can pair with"],
        "{found:#?}"
    );
}

#[test]
fn emphasis_in_code_and_escaped_marks_are_not_errors() {
    let found = diagnostics(
        "`**代码**` 和 \\*\\*转义\\*\\*。\n\n```\n**围栏**\n```\n\n这是**“引号”**后面，还有**《书名》**和~~“删除”~~后。\n",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn raw_html_changes_are_warnings_where_the_html_was_written() {
    let site = TestSite::new();
    site.post(
        "p",
        "正文。\n\n<div style=\"font-family:serif;text-align:start\" onclick=\"x()\">块</div>\n\n<script>alert(1)</script>\n\n行内 <span onmouseover=\"y()\">HTML</span> 和 <iframe src=\"https://e.example\"></iframe>。\n",
    );
    let report = site.build().expect("raw HTML problems are warnings");
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    let w = "warning[raw-html]: raw HTML changed for WeChat";
    assert_eq!(
        found,
        [
            format!("content/tech/p.md:8:1: {w}: `font-family: serif` removed in `<div>`"),
            format!("content/tech/p.md:8:1: {w}: `text-align: start` removed in `<div>`"),
            format!("content/tech/p.md:8:1: {w}: attribute `onclick` removed from `<div>`"),
            format!("content/tech/p.md:10:1: {w}: `<script>` removed with its content"),
            format!("content/tech/p.md:12:4: {w}: attribute `onmouseover` removed from `<span>`"),
            format!("content/tech/p.md:12:42: {w}: `<iframe>` removed with its content"),
        ],
        "{found:#?}"
    );
    let html = site.read("public/p/article.html");
    for gone in [
        "<script",
        "<iframe",
        "onclick",
        "onmouseover",
        "font-family",
        "text-align:start",
    ] {
        assert!(!html.contains(gone), "{gone}: {html}");
    }
    assert!(html.contains("块") && html.contains("HTML"), "{html}");
}

#[test]
fn a_chain_of_identical_wrappers_past_fifteen_is_a_warning_at_its_start() {
    // As pasted from a layout editor: 17 identical sections around one line.
    let chain = format!(
        "{}排版编辑器的段落{}",
        "<section style=\"margin:0\">".repeat(17),
        "</section>".repeat(17)
    );
    let found = diagnostics(&format!("正文。\n\n{chain}\n\n后文。\n"));
    assert_eq!(
        found,
        ["content/tech/p.md:8:1: warning[raw-html]: 17 nested `<section style=\"margin:0\">`, each holding only the next: WeChat's editor deletes chains of more than 15 identical wrappers"],
        "{found:#?}"
    );
    let fifteen = chain
        .replacen("<section style=\"margin:0\">", "", 2)
        .replacen("</section>", "", 2);
    assert!(diagnostics(&format!("正文。\n\n{fifteen}\n")).is_empty());
}
