//! JSON shapes of the WeChat server API: every request body wxpress sends and every
//! answer it reads, shared by the client (which serializes the requests) and the
//! sandbox (which deserializes them and answers with the same response types), so
//! both speak exactly the same format. Field names are WeChat's, as documented on
//! developers.weixin.qq.com; each type names the page it follows.
//!
//! Request fields the sandbox reads leniently carry `deserialize_with = "lenient"`: a
//! value of the wrong JSON type counts as absent, so the sandbox answers with the
//! errcode for the missing value (40007 for a `media_id` that is not a string), not
//! with 47001. Fields without it are strict: a wrong type is a 47001 data format error.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The multipart field that carries the file in `media/uploadimg` and
/// `material/add_material`.
pub const UPLOAD_FIELD: &str = "media";

/// The `errcode`/`errmsg` pair any answer may carry; an error answer is only this.
/// An absent errcode means success, as does 0 (WeChat's 通用错误码 page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiStatus {
    #[serde(deserialize_with = "lenient")]
    pub errcode: i64,
    #[serde(deserialize_with = "lenient")]
    pub errmsg: String,
}

impl ApiStatus {
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        ApiStatus {
            errcode,
            errmsg: errmsg.into(),
        }
    }
}

/// `cgi-bin/stable_token` request.
/// <https://developers.weixin.qq.com/doc/service/en/api/base/api_getstableaccesstoken.html>
/// (`Debug` shows no secret.)
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StableTokenRequest {
    /// Always `client_credential`.
    #[serde(deserialize_with = "lenient")]
    pub grant_type: String,
    #[serde(deserialize_with = "lenient")]
    pub appid: String,
    #[serde(deserialize_with = "lenient")]
    pub secret: String,
    /// Retire the current token and issue a new one.
    #[serde(deserialize_with = "lenient")]
    pub force_refresh: bool,
}

impl fmt::Debug for StableTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StableTokenRequest")
            .field("grant_type", &self.grant_type)
            .field("appid", &self.appid)
            .field("secret", &"***")
            .field("force_refresh", &self.force_refresh)
            .finish()
    }
}

/// `cgi-bin/stable_token` answer. (`Debug` shows no token.)
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenResponse {
    #[serde(default)]
    pub access_token: String,
    /// Seconds; WeChat's tokens live 7200.
    #[serde(default = "two_hours")]
    pub expires_in: u64,
}

fn two_hours() -> u64 {
    7200
}

impl fmt::Debug for AccessTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokenResponse")
            .field("access_token", &"***")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// `media/uploadimg` answer: the body image's CDN URL. The request is a multipart
/// upload with the file in [`UPLOAD_FIELD`].
/// <https://developers.weixin.qq.com/doc/service/api/material/permanent/api_uploadimage>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadImageResponse {
    #[serde(default)]
    pub url: String,
}

/// The query of `material/add_material`: `type=image` for covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialTypeQuery {
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// `material/add_material?type=image` answer. The request is a multipart upload
/// with the file in [`UPLOAD_FIELD`], as in `media/uploadimg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddMaterialResponse {
    #[serde(default)]
    pub media_id: String,
    #[serde(default)]
    pub url: String,
}

/// `material/batchget_material` request (answered with a [`MaterialPage`]).
/// <https://developers.weixin.qq.com/doc/service/api/material/permanent/api_batchgetmaterial>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaterialBatchgetRequest {
    /// `image`, `video`, `voice` or `news`; wxpress lists images.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub offset: u64,
    /// 1 to 20; absent means 20.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// `draft/batchget` and `freepublish/batchget` request (answered with a
/// [`DraftPage`] or a [`PublishedPage`]).
/// <https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_batchget>
/// (`freepublish/batchget` takes the same three fields)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageRequest {
    #[serde(deserialize_with = "lenient")]
    pub offset: u64,
    /// 1 to 20; absent means 20.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// 1: leave the articles' `content` out.
    #[serde(deserialize_with = "lenient")]
    pub no_content: u8,
}

impl PageRequest {
    /// A page with the articles' content.
    pub fn new(offset: u64, count: u64) -> Self {
        PageRequest {
            offset,
            count: Some(count),
            no_content: 0,
        }
    }
}

/// `draft/add` request.
/// <https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_add>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftAddRequest {
    pub articles: Vec<DraftArticle>,
}

