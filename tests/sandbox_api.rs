//! The emulator answers like WeChat: paths, JSON shapes, limits, error codes,
//! publish status, quota, clientmsgid dedupe and the test controls.

use serde_json::{json, Value};
use std::time::Duration;
use wxpress::config::AccountKind;
use wxpress::sandbox::{self, Options, Running};

const SECRET: &str = "sb-secret";

fn start(account: AccountKind) -> Running {
    sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Options {
            secret: SECRET.into(),
            account,
            publish_delay: Duration::from_millis(100),
            ..Options::default()
        },
    )
    .unwrap()
}

struct Api {
    sb: Running,
    http: reqwest::blocking::Client,
    token: String,
}

const PNG: &[u8] = include_bytes!("../src/scaffold/hello-wxpress/cover.png");

impl Api {
    fn new(account: AccountKind) -> Api {
        let sb = start(account);
        let http = reqwest::blocking::Client::new();
        let mut api = Api {
            sb,
            http,
            token: String::new(),
        };
        let v = api.raw("stable_token", None, json!({"grant_type": "client_credential", "appid": "wxsandbox0000000", "secret": SECRET}));
        assert_eq!(v["expires_in"], 7200);
        api.token = v["access_token"].as_str().unwrap().to_string();
        api
    }

    fn raw(&self, ep: &str, token: Option<&str>, body: Value) -> Value {
        let mut req = self
            .http
            .post(format!("{}/cgi-bin/{ep}", self.sb.base_url()));
        if let Some(t) = token {
            req = req.query(&[("access_token", t)]);
        }
        req.json(&body).send().unwrap().json().unwrap()
    }

    fn call(&self, ep: &str, body: Value) -> Value {
        self.raw(ep, Some(&self.token), body)
    }

    fn upload(&self, ep: &str, bytes: Vec<u8>) -> Value {
        let part = reqwest::blocking::multipart::Part::bytes(bytes).file_name("x.png");
        self.http
            .post(format!("{}/cgi-bin/{ep}", self.sb.base_url()))
            .query(&[("access_token", self.token.as_str())])
            .multipart(reqwest::blocking::multipart::Form::new().part("media", part))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }

    fn cover(&self) -> String {
        let v = self.upload("material/add_material?type=image", PNG.to_vec());
        v["media_id"].as_str().unwrap().to_string()
    }

    fn article(&self, thumb: &str) -> Value {
        json!({"title": "标题", "digest": "摘要", "content": "<p>正文</p>", "thumb_media_id": thumb})
    }

    fn draft(&self) -> String {
        let thumb = self.cover();
        let v = self.call("draft/add", json!({"articles": [self.article(&thumb)]}));
        v["media_id"].as_str().unwrap().to_string()
    }

    fn state(&self) -> Value {
        reqwest::blocking::get(format!("{}/__sandbox/state", self.sb.base_url()))
            .unwrap()
            .json()
            .unwrap()
    }

    fn admin(&self, path: &str, body: Value) {
        self.http
            .post(format!("{}/__sandbox/{path}", self.sb.base_url()))
            .json(&body)
            .send()
            .unwrap();
    }
}

#[test]
fn token_errors() {
    let api = Api::new(AccountKind::Subscription);
    let bad = api.raw(
        "stable_token",
        None,
        json!({"grant_type": "client_credential", "appid": "wxsandbox0000000", "secret": "nope"}),
    );
    assert_eq!(bad["errcode"], 40125);
    let bad = api.raw(
        "stable_token",
        None,
        json!({"grant_type": "client_credential", "appid": "wxother", "secret": SECRET}),
    );
    assert_eq!(bad["errcode"], 40013);
    assert_eq!(api.raw("draft/batchget", None, json!({}))["errcode"], 41001);
    assert_eq!(
        api.raw("draft/batchget", Some("forged"), json!({}))["errcode"],
        40001
    );
    // The same token comes back until it expires or a refresh is forced.
    let again = api.raw(
        "stable_token",
        None,
        json!({"grant_type": "client_credential", "appid": "wxsandbox0000000", "secret": SECRET}),
    );
    assert_eq!(again["access_token"], api.token.as_str());
    api.admin("expire_token", json!({}));
    assert_eq!(api.call("draft/batchget", json!({}))["errcode"], 42001);
    let fresh = api.raw("stable_token", None, json!({"grant_type": "client_credential", "appid": "wxsandbox0000000", "secret": SECRET, "force_refresh": true}));
    assert_ne!(fresh["access_token"], api.token.as_str());
}

