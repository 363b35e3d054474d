//! `clickbait-title`: 标题党 patterns (震惊, 紧急通知, 刚刚 …) in the title. Readers and
//! WeChat's review both punish them; the body is not checked (刚刚 is fine there).

use super::{Cx, Rule};

pub fn check(cx: &mut Cx) {
    let post = cx.post();
    let title = &post.meta.title;
    let hits = cx.checker().clickbait.find(title);
    for (offset, word) in hits {
        let message = format!("`{word}` in the title reads as clickbait (标题党)");
        let help = "say what the article is about; WeChat may limit the reach of clickbait titles";
        // Point at the word itself when the title is written plainly on its line.
        let found = super::words::value_offset(cx, "title", title).map(|start| start + offset);
        let f = match found {
            Some(at) => cx.at_text(Rule::ClickbaitTitle, at..at + word.len(), message),
            None => cx.at_pos(Rule::ClickbaitTitle, post.value_pos("title"), message),
        };
        if let Some(f) = f {
            f.help(help);
        }
    }
}