/// `draft/add` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftAddResponse {
    #[serde(default)]
    pub media_id: String,
}

/// The request of the calls that name one draft: `draft/get` (answered with a
/// [`NewsContent`]), `draft/delete` and `freepublish/submit`.
/// <https://developers.weixin.qq.com/doc/service/Draft_Box/Get_draft.html>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MediaIdRequest {
    #[serde(deserialize_with = "lenient")]
    pub media_id: String,
}

impl MediaIdRequest {
    pub fn new(media_id: &str) -> Self {
        MediaIdRequest {
            media_id: media_id.to_string(),
        }
    }
}

/// `freepublish/submit` answer.
/// <https://developers.weixin.qq.com/doc/service/en/api/public/api_freepublish_submit>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreepublishSubmitResponse {
    #[serde(flatten)]
    pub status: ApiStatus,
    #[serde(default, deserialize_with = "string_or_number")]
    pub publish_id: String,
    /// 消息的数据ID: the `<msg_data_id>` of the data API's `msgid`s for this push.
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_data_id: Option<String>,
}

/// `freepublish/get` request (answered with a [`PublishStatus`]).
/// <https://developers.weixin.qq.com/doc/service/api/public/api_freepublish_get>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublishIdRequest {
    /// A string in WeChat's documentation; a number is read too.
    #[serde(deserialize_with = "lenient_id")]
    pub publish_id: String,
}

/// A `msg_id`: WeChat documents a number, and some answers carry a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MsgId {
    Number(u64),
    Text(String),
}

impl MsgId {
    /// A number when the text is one, as WeChat expects.
    pub fn parse(id: &str) -> MsgId {
        id.parse()
            .map(MsgId::Number)
            .unwrap_or(MsgId::Text(id.into()))
    }

    pub fn number(&self) -> Option<u64> {
        match self {
            MsgId::Number(n) => Some(*n),
            MsgId::Text(s) => s.parse().ok(),
        }
    }
}

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MsgId::Number(n) => write!(f, "{n}"),
            MsgId::Text(s) => f.write_str(s),
        }
    }
}

/// Who a mass send goes to: `{"is_to_all": true}` or a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MassFilter {
    #[serde(deserialize_with = "lenient")]
    pub is_to_all: bool,
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<u64>,
}

impl From<Audience> for MassFilter {
    fn from(audience: Audience) -> Self {
        match audience {
            Audience::All => MassFilter {
                is_to_all: true,
                tag_id: None,
            },
            Audience::Tag(tag) => MassFilter {
                is_to_all: false,
                tag_id: Some(tag),
            },
        }
    }
}

/// The `mpnews` object of a mass send or preview: the draft to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MpNews {
    #[serde(deserialize_with = "lenient")]
    pub media_id: String,
}

impl MpNews {
    pub fn new(media_id: &str) -> Self {
        MpNews {
            media_id: media_id.to_string(),
        }
    }
}

/// The `msgtype` of an article send.
pub const MSGTYPE_MPNEWS: &str = "mpnews";

/// `message/mass/sendall` request.
/// <https://developers.weixin.qq.com/doc/service/api/notify/message/api_sendall>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MassSendRequest {
    #[serde(deserialize_with = "lenient")]
    pub filter: MassFilter,
    #[serde(deserialize_with = "lenient")]
    pub mpnews: MpNews,
    /// [`MSGTYPE_MPNEWS`] for articles.
    #[serde(deserialize_with = "lenient")]
    pub msgtype: String,
    /// 0: stop when WeChat judges the article a reprint.
    #[serde(deserialize_with = "lenient")]
    pub send_ignore_reprint: u8,
    /// Makes the send idempotent: a second send with it is refused (45065).
    /// At most [`super::limits::CLIENTMSGID_MAX_BYTES`] bytes.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub clientmsgid: Option<String>,
}

/// `message/mass/sendall` answer; also the 45065 answer, which names the first
/// send's `msg_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassSendResponse {
    #[serde(flatten)]
    pub status: ApiStatus,
    #[serde(default)]
    pub msg_id: Option<MsgId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_data_id: Option<u64>,
}

/// `message/mass/get` request.
/// <https://developers.weixin.qq.com/doc/service/api/notify/message/api_massmsgget>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MassGetRequest {
    #[serde(deserialize_with = "lenient")]
    pub msg_id: Option<MsgId>,
}

