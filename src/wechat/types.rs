//! JSON shapes of the WeChat server API, shared by the client and the sandbox so
//! both speak exactly the same format.

use serde::{Deserialize, Deserializer, Serialize};

/// One article of a draft (`draft/add` `articles[]`, `draft/get` `news_item[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftArticle {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub content_source_url: String,
    #[serde(default)]
    pub thumb_media_id: String,
    #[serde(default)]
    pub need_open_comment: u8,
    #[serde(default)]
    pub only_fans_can_comment: u8,
    /// Set by WeChat in answers only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewsContent {
    #[serde(default)]
    pub news_item: Vec<DraftArticle>,
}

/// `draft/batchget` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftItem {
    pub media_id: String,
    #[serde(default)]
    pub content: NewsContent,
    #[serde(default)]
    pub update_time: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftPage {
    pub total_count: u64,
    pub item_count: u64,
    #[serde(default)]
    pub item: Vec<DraftItem>,
}

/// `freepublish/batchget` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedItem {
    #[serde(deserialize_with = "string_or_number")]
    pub article_id: String,
    #[serde(default)]
    pub content: NewsContent,
    #[serde(default)]
    pub update_time: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedPage {
    pub total_count: u64,
    pub item_count: u64,
    #[serde(default)]
    pub item: Vec<PublishedItem>,
}

/// `material/batchget_material?type=image` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaterialItem {
    pub media_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub update_time: i64,
    #[serde(default)]
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaterialPage {
    pub total_count: u64,
    pub item_count: u64,
    #[serde(default)]
    pub item: Vec<MaterialItem>,
}

/// `freepublish/get`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishStatus {
    #[serde(deserialize_with = "string_or_number")]
    pub publish_id: String,
    /// 0 success, 1 publishing, 2 original-content failure, 3 routine failure,
    /// 4 platform review refused, 5 deleted by the user after success, 6 banned.
    pub publish_status: i64,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub article_id: Option<String>,
    #[serde(default)]
    pub article_detail: Option<ArticleDetail>,
    #[serde(default)]
    pub fail_idx: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleDetail {
    pub count: u32,
    #[serde(default)]
    pub item: Vec<ArticleUrl>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleUrl {
    pub idx: u32,
    pub article_url: String,
}

impl PublishStatus {
    pub fn urls(&self) -> Vec<String> {
        self.article_detail
            .as_ref()
            .map(|d| d.item.iter().map(|i| i.article_url.clone()).collect())
            .unwrap_or_default()
    }

    pub fn status_text(&self) -> &'static str {
        match self.publish_status {
            0 => "published",
            1 => "publishing",
            2 => "refused: original-content check failed",
            3 => "failed",
            4 => "refused by platform review",
            5 => "deleted by the user after publishing",
            6 => "banned by the platform",
            _ => "unknown status",
        }
    }
}

/// The answer to `message/mass/sendall`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub msg_id: String,
    /// WeChat had already sent this `clientmsgid`: `msg_id` is the first send's.
    pub repeat: bool,
}

/// Who a broadcast goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    Tag(u64),
}

/// WeChat sends some ids as numbers in one API and strings in another.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    match v {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or number, got {other}"
        ))),
    }
}

fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    /// 订阅号: one mass send a day.
    #[default]
    Subscription,
    /// 服务号: four mass sends a month.
    Service,
}
