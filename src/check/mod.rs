//! Check: editorial rules run on every post (placeholder until the Check issue lands).

use crate::content::Post;
use crate::diagnostic::Diagnostic;
use crate::render::Article;
use crate::site::Site;

pub fn check_post(_site: &Site, _post: &Post, _article: Option<&Article>) -> Vec<Diagnostic> {
    Vec::new()
}