/// `message/mass/get` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassGetResponse {
    #[serde(default)]
    pub msg_id: Option<MsgId>,
    /// `SEND_SUCCESS`, `SENDING`, `SEND_FAIL` or `DELETE`.
    #[serde(default)]
    pub msg_status: String,
}

/// `message/mass/preview` request: to one user, by WeChat ID (`towxname`) or
/// openid (`touser`).
/// <https://developers.weixin.qq.com/doc/service/api/notify/message/api_preview>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MassPreviewRequest {
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub towxname: Option<String>,
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub touser: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub mpnews: MpNews,
    #[serde(deserialize_with = "lenient")]
    pub msgtype: String,
}

/// `message/mass/preview` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassPreviewResponse {
    #[serde(flatten)]
    pub status: ApiStatus,
    #[serde(default)]
    pub msg_id: Option<MsgId>,
}

/// One article of a draft (`draft/add` `articles[]`, `draft/get` `news_item[]`).
/// <https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_add>
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
    /// `news` (the default when empty) or `newspic` (an image post).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub article_type: String,
    /// The headline's 2.35:1 cover crop, `X1_Y1_X2_Y2` in 0..1 of the cover
    /// ([`super::crop::Crop`]); empty: WeChat crops the middle.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pic_crop_235_1: String,
    /// The 1:1 thumbnail crop, as `pic_crop_235_1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pic_crop_1_1: String,
    /// An image post's pictures (`article_type = "newspic"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_info: Option<ImageInfo>,
    /// Set by WeChat in answers only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// `image_info` of an image post: its pictures, the first being its cover, each
/// permanent material. At most [`super::limits::NEWSPIC_IMAGES_MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    #[serde(default)]
    pub image_list: Vec<ImageItem>,
}

/// One picture of an image post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageItem {
    #[serde(default)]
    pub image_media_id: String,
}

/// `draft/get` answer, and the `content` of a listed draft or published article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// `draft/batchget` answer.
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

/// `freepublish/batchget` answer.
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

/// `material/batchget_material` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaterialPage {
    pub total_count: u64,
    pub item_count: u64,
    #[serde(default)]
    pub item: Vec<MaterialItem>,
}

/// `freepublish/get` answer.
/// <https://developers.weixin.qq.com/doc/service/api/public/api_freepublish_get>
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishStatus {
    #[serde(deserialize_with = "string_or_number")]
    pub publish_id: String,
    /// 0 success, 1 publishing, 2 original-content failure, 3 routine failure,
    /// 4 platform review refused, 5 deleted by the user after success, 6 banned.
    pub publish_status: i64,
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub article_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// The push's id in the data API (`msgid` = `<msg_data_id>_<index>`), when
    /// the answer carries it.
    pub msg_data_id: Option<String>,
}

/// The answer to `freepublish/submit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub publish_id: String,
    /// The push's id in the data API (`msgid` = `<msg_data_id>_<index>`), when
    /// the answer carries it.
    pub msg_data_id: Option<String>,
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

/// Like [`string_or_number`], but anything else reads as empty (see the module
/// documentation on lenient fields).
fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string_or_number(d)?.unwrap_or_default())
}

