//! The API client on its own, against the sandbox: token caching and refresh,
//! which failures are retried, and which are not.

mod publish_support;

use publish_support::*;
use std::time::Duration;
use wxpress::wechat::{Client, ClientOptions, DraftArticle, RetryPolicy, Secret, WechatError};

fn client(sb: &wxpress::sandbox::Running) -> Client {
    Client::new(ClientOptions {
        api_base: sb.base_url(),
        appid: APPID.into(),
        secret: Secret::new(SECRET),
        timeout: Duration::from_millis(500),
        retry: RetryPolicy {
            max_times: 3,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            total_delay: Duration::from_secs(1),
        },
    })
    .unwrap()
    .on_retry(|_| {})
}

const PNG: &[u8] = include_bytes!("../src/scaffold/hello-wxpress/cover.png");

fn article(c: &Client) -> DraftArticle {
    DraftArticle {
        title: "标题".into(),
        content: "<p>正文</p>".into(),
        thumb_media_id: c.add_image_material("c.png", PNG.to_vec()).unwrap(),
        ..DraftArticle::default()
    }
}

#[test]
fn the_token_is_fetched_once_and_reused() {
    let sb = sandbox();
    let c = client(&sb);
    c.upload_image("a.png", PNG.to_vec()).unwrap();
    c.upload_image("b.png", PNG.to_vec()).unwrap();
    c.draft_batchget(0, 20).unwrap();
    assert_eq!(calls(&sb, "stable_token"), 1);
}

#[test]
fn a_refused_token_is_refreshed_once_not_forever() {
    let sb = sandbox();
    let c = client(&sb);
    c.authenticate().unwrap();
    fault(&sb, "draft/batchget", "expire_token", 1);
    c.draft_batchget(0, 20).unwrap();
    assert_eq!(calls(&sb, "stable_token"), 2);
    fault(&sb, "draft/batchget", "expire_token", 2);
    let e = c.draft_batchget(0, 20).unwrap_err();
    assert_eq!(e.code(), Some(42001), "{e}");
    assert_eq!(calls(&sb, "stable_token"), 3);
}

#[test]
fn creating_calls_are_not_repeated_on_a_500() {
    let sb = sandbox();
    let c = client(&sb);
    let a = article(&c);
    fault(&sb, "draft/add", "http500", 1);
    let e = c.draft_add(std::slice::from_ref(&a)).unwrap_err();
    assert_eq!(
        e,
        WechatError::Http {
            endpoint: "draft/add".into(),
            status: 500
        }
    );
    assert!(e.is_ambiguous());
    assert_eq!(calls(&sb, "draft/add"), 1);
    // Nor on a busy answer: WeChat may have handled it anyway (see `lost`), so
    // the publisher looks before it repeats.
    fault(&sb, "draft/add", "busy", 1);
    let e = c.draft_add(std::slice::from_ref(&a)).unwrap_err();
    assert!(e.is_ambiguous(), "{e:?}");
    assert_eq!(calls(&sb, "draft/add"), 2);
    fault(&sb, "draft/add", "lost", 1);
    let e = c.draft_add(&[a]).unwrap_err();
    assert_eq!(e.code(), Some(-1));
    assert_eq!(calls(&sb, "draft/add"), 3);
    assert_eq!(
        state(&sb)["drafts"].as_array().unwrap().len(),
        1,
        "lost = handled"
    );
}

#[test]
fn a_timeout_is_reported_as_such() {
    let sb = sandbox();
    let c = client(&sb);
    let a = article(&c);
    fault(&sb, "draft/add", "timeout", 1);
    let e = c.draft_add(&[a]).unwrap_err();
    assert!(matches!(e, WechatError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("no answer from WeChat in time"));
}

#[test]
fn reads_give_up_after_the_bounded_retries() {
    let sb = sandbox();
    let c = client(&sb);
    c.authenticate().unwrap();
    fault(&sb, "freepublish/batchget", "http500", 10);
    let e = c.freepublish_batchget(0, 20).unwrap_err();
    assert_eq!(
        e.to_string(),
        "freepublish/batchget: WeChat answered HTTP 500"
    );
    assert_eq!(calls(&sb, "freepublish/batchget"), 4, "1 try + 3 retries");
}

#[test]
fn draft_get_of_a_missing_draft_is_none() {
    let sb = sandbox();
    let c = client(&sb);
    assert!(c.draft_get("nope").unwrap().is_none());
    let id = c.draft_add(&[article(&c)]).unwrap();
    assert_eq!(c.draft_get(&id).unwrap().unwrap()[0].title, "标题");
}

#[test]
fn a_duplicate_clientmsgid_returns_the_first_msg_id() {
    let sb = sandbox();
    let c = client(&sb);
    let id = c.draft_add(&[article(&c)]).unwrap();
    let first = c
        .mass_sendall(&id, wxpress::wechat::Audience::All, "same")
        .unwrap();
    let again = c
        .mass_sendall(&id, wxpress::wechat::Audience::All, "same")
        .unwrap();
    assert_eq!(first.msg_id, again.msg_id);
    assert!(!first.repeat && again.repeat);
    assert_eq!(state(&sb)["sends"].as_array().unwrap().len(), 1);
}
