//! The preview in a real headless Chromium: live reload without a manual reload,
//! the error overlay and its recovery, and the Copy for WeChat payload.
//!
//! Needs Chromium (`apt-get install chromium`). Without it the tests are skipped on a
//! developer's machine and fail under CI (env `CI` set).

mod serve_support;

use headless_chrome::{Browser, LaunchOptions, Tab};
use serve_support::*;
use std::ffi::OsStr;
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

struct Chrome {
    browser: Browser,
    _profile: tempfile::TempDir,
}

fn chrome() -> Option<Chrome> {
    let path = chromium()?;
    let profile = tempfile::tempdir().unwrap();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .enable_gpu(false)
        .window_size(Some((1200, 1000)))
        .user_data_dir(Some(profile.path().to_path_buf()))
        .args(
            [
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ]
            .map(OsStr::new)
            .to_vec(),
        )
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let browser = Browser::new(options).expect("Chromium starts");
    Some(Chrome {
        browser,
        _profile: profile,
    })
}

/// Evaluates JavaScript and returns its value as JSON (promises are awaited).
fn js(tab: &Tab, expression: &str) -> serde_json::Value {
    let wrapped = format!("(async () => JSON.stringify(await ({expression})))()");
    let result = tab.evaluate(&wrapped, true).expect("script runs");
    let text = result
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn wait_js(tab: &Tab, expression: &str) -> bool {
    wait_until(WAIT, || {
        js(tab, expression) == serde_json::Value::Bool(true)
    })
}

const ARTICLE_TEXT: &str =
    "document.getElementById('wx-frame').contentDocument.getElementById('js_content').innerText";

fn open_post(chrome: &Chrome, url: &str) -> Arc<Tab> {
    let tab = chrome.browser.new_tab().unwrap();
    tab.navigate_to(url).unwrap();
    tab.wait_until_navigated().unwrap();
    // Loaded: the fragments are in and the event stream is connected.
    assert!(
        wait_js(
            &tab,
            &format!("window.wxpress && window.wxpress.article !== null && document.getElementById('wx-live').classList.contains('on') && {ARTICLE_TEXT}.length > 0")
        ),
        "the post page did not load"
    );
    tab
}

#[test]
fn saving_a_post_updates_the_open_page_in_place_and_keeps_scroll() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    let server = start(dir.path(), false);
    let tab = open_post(&chrome, &format!("{}post/hello/", server.url()));
    assert_eq!(
        js(&tab, &format!("{ARTICLE_TEXT}.includes('第一段文字')")),
        true
    );

    // Mark the page (a reload would lose it) and scroll the phone screen.
    js(&tab, "window.notReloaded = 42");
    js(
        &tab,
        "document.getElementById('wx-frame').contentWindow.scrollTo(0, 300)",
    );
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-frame').contentWindow.scrollY === 300"
    ));

    atomic_save(
        dir.path(),
        "content/tech/hello.md",
        &hello("第一段文字。新加的一句 LIVE-EDIT-1。"),
    );
    assert!(
        wait_js(&tab, &format!("{ARTICLE_TEXT}.includes('LIVE-EDIT-1')")),
        "new text did not appear"
    );
    assert_eq!(js(&tab, "window.notReloaded"), 42, "the page was reloaded");
    assert_eq!(
        js(
            &tab,
            "document.getElementById('wx-frame').contentWindow.scrollY"
        ),
        300,
        "scroll position lost"
    );

    // The title in the frame and the card follow the front matter.
    write(
        dir.path(),
        "content/tech/hello.md",
        hello("第一段文字。").replace("你好世界", "新标题"),
    );
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-frame').contentDocument.querySelector('.rich_media_title').textContent === '新标题' && document.querySelector('#wx-card .card-title').textContent === '新标题'"
    ));
}