/// A lenient request field (see the module documentation): a value of the wrong
/// type reads as the default.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(T::deserialize(v).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Serializes as the client does, reads back as the sandbox does.
    fn round_trip<T>(request: &T) -> Value
    where
        T: Serialize + DeserializeOwned + PartialEq + fmt::Debug,
    {
        let wire = serde_json::to_value(request).unwrap();
        let back: T = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(&back, request, "{wire}");
        wire
    }

    /// The bytes on the wire, as the client sends them (through a `Value`).
    fn text(request: &impl Serialize) -> String {
        serde_json::to_string(&serde_json::to_value(request).unwrap()).unwrap()
    }

    fn article() -> DraftArticle {
        DraftArticle {
            title: "标题".into(),
            author: "作者".into(),
            digest: "摘要".into(),
            content: "<p>正文</p>".into(),
            content_source_url: "https://example.com/p".into(),
            thumb_media_id: "thumb-1".into(),
            need_open_comment: 1,
            only_fans_can_comment: 0,
            article_type: String::new(),
            pic_crop_235_1: "0_0.1_1_0.5".into(),
            pic_crop_1_1: "0.2_0_0.8_1".into(),
            image_info: None,
            url: String::new(),
        }
    }

    #[test]
    fn every_request_type_round_trips() {
        round_trip(&StableTokenRequest {
            grant_type: "client_credential".into(),
            appid: "wx1".into(),
            secret: "s".into(),
            force_refresh: true,
        });
        round_trip(&MaterialBatchgetRequest {
            kind: "image".into(),
            offset: 3,
            count: Some(20),
        });
        round_trip(&PageRequest::new(40, 20));
        round_trip(&DraftAddRequest {
            articles: vec![article(), article()],
        });
        round_trip(&MediaIdRequest::new("draft-1"));
        round_trip(&PublishIdRequest {
            publish_id: "2247483001".into(),
        });
        for audience in [Audience::All, Audience::Tag(7)] {
            round_trip(&MassSendRequest {
                filter: audience.into(),
                mpnews: MpNews::new("draft-1"),
                msgtype: MSGTYPE_MPNEWS.into(),
                send_ignore_reprint: 0,
                clientmsgid: Some("wxpress-abc".into()),
            });
        }
        for id in ["1000000001", "not-a-number"] {
            round_trip(&MassGetRequest {
                msg_id: Some(MsgId::parse(id)),
            });
        }
        round_trip(&MassPreviewRequest {
            towxname: Some("someone".into()),
            touser: None,
            mpnews: MpNews::new("draft-1"),
            msgtype: MSGTYPE_MPNEWS.into(),
        });
    }

    #[test]
    fn every_simple_response_type_round_trips() {
        round_trip(&ApiStatus::new(40007, "invalid media_id"));
        round_trip(&AccessTokenResponse {
            access_token: "T".into(),
            expires_in: 7200,
        });
        round_trip(&UploadImageResponse {
            url: "http://mmbiz.qpic.cn/x/0".into(),
        });
        round_trip(&AddMaterialResponse {
            media_id: "m".into(),
            url: "u".into(),
        });
        round_trip(&DraftAddResponse {
            media_id: "d".into(),
        });
        round_trip(&NewsContent {
            news_item: vec![article()],
        });
        round_trip(&FreepublishSubmitResponse {
            status: ApiStatus::new(0, "ok"),
            publish_id: "2247483001".into(),
            msg_data_id: Some("2247483002".into()),
        });
        round_trip(&MassSendResponse {
            status: ApiStatus::new(0, "send job submission success"),
            msg_id: Some(MsgId::Number(1_000_000_001)),
            msg_data_id: Some(2_000_000_001),
        });
        round_trip(&MassGetResponse {
            msg_id: Some(MsgId::Number(1_000_000_001)),
            msg_status: "SEND_SUCCESS".into(),
        });
        round_trip(&MassPreviewResponse {
            status: ApiStatus::new(0, "preview success"),
            msg_id: Some(MsgId::Number(3_000_000_001)),
        });
    }

    /// draft/add's field names are WeChat's: a renamed field fails here.
    #[test]
    fn draft_add_article_fields_are_wechats() {
        let wire = round_trip(&DraftAddRequest {
            articles: vec![article()],
        });
        assert_eq!(
            wire,
            json!({ "articles": [{
                "title": "标题",
                "author": "作者",
                "digest": "摘要",
                "content": "<p>正文</p>",
                "content_source_url": "https://example.com/p",
                "thumb_media_id": "thumb-1",
                "need_open_comment": 1,
                "only_fans_can_comment": 0,
                "pic_crop_235_1": "0_0.1_1_0.5",
                "pic_crop_1_1": "0.2_0_0.8_1",
            }]})
        );
        // An empty author is left out; the answer-only url is never sent empty;
        // an article without crops or a type sends neither (WeChat's defaults).
        let mut bare = article();
        bare.author.clear();
        bare.pic_crop_235_1.clear();
        bare.pic_crop_1_1.clear();
        let wire = serde_json::to_value(&bare).unwrap();
        for absent in [
            "author",
            "url",
            "pic_crop_235_1",
            "pic_crop_1_1",
            "article_type",
            "image_info",
        ] {
            assert!(wire.get(absent).is_none(), "{absent}: {wire}");
        }
    }

    /// An image post's fields: `article_type` and `image_info.image_list[].image_media_id`.
    #[test]
    fn newspic_fields_are_wechats() {
        let post = DraftArticle {
            article_type: "newspic".into(),
            title: "图".into(),
            content: "文字".into(),
            image_info: Some(ImageInfo {
                image_list: vec![ImageItem {
                    image_media_id: "m-1".into(),
                }],
            }),
            ..DraftArticle::default()
        };
        let wire = round_trip(&post);
        assert_eq!(wire["article_type"], "newspic");
        assert_eq!(
            wire["image_info"],
            json!({"image_list": [{"image_media_id": "m-1"}]})
        );
    }

    #[test]
    fn freepublish_submit_fields_are_wechats() {
        assert_eq!(
            round_trip(&MediaIdRequest::new("draft-1")),
            json!({ "media_id": "draft-1" })
        );
        let answer: FreepublishSubmitResponse = serde_json::from_value(
            json!({ "errcode": 0, "errmsg": "ok", "publish_id": 2247483001u64 }),
        )
        .unwrap();
        assert_eq!(answer.publish_id, "2247483001");
    }

    /// The request bodies are byte for byte what the client sent when they were
    /// written as JSON literals.
    #[test]
    fn the_wire_bytes_are_unchanged() {
        let token = StableTokenRequest {
            grant_type: "client_credential".into(),
            appid: "wx1".into(),
            secret: "s".into(),
            force_refresh: false,
        };
        let old = json!({ "grant_type": "client_credential", "appid": "wx1", "secret": "s", "force_refresh": false });
        assert_eq!(text(&token), old.to_string());
        let material = MaterialBatchgetRequest {
            kind: "image".into(),
            offset: 0,
            count: Some(20),
        };
        let old = json!({ "type": "image", "offset": 0, "count": 20 });
        assert_eq!(text(&material), old.to_string());
        let old = json!({ "offset": 20, "count": 20, "no_content": 0 });
        assert_eq!(text(&PageRequest::new(20, 20)), old.to_string());
        let old = json!({ "publish_id": "9" });
        let get = PublishIdRequest {
            publish_id: "9".into(),
        };
        assert_eq!(text(&get), old.to_string());
        for (audience, filter) in [
            (Audience::All, json!({ "is_to_all": true })),
            (Audience::Tag(7), json!({ "is_to_all": false, "tag_id": 7 })),
        ] {
            let send = MassSendRequest {
                filter: audience.into(),
                mpnews: MpNews::new("d"),
                msgtype: MSGTYPE_MPNEWS.into(),
                send_ignore_reprint: 0,
                clientmsgid: Some("c".into()),
            };
            let old = json!({
                "filter": filter,
                "mpnews": { "media_id": "d" },
                "msgtype": "mpnews",
                "send_ignore_reprint": 0,
                "clientmsgid": "c",
            });
            assert_eq!(text(&send), old.to_string());
        }
        for (id, old) in [
            ("12", json!({ "msg_id": 12 })),
            ("x", json!({ "msg_id": "x" })),
        ] {
            let get = MassGetRequest {
                msg_id: Some(MsgId::parse(id)),
            };
            assert_eq!(text(&get), old.to_string());
        }
        let preview = MassPreviewRequest {
            towxname: Some("someone".into()),
            touser: None,
            mpnews: MpNews::new("d"),
            msgtype: MSGTYPE_MPNEWS.into(),
        };
        let old =
            json!({ "towxname": "someone", "mpnews": { "media_id": "d" }, "msgtype": "mpnews" });
        assert_eq!(text(&preview), old.to_string());
    }

    /// A lenient field of the wrong type reads as absent; a strict one fails.
    #[test]
    fn lenient_fields_read_a_wrong_type_as_absent() {
        let r: MediaIdRequest = serde_json::from_value(json!({ "media_id": 5 })).unwrap();
        assert_eq!(r.media_id, "");
        let r: PublishIdRequest = serde_json::from_value(json!({ "publish_id": 5 })).unwrap();
        assert_eq!(r.publish_id, "5");
        let r: PublishIdRequest = serde_json::from_value(json!({ "publish_id": [] })).unwrap();
        assert_eq!(r.publish_id, "");
        let r: MassSendRequest =
            serde_json::from_value(json!({ "filter": "all", "mpnews": 1, "clientmsgid": 2 }))
                .unwrap();
        assert_eq!(r, MassSendRequest::default());
        let r: PageRequest =
            serde_json::from_value(json!({ "offset": -1, "count": "x", "no_content": 300 }))
                .unwrap();
        assert_eq!(r, PageRequest::default());
        let r: ApiStatus =
            serde_json::from_value(json!({ "errcode": 40001, "errmsg": 3 })).unwrap();
        assert_eq!(r, ApiStatus::new(40001, ""));
        assert!(serde_json::from_value::<DraftAddRequest>(json!({})).is_err());
        assert!(serde_json::from_value::<DraftAddRequest>(
            json!({ "articles": [{ "digest": "d" }] })
        )
        .is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let token = StableTokenRequest {
            secret: "the-secret".into(),
            ..Default::default()
        };
        assert!(!format!("{token:?}").contains("the-secret"));
        let answer = AccessTokenResponse {
            access_token: "the-token".into(),
            expires_in: 1,
        };
        assert!(!format!("{answer:?}").contains("the-token"));
    }
}

