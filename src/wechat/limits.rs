//! The draft and upload API's limits, defined once: the checks warn before them,
//! `publish` refuses to send past them, and the sandbox enforces them.
//! Source: WeChat's server API documentation for `draft/add`, `media/uploadimg`
//! and `material/add_material` (developers.weixin.qq.com, 草稿箱 / 素材管理).

/// `media/uploadimg`: body images must be smaller than 1 MB (40009 otherwise).
pub const IMAGE_MAX_BYTES: u64 = 1024 * 1024;
/// `material/add_material` (type image), used for covers: up to 10 MB.
pub const MATERIAL_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// `draft/add` title, in characters.
pub const TITLE_MAX_CHARS: usize = 64;
/// `draft/add` digest (the summary), in characters.
pub const DIGEST_MAX_CHARS: usize = 120;
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