#[test]
fn broken_front_matter_and_template_show_an_overlay_until_fixed() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    let server = start(dir.path(), false);
    let tab = open_post(&chrome, &format!("{}post/hello/", server.url()));
    let overlay = "document.getElementById('wx-overlay').innerText";
    let overlay_shown =
        "getComputedStyle(document.getElementById('wx-overlay')).display !== 'none'";
    assert_eq!(js(&tab, overlay_shown), false);

    // Front matter: an unterminated string on line 2.
    write(
        dir.path(),
        "content/tech/hello.md",
        "+++\ntitle = \"没有结束\n+++\n\n正文\n",
    );
    assert!(
        wait_js(
            &tab,
            &format!("{overlay_shown} && {overlay}.includes('content/tech/hello.md:2:')")
        ),
        "no overlay: {}",
        js(&tab, overlay)
    );
    assert_eq!(
        js(&tab, &format!("{overlay}.includes('front-matter')")),
        true
    );

    write(
        dir.path(),
        "content/tech/hello.md",
        hello("修好之后 FIXED-1"),
    );
    assert!(wait_js(
        &tab,
        &format!("!({overlay_shown}) && {ARTICLE_TEXT}.includes('FIXED-1')")
    ));

    // A template with a syntax error on line 3.
    write(
        dir.path(),
        "templates/article.html",
        "<section class=\"article\">\n{{ content | safe }}\n{% if %}\n</section>",
    );
    assert!(
        wait_js(
            &tab,
            &format!("{overlay_shown} && {overlay}.includes('templates/article.html:3:')")
        ),
        "no template overlay: {}",
        js(&tab, overlay)
    );
    write(
        dir.path(),
        "templates/article.html",
        "<section class=\"article\"><p>TEMPLATE-OK</p>{{ content | safe }}</section>",
    );
    assert!(wait_js(
        &tab,
        &format!("!({overlay_shown}) && {ARTICLE_TEXT}.includes('TEMPLATE-OK')")
    ));
}

#[test]
fn copy_for_wechat_puts_the_article_html_on_the_clipboard() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    let server = start(dir.path(), false);
    let tab = open_post(&chrome, &format!("{}post/with-image/", server.url()));
    tab.wait_for_element("#wx-copy").unwrap().click().unwrap();
    assert!(wait_js(&tab, "window.wxpress.lastCopy !== null"));
    let payload = js(&tab, "window.wxpress.lastCopy");
    let article = get(&server, "/post/with-image/article.html").text();
    assert_eq!(payload["html"].as_str().unwrap(), article);
    let text = payload["text"].as_str().unwrap();
    assert!(text.contains("看图"), "plain text: {text}");
    assert!(!text.contains('<'), "plain text has markup: {text}");
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-copy-status').textContent.startsWith('Copied')"
    ));

    // The image inside the frame loaded from the site.
    assert!(wait_js(
        &tab,
        "(() => { const img = document.getElementById('wx-frame').contentDocument.querySelector('#js_content img'); return !!img && img.complete && img.naturalWidth === 1; })()"
    ));
    // The width switch widens the screen to the editor's 677 px.
    tab.wait_for_element("button[data-width='677']")
        .unwrap()
        .click()
        .unwrap();
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-frame').getBoundingClientRect().width === 677"
    ));
    tab.wait_for_element("button[data-width='375']")
        .unwrap()
        .click()
        .unwrap();
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-frame').getBoundingClientRect().width === 375"
    ));
}

#[test]
fn index_updates_when_a_post_is_added() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    let server = start(dir.path(), false);
    let tab = chrome.browser.new_tab().unwrap();
    tab.navigate_to(&server.url()).unwrap();
    tab.wait_until_navigated().unwrap();
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-live').classList.contains('on')"
    ));
    assert_eq!(
        js(&tab, "document.body.innerText.includes('<script>alert')"),
        true,
        "escaped title shows as text"
    );
    assert_eq!(
        js(&tab, "document.querySelectorAll('#wx-index script').length"),
        0
    );
    write(
        dir.path(),
        "content/life/brand-new.md",
        "+++\ntitle = \"刚写好的\"\n+++\n\n正文\n",
    );
    assert!(wait_js(
        &tab,
        "document.getElementById('wx-index').innerText.includes('刚写好的')"
    ));
}

#[test]
fn scripts_in_the_writers_raw_html_do_not_run_in_the_preview() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    write(
        dir.path(),
        "content/tech/hello.md",
        hello(
            "第一段文字。\n\n<img src=\"nothing.invalid\" onerror=\"parent.document.title='PWNED-1'\">\n\n<script>parent.document.title='PWNED-2'</script>\n\n<a href=\"javascript:parent.document.title='PWNED-3'\" id=\"js-link\">链接</a>",
        ),
    );
    let server = start(dir.path(), false);
    let tab = open_post(&chrome, &format!("{}post/hello/", server.url()));
    // Live updates insert the article again: its handlers must stay dead too.
    atomic_save(
        dir.path(),
        "content/tech/hello.md",
        &hello("第一段文字 LIVE-EDIT-2。\n\n<img src=\"x.invalid\" onerror=\"parent.document.title='PWNED-4'\">"),
    );
    assert!(wait_js(
        &tab,
        &format!("{ARTICLE_TEXT}.includes('LIVE-EDIT-2')")
    ));
    std::thread::sleep(Duration::from_millis(500));
    let title = js(&tab, "document.title");
    assert!(
        !title.as_str().unwrap_or("").contains("PWNED"),
        "a script of the article ran: title {title}"
    );
    let direct = chrome.browser.new_tab().unwrap();
    direct
        .navigate_to(&format!("{}post/hello/article.html", server.url()))
        .unwrap();
    direct.wait_until_navigated().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let title = js(&direct, "document.title");
    assert!(!title.as_str().unwrap_or("").contains("PWNED"), "{title}");
}