// ---------------------------------------------------------------------------
// The data API (数据统计 → 图文分析, `datacube/…`), used by `wxpress stats`.
//
// WeChat's current pages (the older getarticlesummary / getarticletotal /
// getuserread are marked 已停止维护, no longer maintained):
// - 获取发表内容发表详细数据, `datacube/getarticletotaldetail`:
//   <https://developers.weixin.qq.com/doc/subscription/api/wedata/news/api_getarticletotaldetail>
// - 获取发表内容每日阅读数据, `datacube/getarticleread`:
//   <https://developers.weixin.qq.com/doc/service/api/wedata/news/api_getarticleread>
// - 获取发表内容每日分享数据, `datacube/getarticleshare`:
//   <https://developers.weixin.qq.com/doc/service/api/wedata/news/api_getarticleshare>
// - 获取发表内容概况总数据, `datacube/getbizsummary`:
//   <https://developers.weixin.qq.com/doc/subscription/api/wedata/news/api_getbizsummary>
//
// wxpress reads `getarticletotaldetail` only: for every article published in the
// requested days it gives, per statistics day, the totals from the publishing day
// up to that day (at most 30 days), which is exactly the day-1 / day-7 curve a
// review needs. `getarticleread` / `getarticleshare` give one day's new reads or
// shares of whatever was read that day (one day per call); they would add reads
// after day 30, and `getbizsummary` the account's daily totals, neither of which
// the reports use yet.
// ---------------------------------------------------------------------------

