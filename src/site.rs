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

    /// Loads, renders and checks every post in parallel, and runs the rules that
    /// look at all posts at once (slug conflicts, the calendar). `build`, `check`,
    /// `serve` and `publish` all compile through here or [`Site::compile`], so
    /// they agree on every rule.
    pub fn compile_all(&self, opts: &CompileOptions) -> Compilation {
        let (posts, mut diagnostics) = content::load_all(&self.root, &self.config);
        // The calendar is every post's, drafts included: a push is several posts.
        diagnostics.extend(self.calendar_diagnostics(&posts, &opts.now));
        let posts = posts
            .into_par_iter()
            .filter(|p| opts.drafts || !p.meta.draft)
            .map(|post| self.compile(post))
            .collect();
        diagnostic::sort(&mut diagnostics);
        Compilation { posts, diagnostics }
    }

    /// Renders and checks one post.
    pub fn compile(&self, post: Post) -> Rendered {
        let mut rendered = self.render(post);
        rendered.diagnostics.extend(crate::check::check_post(
            &self.checker,
            &rendered.post,
            rendered.article.as_ref(),
        ));
        diagnostic::sort(&mut rendered.diagnostics);
        rendered.diagnostics.dedup();
        rendered
    }

    /// Renders one post without checking it: half of [`Site::compile`], for the
    /// benchmarks that time the two halves apart.
    pub fn render(&self, post: Post) -> Rendered {
        let (article, diagnostics) = match render::render_post(&self.render_context(), &post) {
            Ok((article, diags)) => (Some(article), diags),
            Err(diags) => (None, diags),
        };
        Rendered {
            post,
            article,
            diagnostics,
        }
    }

    /// The `schedule-*` rules over `posts`, judged at `now` against the publish
    /// ledger, which is read here and given to the rules as an argument.
    pub fn calendar_diagnostics<P: std::borrow::Borrow<Post>>(
        &self,
        posts: &[P],
        now: &jiff::Timestamp,
    ) -> Vec<Diagnostic> {
        let ledger_path = crate::ledger::path(&self.root);
        match crate::ledger::LedgerView::read(&ledger_path) {
            Ok(ledger) => self.calendar_rules(posts, &ledger, now),
            Err(e) => vec![Diagnostic::error(
                content::relative_path(&self.root, &ledger_path),
                crate::diagnostic::Pos::START,
                "schedule-past",
                format!("cannot read the publish ledger: {e}"),
            )
            .with_suggestion(
                "restore .wxpress/ledger.jsonl from git; it records what was published",
            )],
        }
    }
}

impl Site {
    /// The calendar (`schedule-*`) findings with the site's severities and each
    /// post's `check.off` applied.
    fn calendar_rules<P: std::borrow::Borrow<Post>>(
        &self,
        posts: &[P],
        ledger: &crate::ledger::LedgerView,
        now: &jiff::Timestamp,
    ) -> Vec<Diagnostic> {
        let off: std::collections::HashMap<&str, &[String]> = posts
            .iter()
            .map(|p| {
                let p: &Post = p.borrow();
                (p.source.as_str(), p.meta.check_off.as_slice())
            })
            .collect();
        crate::schedule::schedule_diagnostics(&self.config, posts, ledger, now)
            .into_iter()
            .filter_map(|mut d| {
                let rule = crate::check::Rule::from_id(&d.rule)?;
                d.severity = self.checker.level(rule)?;
                let silenced = off
                    .get(d.file.as_str())
                    .is_some_and(|ids| ids.contains(&d.rule));
                (!silenced).then_some(d)
            })
            .collect()
    }
}

/// What one compile of the whole site covers.
pub struct CompileOptions {
    /// Compile drafts too (build leaves them out unless asked; check keeps them).
    pub drafts: bool,
    /// The instant the calendar rules judge against (what is past, what is due).
    pub now: jiff::Timestamp,
}

/// Every post compiled, plus the problems that belong to no single post's text.
pub struct Compilation {
    /// In path order.
    pub posts: Vec<Rendered>,
    /// Load errors, slug conflicts and calendar problems.
    pub diagnostics: Vec<Diagnostic>,
}