#[test]
fn list_markers_line_up_nested_lists_add_no_gap_and_the_phone_menu_fits() {
    let Some(chrome) = chrome() else { return };
    let dir = site();
    write(
        dir.path(),
        "content/tech/lists.md",
        "+++\ntitle = \"列表\"\nsummary = \"编号到十二\"\n+++\n\n1. 一\n2. 二\n3. 三\n   - 嵌套甲\n   - 嵌套乙\n4. 四\n5. 五\n6. 六\n7. 七\n8. 八\n9. 九\n10. 十\n11. 十一\n12. 十二\n\n段落。\n",
    );
    let server = start(dir.path(), false);
    let tab = open_post(&chrome, &format!("{}post/lists/", server.url()));
    // Each numbered row: marker text, the marker's right edge, the body's left edge,
    // the row's top and bottom, in the phone frame at 375 px.
    let rows = js(
        &tab,
        "[...document.getElementById('wx-frame').contentDocument.getElementById('js_content').querySelectorAll('span')]\
           .filter(s => /^\\d+\\.$/.test(s.textContent.trim()))\
           .map(m => { const r = m.getBoundingClientRect(), b = m.nextElementSibling.getBoundingClientRect(), row = m.parentElement.getBoundingClientRect();\
                       return [m.textContent.trim(), r.right, b.left, row.top, row.bottom]; })",
    );
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 12, "{rows:?}");
    // The phone bar's ··· menu fits inside the bar (a CJK font's full-width dots
    // used to overflow it and be cut off).
    assert_eq!(
        js(
            &tab,
            "(() => { const m = document.querySelector('.nav-more'), bar = document.querySelector('.wx-nav');\
                      return m.scrollWidth <= m.clientWidth + 1 && m.getBoundingClientRect().right <= bar.getBoundingClientRect().right; })()"
        ),
        serde_json::Value::Bool(true)
    );
    let f = |r: &serde_json::Value, i: usize| r[i].as_f64().unwrap();
    for r in rows {
        assert!(
            (f(r, 1) - f(&rows[0], 1)).abs() < 0.5,
            "marker {} does not line up: {rows:?}",
            r[0]
        );
        assert!(
            (f(r, 2) - f(&rows[0], 2)).abs() < 0.5,
            "text after {} does not line up: {rows:?}",
            r[0]
        );
    }
    // Space between the last line of text of one item and the first of the next:
    // after the nested list (its last item, 嵌套乙) as after a plain item.
    let last_nested_bottom = js(
        &tab,
        "[...document.getElementById('wx-frame').contentDocument.getElementById('js_content').querySelectorAll('span[leaf]')]\
           .find(s => s.textContent === '嵌套乙').getBoundingClientRect().bottom",
    )
    .as_f64()
    .unwrap();
    let plain = js(
        &tab,
        "(() => { const leaves = [...document.getElementById('wx-frame').contentDocument.getElementById('js_content').querySelectorAll('span[leaf]')];\
                  const one = leaves.find(s => s.textContent === '一').getBoundingClientRect(), two = leaves.find(s => s.textContent === '二').getBoundingClientRect();\
                  return two.top - one.bottom; })()",
    )
    .as_f64()
    .unwrap();
    let four_top = js(
        &tab,
        "[...document.getElementById('wx-frame').contentDocument.getElementById('js_content').querySelectorAll('span[leaf]')]\
           .find(s => s.textContent === '四').getBoundingClientRect().top",
    )
    .as_f64()
    .unwrap();
    let after_nested = four_top - last_nested_bottom;
    assert!(
        (after_nested - plain).abs() < 1.0,
        "space after the nested list {after_nested:.1} px, between plain items {plain:.1} px"
    );
}