/// The request of every `datacube/…` call: a range of days, both included, as
/// `YYYY-MM-DD`. `end_date` is at most yesterday (in the account's timezone,
/// China time), and `getarticletotaldetail` covers at most
/// [`super::limits::DATACUBE_MAX_DAYS`] days of publishing per call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DateRangeRequest {
    #[serde(deserialize_with = "lenient")]
    pub begin_date: String,
    #[serde(deserialize_with = "lenient")]
    pub end_date: String,
}

/// `datacube/getarticletotaldetail` answer.
/// <https://developers.weixin.qq.com/doc/subscription/api/wedata/news/api_getarticletotaldetail>
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleTotalDetailResponse {
    /// One entry per article published in the requested days.
    #[serde(default)]
    pub list: Vec<ArticleTotalDetail>,
    /// `false`: the numbers are up to date; `true`: WeChat is still computing them.
    #[serde(default)]
    pub is_delay: bool,
}

/// Notified followers (`publish_type` 0): a broadcast (群发).
pub const PUBLISH_TYPE_NOTIFIED: u8 = 0;
/// Published without notifying followers (`publish_type` 1): a free publish (发布).
pub const PUBLISH_TYPE_NOT_NOTIFIED: u8 = 1;

/// One article in a `getarticletotaldetail` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleTotalDetail {
    /// The publishing day, `YYYY-MM-DD`.
    #[serde(default)]
    pub ref_date: String,
    /// `<msg_data_id>_<index>`: the `msg_data_id` that `freepublish/submit` or
    /// `message/mass/sendall` returned, and the article's position in that push
    /// (1 = headline). See [`MsgKey`].
    #[serde(default, deserialize_with = "string_or_number")]
    pub msgid: String,
    /// The article's title (answers carry it; the documentation's table does not
    /// list it, so it may be empty).
    #[serde(default)]
    pub title: String,
    /// [`PUBLISH_TYPE_NOTIFIED`] (0, 已通知) or [`PUBLISH_TYPE_NOT_NOTIFIED`]
    /// (1, 未开启通知).
    #[serde(default)]
    pub publish_type: u8,
    /// One entry per statistics day, from the publishing day on.
    #[serde(default)]
    pub detail_list: Vec<ArticleDayTotals>,
}

