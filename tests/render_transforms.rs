//! Snapshot tests of each WeChat transform, on the Markdown renderer's output
//! (classes still present; the theme's CSS is inlined afterwards).

use wxpress::render::markdown::{render, Body, ImageOut};

fn body(md: &str) -> Body {
    render(md, &mut |embed, _| ImageOut {
        src: embed.source().rsplit('/').next().unwrap().to_string(),
        width: Some(640),
        figure: None,
    })
    .expect("fixtures nest shallowly")
}

/// One tag per line, so snapshots diff readably.
fn pretty(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn external_links_become_numbered_references() {
    let b = body(
        "读 [Rust 官网](https://www.rust-lang.org) 和 <https://doc.rust-lang.org/book/>，\
         再看一次 [官网](https://www.rust-lang.org)。往期：[上一篇](https://mp.weixin.qq.com/s/abc)，\
         [相对链接](../other.md)。",
    );
    insta::assert_snapshot!(pretty(&b.html));
    insta::assert_debug_snapshot!(b.references);
}

#[test]
fn code_blocks_keep_spaces_and_line_breaks() {
    let b = body("```rust\nfn main() {\n    let s = \"a  b\";\n\tprintln!(\"{s}\");\n}\n```\n\n```\nplain <text>\n  indented\n```\n");
    insta::assert_snapshot!(pretty(&b.html));
    assert!(
        !b.html.contains('\n'),
        "line breaks must be <br>, WeChat eats newlines"
    );
}

#[test]
fn nested_lists_carry_text_markers() {
    let b = body("- 一级\n  - 二级\n    - 三级\n  - 二级乙\n    1. 有序一\n    2. 有序二\n- 一级乙\n\n3. 从三开始\n4. 第四\n\n- [ ] 待办\n- [x] 已办\n");
    insta::assert_snapshot!(pretty(&b.html));
}

#[test]
fn tables_scroll_inside_a_wrapper() {
    let b = body("| 左 | 中 | 右 |\n|:--|:-:|--:|\n| a | b | c |\n");
    insta::assert_snapshot!(pretty(&b.html));
}

#[test]
fn images_get_data_w_and_captions() {
    let b = body("![流程图](images/flow.png \"图 1：流程\")\n");
    insta::assert_snapshot!(pretty(&b.html));
}

#[test]
fn footnotes_are_collected_for_the_end() {
    let b =
        body("正文一[^a]，正文二[^b]，再引用[^a]。\n\n[^b]: 第二条。\n[^a]: 第一条，**加粗**。\n");
    insta::assert_snapshot!(pretty(&b.html));
    insta::assert_debug_snapshot!(b.footnotes);
}

#[test]
fn cjk_emphasis_renders_without_bare_asterisks() {
    let b = body("**“引号”**后\n\n这是**重点**。\n\n*斜体*，\n\n读完**《书名》**和论文。\n");
    insta::assert_snapshot!(pretty(&b.html));
    assert!(!b.html.contains('*'), "{}", b.html);
}

#[test]
fn quotes_headings_and_breaks() {
    let b = body("## 小标题\n\n> 引用第一行\n> 第二行\n\n---\n\n行尾两个空格  \n换行，~~删除~~。<!-- wxpress-ignore typo -->\n");
    insta::assert_snapshot!(pretty(&b.html));
}

#[test]
fn emphasis_fix_never_touches_fenced_code() {
    let b = body("这是**“引号”**后面。\n\n```\n\"**不是加粗**\" 和 “**引号**”后\n```\n");
    assert!(b.html.contains("<strong>“引号”</strong>后面"), "{}", b.html);
    assert!(
        b.html
            .contains("<code>&quot;**不是加粗**&quot; 和 “**引号**”后</code>"),
        "{}",
        b.html
    );
    assert!(!b.html.contains('\u{2005}'), "{}", b.html);
}

#[test]
fn quotes_keep_their_lines_and_nest() {
    let b = body("> 第一行\n> 第二行\n> 第三行\n>\n> 第二段\n>\n> > 嵌套一\n> > 嵌套二\n");
    insta::assert_snapshot!(pretty(&b.html));
}

#[test]
fn gfm_alerts_become_callouts_with_titles() {
    let b = body(
        "> [!NOTE]\n> 说明的**内容**\n> 第二行\n\n> [!TIP]\n> 提示\n\n> [!IMPORTANT]\n> 重要\n\n> [!WARNING]\n> 警告\n\n> [!CAUTION]\n> 小心\n",
    );
    assert!(!b.html.contains("[!"), "{}", b.html);
    insta::assert_snapshot!(pretty(&b.html));
}