#[test]
fn image_type_and_size_limits() {
    let api = Api::new(AccountKind::Subscription);
    let ok = api.upload("media/uploadimg", PNG.to_vec());
    assert!(
        ok["url"]
            .as_str()
            .unwrap()
            .starts_with("http://mmbiz.qpic.cn/"),
        "{ok}"
    );
    assert!(ok.get("errcode").is_none());
    assert_eq!(
        api.upload("media/uploadimg", b"GIF89a....".to_vec())["errcode"],
        40005
    );
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024, 0);
    assert_eq!(api.upload("media/uploadimg", big.clone())["errcode"], 40009);
    // Material takes up to 10 MB and GIFs.
    assert!(api.upload("material/add_material?type=image", big)["media_id"].is_string());
    assert!(
        api.upload("material/add_material?type=image", b"GIF89a....".to_vec())["media_id"]
            .is_string()
    );
    let mut huge = PNG.to_vec();
    huge.resize(10 * 1024 * 1024 + 1, 0);
    assert_eq!(
        api.upload("material/add_material?type=image", huge)["errcode"],
        40009
    );
    assert_eq!(
        api.upload("material/add_material?type=image", b"text".to_vec())["errcode"],
        40005
    );
}

#[test]
fn draft_limits() {
    let api = Api::new(AccountKind::Subscription);
    let thumb = api.cover();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut a = api.article(&thumb);
        f(&mut a);
        api.call("draft/add", json!({"articles": [a]}))["errcode"].clone()
    };
    // The current draft/add page: title ≤ 32, author ≤ 16, digest ≤ 128 characters,
    // content_source_url ≤ 1 KB.
    assert_eq!(with(&|a| a["title"] = json!("字".repeat(33))), 45003);
    assert!(with(&|a| a["title"] = json!("字".repeat(32))).is_null());
    assert_eq!(with(&|a| a["digest"] = json!("字".repeat(129))), 45004);
    assert!(with(&|a| a["digest"] = json!("字".repeat(128))).is_null());
    assert_eq!(with(&|a| a["author"] = json!("字".repeat(17))), 45110);
    assert!(with(&|a| a["author"] = json!("字".repeat(16))).is_null());
    let url = |n: usize| json!(format!("https://e.com/{}", "a".repeat(n - 14)));
    assert_eq!(with(&|a| a["content_source_url"] = url(1025)), 45005);
    assert!(with(&|a| a["content_source_url"] = url(1024)).is_null());
    assert_eq!(with(&|a| a["content"] = json!("字".repeat(20_000))), 45002);
    assert!(with(&|a| a["content"] = json!("字".repeat(19_999))).is_null());
    assert_eq!(with(&|a| a["thumb_media_id"] = json!("nope")), 40007);
    let nine: Vec<Value> = (0..9).map(|_| api.article(&thumb)).collect();
    assert_eq!(
        api.call("draft/add", json!({"articles": nine}))["errcode"],
        45008
    );
    let eight: Vec<Value> = (0..8).map(|_| api.article(&thumb)).collect();
    assert!(api.call("draft/add", json!({"articles": eight}))["media_id"].is_string());
}

#[test]
fn drafts_can_be_read_listed_and_deleted() {
    let api = Api::new(AccountKind::Subscription);
    let first = api.draft();
    let second = api.draft();
    let got = api.call("draft/get", json!({"media_id": first}));
    assert_eq!(got["news_item"][0]["title"], "标题");
    let page = api.call(
        "draft/batchget",
        json!({"offset": 0, "count": 20, "no_content": 1}),
    );
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["item"][0]["media_id"], second.as_str(), "newest first");
    assert_eq!(page["item"][0]["content"]["news_item"][0]["content"], "");
    assert_eq!(
        api.call("draft/delete", json!({"media_id": first}))["errcode"],
        0
    );
    assert_eq!(
        api.call("draft/get", json!({"media_id": first}))["errcode"],
        40007
    );
}

