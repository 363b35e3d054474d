//! `summary-length`: the summary (digest) shown under the title in chats. Missing → a
//! warning (WeChat would cut the first 54 characters of the body); over
//! `[check] summary_max` → a warning; over
//! `wechat::limits::DIGEST_MAX_CHARS` (128) → an error, the draft API refuses it.

use super::{Cx, Rule};
use crate::diagnostic::{Pos, Severity};

use crate::wechat::limits::DIGEST_MAX_CHARS as API_LIMIT;

pub fn check(cx: &mut Cx) {
    let post = cx.post();
    let max = cx.checker().summary_max;
    let Some(level) = cx.level(Rule::SummaryLength) else {
        return;
    };
    match &post.meta.summary {
        None => {
            let pos = post.keys.get("title").map_or(Pos::START, |k| k.key);
            if let Some(f) = cx.at_pos(
                Rule::SummaryLength,
                pos,
                "no summary: WeChat will show the first 54 characters of the body instead".into(),
            ) {
                f.help(format!(
                    "add summary = \"…\" (up to {max} characters) to the front matter"
                ));
            }
        }
        Some(s) => {
            let n = s.chars().count();
            let pos = post.value_pos("summary");
            if n > API_LIMIT {
                if let Some(f) = cx.at_pos(
                    Rule::SummaryLength,
                    pos,
                    format!(
                        "summary has {n} characters; the draft API refuses more than {API_LIMIT}"
                    ),
                ) {
                    // Over the API limit is an error unless the site turned the rule off.
                    f.diagnostic.severity = Severity::Error.max(level);
                    f.help(format!("remove at least {} characters", n - API_LIMIT));
                }
            } else if n > max {
                if let Some(f) = cx.at_pos(
                    Rule::SummaryLength,
                    pos,
                    format!("summary has {n} characters, over summary_max = {max}"),
                ) {
                    f.help(format!(
                        "shorten it by {}; long summaries are cut in the chat list",
                        n - max
                    ));
                }
            }
        }
    }
}
