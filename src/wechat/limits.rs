//! The draft and upload API's limits, defined once: the checks warn before them,
//! `publish` refuses to send past them, and the sandbox enforces them.
//! Source: WeChat's server API documentation for `draft/add`, `media/uploadimg`
//! and `material/add_material` (developers.weixin.qq.com, 草稿箱 / 素材管理).

/// `media/uploadimg`: body images must be JPG or PNG (40005 otherwise) and smaller
/// than 1 MB (40009 otherwise): "图片仅支持jpg/png格式，大小必须在1MB以下",
/// <https://developers.weixin.qq.com/doc/service/api/material/permanent/api_uploadimage>
/// Article content may only use images uploaded there (the draft/add page below:
/// "外部图片url将被过滤"), so no upload path keeps a GIF's animation in a body.
pub const IMAGE_MAX_BYTES: u64 = 1024 * 1024;
/// `material/add_material` (type image), used for covers: up to 10 MB.
pub const MATERIAL_MAX_BYTES: u64 = 10 * 1024 * 1024;
// `draft/add` article fields, from the current reference page (新增草稿, read 2026-12):
// https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_add
// 标题 "总长度不超过32个字", 作者 "总长度不超过16个字", 摘要 "总长度不超过128个字。仅有单图文
// 消息才有摘要", content_source_url "大小不可超过1 kb".

/// `draft/add` title, in characters (45003 over it).
pub const TITLE_MAX_CHARS: usize = 32;
/// `draft/add` author, in characters (45110 over it).
pub const AUTHOR_MAX_CHARS: usize = 16;
/// `draft/add` digest (the summary), in characters (45004 over it). Only a
/// single-article push shows a digest; in a push of several WeChat leaves it empty.
pub const DIGEST_MAX_CHARS: usize = 128;
/// `draft/add` `content_source_url` (阅读原文), in bytes (45005 over it).
pub const SOURCE_URL_MAX_BYTES: usize = 1024;
/// `draft/add` content: less than 20,000 characters of final HTML…
pub const CONTENT_MAX_CHARS: usize = 20_000;
/// …and less than 1 MB.
pub const CONTENT_MAX_BYTES: usize = 1024 * 1024;
/// Articles in one draft (one push): a headline and up to seven more.
pub const ARTICLES_MAX: usize = 8;
/// `message/mass/sendall` `clientmsgid`, in bytes (WeChat answers 45067 past it).
pub const CLIENTMSGID_MAX_BYTES: usize = 64;
/// `draft/batchget`, `freepublish/batchget`, `material/batchget_material`: items
/// per page, 1 to 20.
pub const PAGE_MAX: u64 = 20;
/// File extensions of the images `media/uploadimg` takes (jpg/png), which wxpress
/// also requires of covers.
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png"];
/// `datacube/getarticletotaldetail`: days of publishing one call covers at most
/// ("统计周期内(最大30天)"); longer ranges are asked for in windows of this size,
/// and each article's totals run for this many days from its publishing day.
/// <https://developers.weixin.qq.com/doc/subscription/api/wedata/news/api_getarticletotaldetail>
pub const DATACUBE_MAX_DAYS: i64 = 30;
/// `draft/add` with `article_type = "newspic"` (图片消息): `image_info.image_list`
/// holds at least one and at most this many images, each an `image_media_id` of
/// permanent material (`material/add_material`); the first is the cover. Its
/// `content` is plain text (with a few special tags WeChat names; wxpress sends
/// text only). From the draft_add page's `image_info` field as summarised by
/// projects that use it; the official page's exact wording could not be read
/// while writing this, nor an errcode for an empty or too long list (the sandbox
/// answers 44003 "empty news data" and 45008, as for the articles list).
pub const NEWSPIC_IMAGES_MAX: usize = 20;
/// The `article_type` of an image post.
pub const ARTICLE_TYPE_NEWSPIC: &str = "newspic";
/// The `article_type` of an ordinary article (the default when absent).
pub const ARTICLE_TYPE_NEWS: &str = "news";