#[test]
fn publishing_moves_from_publishing_to_success_and_empties_the_draft_box() {
    let api = Api::new(AccountKind::Subscription);
    let media_id = api.draft();
    let submit = api.call("freepublish/submit", json!({"media_id": media_id}));
    assert_eq!(submit["errcode"], 0);
    let publish_id = submit["publish_id"].as_str().unwrap().to_string();
    let status = api.call("freepublish/get", json!({"publish_id": publish_id}));
    assert_eq!(status["publish_status"], 1);
    std::thread::sleep(Duration::from_millis(150));
    let status = api.call("freepublish/get", json!({"publish_id": publish_id}));
    assert_eq!(status["publish_status"], 0);
    let url = status["article_detail"]["item"][0]["article_url"]
        .as_str()
        .unwrap();
    assert!(url.starts_with("https://mp.weixin.qq.com/s/"));
    assert_eq!(
        api.call("draft/get", json!({"media_id": media_id}))["errcode"],
        40007
    );
    let page = api.call("freepublish/batchget", json!({"offset": 0, "count": 10}));
    assert_eq!(page["total_count"], 1);
    assert_eq!(page["item"][0]["article_id"], status["article_id"]);
    assert_eq!(
        api.call("freepublish/get", json!({"publish_id": "1"}))["errcode"],
        53502
    );
    assert_eq!(
        api.call("freepublish/submit", json!({"media_id": "gone"}))["errcode"],
        40007
    );
}

fn send(api: &Api, media_id: &str, clientmsgid: &str) -> Value {
    api.call(
        "message/mass/sendall",
        json!({"filter": {"is_to_all": true}, "mpnews": {"media_id": media_id}, "msgtype": "mpnews", "send_ignore_reprint": 0, "clientmsgid": clientmsgid}),
    )
}

#[test]
fn subscription_accounts_send_once_a_day_and_duplicates_are_refused() {
    let api = Api::new(AccountKind::Subscription);
    let first = send(&api, &api.draft(), "c1");
    assert_eq!(first["errcode"], 0);
    let dup = send(&api, "whatever", "c1");
    assert_eq!(dup["errcode"], 45065);
    assert_eq!(dup["msg_id"], first["msg_id"]);
    assert_eq!(send(&api, &api.draft(), "c2")["errcode"], 45028);
    assert_eq!(
        api.call("message/mass/get", json!({"msg_id": first["msg_id"]}))["msg_status"],
        "SEND_SUCCESS"
    );
    assert_eq!(api.state()["sends"].as_array().unwrap().len(), 1);
}

#[test]
fn service_accounts_send_four_times_a_month() {
    let api = Api::new(AccountKind::Service);
    for i in 0..4 {
        assert_eq!(send(&api, &api.draft(), &format!("c{i}"))["errcode"], 0);
    }
    assert_eq!(send(&api, &api.draft(), "c5")["errcode"], 45028);
}

#[test]
fn preview_goes_to_one_user() {
    let api = Api::new(AccountKind::Subscription);
    let media_id = api.draft();
    let v = api.call(
        "message/mass/preview",
        json!({"towxname": "someone", "mpnews": {"media_id": media_id}, "msgtype": "mpnews"}),
    );
    assert_eq!(v["errcode"], 0);
    assert_eq!(api.state()["previews"][0]["towxname"], "someone");
}

#[test]
fn faults_fail_the_next_n_calls_then_stop() {
    let api = Api::new(AccountKind::Subscription);
    api.admin(
        "fault",
        json!({"endpoint": "draft/batchget", "kind": "busy", "count": 2}),
    );
    assert_eq!(api.call("draft/batchget", json!({}))["errcode"], -1);
    assert_eq!(api.call("draft/batchget", json!({}))["errcode"], -1);
    assert_eq!(api.call("draft/batchget", json!({}))["total_count"], 0);
    api.admin(
        "fault",
        json!({"endpoint": "draft/batchget", "kind": "http500"}),
    );
    let r = api
        .http
        .post(format!("{}/cgi-bin/draft/batchget", api.sb.base_url()))
        .query(&[("access_token", &api.token)])
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 500);
    // A timeout is handled but answered late.
    api.admin(
        "fault",
        json!({"endpoint": "draft/add", "kind": "timeout", "stall_ms": 2000}),
    );
    let thumb = api.cover();
    let late = api
        .http
        .post(format!("{}/cgi-bin/draft/add", api.sb.base_url()))
        .query(&[("access_token", &api.token)])
        .timeout(Duration::from_millis(300))
        .json(&json!({"articles": [api.article(&thumb)]}))
        .send();
    assert!(late.unwrap_err().is_timeout());
    assert_eq!(api.state()["drafts"].as_array().unwrap().len(), 1);
    assert_eq!(api.state()["calls"]["draft/batchget"], 4);
}
