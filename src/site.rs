//! A loaded site: config, theme and posts, ready to render. `build` and `serve`
//! both start here.

use crate::config::Config;
use crate::content::{self, Post};
use crate::diagnostic::{self, Diagnostic};
use crate::render::{self, Article, RenderContext, Theme};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    /// The compiled check rules and word lists, built once per site.
    pub checker: crate::check::Checker,
}

/// A post with its rendered article (absent when rendering failed) and every
/// diagnostic about it.
pub struct Rendered {
    pub post: Post,
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Site {
    /// Loads config and theme. Errors in both are reported together.
    pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
        let config = Config::load(root)?;
        let theme = Theme::load(root, &config)?;
        let checker = crate::check::Checker::new(root, &config)?;
        Ok(Site {
            root: root.to_path_buf(),
            config,
            theme,
            checker,
        })
    }

    pub fn render_context(&self) -> RenderContext<'_> {
        RenderContext {
            root: &self.root,
            config: &self.config,
            theme: &self.theme,
        }
    }

    /// Loads and renders every post in parallel. Drafts are left out unless asked for.
    /// Returns the rendered posts and the problems that belong to no single post.
    pub fn render_all(&self, drafts: bool) -> (Vec<Rendered>, Vec<Diagnostic>) {
        let (posts, load_diags) = content::load_all(&self.root, &self.config);
        let rendered = posts
            .into_par_iter()
            .filter(|p| drafts || !p.meta.draft)
            .map(|post| self.render(post))
            .collect();
        (rendered, load_diags)
    }

    pub fn render(&self, post: Post) -> Rendered {
        let (article, mut diagnostics) = match render::render_post(&self.render_context(), &post) {
            Ok((article, diags)) => (Some(article), diags),
            Err(diags) => (None, diags),
        };
        diagnostic::sort(&mut diagnostics);
        Rendered {
            post,
            article,
            diagnostics,
        }
    }
}