/// The totals of one article from its publishing day up to `stat_date`, both
/// included ("[发表日期-统计日期] 期间内，所有指标新产生的数据总和").
///
/// The page names `stat_date`, `read_user`, `read_user_source` and `share_user`;
/// the other counters are those of the same family of pages (`getbizsummary`:
/// `zaikan_user`, `like_user`, `comment_count`) and of the answers WeChat sends
/// (`collection_user` for favourites, which the retired getarticletotal called
/// `add_to_fav_user`, read too). Every counter is optional on the wire and reads
/// as 0 when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleDayTotals {
    pub stat_date: String,
    /// 阅读人数: readers from every source.
    pub read_user: u64,
    /// 分享人数.
    pub share_user: u64,
    /// 收藏人数 (favourites).
    #[serde(alias = "add_to_fav_user")]
    pub collection_user: u64,
    /// 拇指赞人数.
    pub like_user: u64,
    /// 爱心赞 (在看) 人数.
    pub zaikan_user: u64,
    pub comment_count: u64,
    /// Readers per follower the push was delivered to, when followers were
    /// notified (0 to 1); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_delivery_rate: Option<f64>,
}

/// A `msgid` of the data API split into its parts: `2247490098_1` is article 1
/// (the headline) of the push whose `msg_data_id` is `2247490098`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgKey {
    pub msg_data_id: String,
    /// 1-based position in the push.
    pub index: u32,
}

impl MsgKey {
    /// `None` unless the text is `<digits>_<index ≥ 1>`.
    pub fn parse(msgid: &str) -> Option<MsgKey> {
        let (id, index) = msgid.trim().rsplit_once('_')?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let index: u32 = index.parse().ok().filter(|i| *i >= 1)?;
        Some(MsgKey {
            msg_data_id: id.to_string(),
            index,
        })
    }
}

impl fmt::Display for MsgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.msg_data_id, self.index)
    }
}

#[cfg(test)]
mod datacube_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn msgids_split_into_push_and_position() {
        let key = MsgKey::parse("2247490098_1").unwrap();
        assert_eq!(key.msg_data_id, "2247490098");
        assert_eq!(key.index, 1);
        assert_eq!(key.to_string(), "2247490098_1");
        assert_eq!(MsgKey::parse("12003_3").unwrap().index, 3);
        for bad in [
            "", "_", "12003", "12003_", "_3", "12003_0", "abc_1", "12_x", "1_2_3",
        ] {
            assert_eq!(MsgKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_article_total_detail_answer_reads() {
        let answer: ArticleTotalDetailResponse = serde_json::from_value(json!({
            "list": [{
                "ref_date": "2025-11-01",
                "msgid": "2247490098_1",
                "title": "标题",
                "publish_type": 0,
                "detail_list": [
                    { "stat_date": "2025-11-01", "read_user": 4123, "share_user": 366,
                      "add_to_fav_user": 12, "read_user_source": [] },
                    { "stat_date": "2025-11-02", "read_user": 5000, "share_user": 400,
                      "collection_user": 20, "read_delivery_rate": 0.25 }
                ]
            }],
            "is_delay": false
        }))
        .unwrap();
        let a = &answer.list[0];
        assert_eq!(a.publish_type, PUBLISH_TYPE_NOTIFIED);
        assert_eq!(
            a.detail_list[0].collection_user, 12,
            "the old name reads too"
        );
        assert_eq!(a.detail_list[1].collection_user, 20);
        assert_eq!(a.detail_list[1].read_delivery_rate, Some(0.25));
        assert_eq!(a.detail_list[0].like_user, 0, "absent counters read as 0");
        let range = DateRangeRequest {
            begin_date: "2025-11-01".into(),
            end_date: "2025-11-30".into(),
        };
        let wire = serde_json::to_value(&range).unwrap();
        assert_eq!(
            wire,
            json!({ "begin_date": "2025-11-01", "end_date": "2025-11-30" })
        );
    }
}
