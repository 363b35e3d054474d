//! `body-length`: prose over `[check] body_max` characters. Phone readers give an
//! article about five minutes; the message estimates the reading time.

use super::prose::Prose;
use super::{Cx, Rule};

/// Characters per minute a reader gets through on a phone (Chinese prose).
pub const READING_SPEED: usize = 400;

/// Characters of prose, not counting whitespace.
pub fn count(prose: &Prose) -> usize {
    prose
        .segments
        .iter()
        .map(|s| prose.text(s).chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

pub fn check(cx: &mut Cx, prose: &Prose) {
    if !cx.on(Rule::BodyLength) {
        return;
    }
    let max = cx.checker().body_max;
    let n = count(prose);
    if n > max {
        let minutes = n.div_ceil(READING_SPEED);
        // Point at the body's first line of text, not the blank line after the front matter.
        let body = cx.post().body();
        let first = body.len() - body.trim_start().len();
        if let Some(f) = cx.at_body(
            Rule::BodyLength,
            first..first,
            format!("body has {n} characters of text, over body_max = {max} (about {minutes} minutes of reading)"),
        ) {
            f.help("cut it, or split it into a series; raise [check] body_max if long reads are this account's style");
        }
    }
}
