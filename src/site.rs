//! A loaded site: config, theme and posts, ready to render. `build` and `serve`
//! both start here.

use crate::check::SiteStyle;
use crate::config::Config;
use crate::content::{self, Post};
use crate::diagnostic::{self, Diagnostic};
use crate::images::{Pipeline, Settings};
use crate::render::{self, Article, RenderContext, Theme};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    /// The compiled check rules and word lists, built once per site.
    pub checker: crate::check::Checker,
    /// The house style measured over all posts by the last [`Site::compile_all`]
    /// (or on first need), given to every post's check.
    style: std::sync::Mutex<Option<Arc<SiteStyle>>>,
    /// Makes body images and covers fit for WeChat, with its cache.
    pub images: Pipeline,
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
        let images = Pipeline::new(root, Settings::from_config(&config.images));
        Ok(Site {
            root: root.to_path_buf(),
            config,
            images,
            theme,
            checker,
            style: std::sync::Mutex::new(None),
        })
    }

    pub fn render_context(&self) -> RenderContext<'_> {
        RenderContext {
            root: &self.root,
            config: &self.config,
            theme: &self.theme,
            images: Some(&self.images),
        }
    }

    /// Loads, renders and checks every post in parallel, and runs the rules that
    /// look at all posts at once (slug conflicts, the calendar). `build`, `check`,
    /// `serve` and `publish` all compile through here or [`Site::compile`], so
    /// they agree on every rule.
    pub fn compile_all(&self, opts: &CompileOptions) -> Compilation {
        let (posts, diagnostics) = self.compile_each(opts, |rendered| rendered);
        Compilation { posts, diagnostics }
    }

    /// [`Site::compile_all`], handing each compiled post to `each` on the worker
    /// that compiled it and keeping only what `each` returns (in path order):
    /// `build` writes a post's output there and drops its texts, so a large
    /// site's rendered pages are never all in memory at once. The second value
    /// is the problems that belong to no single post.
    pub fn compile_each<T: Send>(
        &self,
        opts: &CompileOptions,
        each: impl Fn(Rendered) -> T + Sync + Send,
    ) -> (Vec<T>, Vec<Diagnostic>) {
        let (posts, mut diagnostics) = content::load_all(&self.root, &self.config);
        // The calendar is every post's, drafts included: a push is several posts.
        diagnostics.extend(self.calendar_diagnostics(&posts, &opts.now));
        // So is the house style: measured once here, passed to every post's check.
        let style = Arc::new(SiteStyle::measure(&posts));
        *self.style.lock().unwrap_or_else(|e| e.into_inner()) = Some(style.clone());
        let results = posts
            .into_par_iter()
            .filter(|p| opts.wip || !p.meta.wip)
            .map(|post| each(self.compile_with(post, &style)))
            .collect();
        diagnostic::sort(&mut diagnostics);
        (results, diagnostics)
    }

    /// Renders and checks one post, with the house style of the last
    /// [`Site::compile_all`] (measured now when there was none).
    pub fn compile(&self, post: Post) -> Rendered {
        let style = self.style();
        self.compile_with(post, &style)
    }

    /// The site's measured house style: the last [`Site::compile_all`]'s, or
    /// measured over every post now.
    pub fn style(&self) -> Arc<SiteStyle> {
        let mut slot = self.style.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| {
            let (posts, _) = content::load_all(&self.root, &self.config);
            Arc::new(SiteStyle::measure(&posts))
        })
        .clone()
    }

    fn compile_with(&self, mut post: Post, style: &SiteStyle) -> Rendered {
        let cover = self.process_cover(&mut post);
        let mut rendered = self.render(post);
        rendered.diagnostics.extend(cover);
        let first = self.cover_from_first_image(&mut rendered);
        rendered.diagnostics.extend(first);
        let notes = self.loader_notes(&rendered.post);
        rendered.diagnostics.extend(notes);
        rendered.diagnostics.extend(crate::check::check_post(
            &self.checker,
            style,
            &rendered.post,
            rendered.article.as_ref(),
        ));
        diagnostic::sort(&mut rendered.diagnostics);
        rendered.diagnostics.dedup();
        rendered
    }

    /// The warnings found while reading the post (`Post::notes`), with the site's
    /// severities and the post's `check.off` applied.
    fn loader_notes(&self, post: &Post) -> Vec<Diagnostic> {
        post.notes
            .iter()
            .filter(|d| !post.meta.check_off.contains(&d.rule))
            .filter_map(|d| {
                let rule = crate::check::Rule::from_id(&d.rule)?;
                let mut d = d.clone();
                d.severity = self.checker.level(rule)?;
                Some(d)
            })
            .collect()
    }

    /// The cover through the image pipeline: `cover_path` becomes the processed
    /// file and `cover_source` keeps the writer's. A cover that cannot be read is
    /// left as it is, for the `cover-*` rules to report.
    fn process_cover(&self, post: &mut Post) -> Option<Diagnostic> {
        let path = post.meta.cover_path.clone().filter(|p| p.is_file())?;
        let processed = self.images.process(&path).ok()?;
        let cover = post.meta.cover.clone().unwrap_or_default();
        post.meta.cover_source = Some(path);
        post.meta.cover_path = Some(processed.path);
        post.meta.cover_size = Some((processed.width, processed.height));
        let note = processed.note?;
        let pos = if post.keys.contains_key("cover") {
            post.value_pos("cover")
        } else {
            diagnostic::Pos::START
        };
        Some(Diagnostic::new(
            &post.source,
            pos,
            "image-converted",
            diagnostic::Severity::Info,
            format!("cover `{cover}`: {note}"),
        ))
    }

    /// `[wechat] cover_from_first_image`: a post with no cover (none written, no
    /// column default) takes its first picture, local or fetched, as the cover,
    /// already processed by the pipeline; formulas and diagrams are not pictures.
    /// An image post's cover is always its first picture, so it is left alone.
    /// Says which image became the cover in an info note.
    fn cover_from_first_image(&self, rendered: &mut Rendered) -> Option<Diagnostic> {
        let meta = &rendered.post.meta;
        if !self.config.wechat.cover_from_first_image
            || meta.cover.is_some()
            || meta.article_type == content::front_matter::ArticleType::Newspic
        {
            return None;
        }
        let figures = self.root.join(crate::images::FIGURE_CACHE_DIR);
        let image = rendered
            .article
            .as_ref()?
            .images
            .iter()
            .find(|a| !a.source.starts_with(&figures))?;
        let size = image::image_dimensions(&image.path).ok()?;
        let post = &mut rendered.post;
        post.meta.cover_path = Some(image.path.clone());
        post.meta.cover_source = Some(image.source.clone());
        post.meta.cover_size = Some(size);
        post.meta.cover_from_image = true;
        Some(
            Diagnostic::new(
                &post.source,
                diagnostic::Pos::START,
                "cover-from-image",
                diagnostic::Severity::Info,
                format!(
                    "no cover: the first image, {}, is the cover ([wechat] cover_from_first_image)",
                    content::relative_path(&self.root, &image.source)
                ),
            )
            .with_suggestion("set `cover` in the front matter to choose another picture"),
        )
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
        self.calendar_findings(posts, &self.read_ledger(), now)
    }

    /// The publish ledger for the calendar rules, or the error that says it
    /// cannot be read. Callers that hold a lock read it before taking the lock.
    pub fn read_ledger(&self) -> Result<crate::ledger::LedgerView, Diagnostic> {
        let ledger_path = crate::ledger::path(&self.root);
        crate::ledger::LedgerView::read(&ledger_path).map_err(|e| {
            Diagnostic::error(
                content::relative_path(&self.root, &ledger_path),
                crate::diagnostic::Pos::START,
                "schedule-past",
                format!("cannot read the publish ledger: {e}"),
            )
            .with_suggestion(
                "restore .wxpress/ledger.jsonl from git; it records what was published",
            )
        })
    }

    /// [`Site::calendar_diagnostics`] with the ledger already read: no file access.
    pub fn calendar_findings<P: std::borrow::Borrow<Post>>(
        &self,
        posts: &[P],
        ledger: &Result<crate::ledger::LedgerView, Diagnostic>,
        now: &jiff::Timestamp,
    ) -> Vec<Diagnostic> {
        match ledger {
            Ok(ledger) => self.calendar_rules(posts, ledger, now),
            Err(unreadable) => vec![unreadable.clone()],
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
    pub wip: bool,
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

/// The posts a command was given (files or folders), or every post when none.
pub struct Selection {
    /// Absolute paths; empty means everything.
    paths: Vec<PathBuf>,
}

impl Selection {
    /// Every post of the site.
    pub fn all() -> Selection {
        Selection { paths: Vec::new() }
    }

    /// Paths from the command line, relative to the current folder or else to the
    /// site root; each must exist.
    pub fn new(root: &Path, paths: &[PathBuf]) -> Result<Selection, String> {
        let paths = paths
            .iter()
            .map(|p| {
                let p = if p.exists() { p.clone() } else { root.join(p) };
                if !p.exists() {
                    return Err(format!(
                        "{} does not exist (give posts or folders under content/)",
                        p.display()
                    ));
                }
                std::path::absolute(&p).map_err(|e| format!("{}: {e}", p.display()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Selection { paths })
    }

    pub fn contains(&self, file: &Path) -> bool {
        self.paths.is_empty() || {
            let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            self.paths.iter().any(|s| abs.starts_with(s))
        }
    }
}

/// What `wxpress check` found in a selection.
pub struct CheckReport {
    /// How many posts were checked.
    pub checked: usize,
    /// Sorted, without repeats.
    pub diagnostics: Vec<Diagnostic>,
}

impl Site {
    /// Checks the selected posts, drafts included. The whole site is compiled (the
    /// calendar rules need every post: a push is several posts); only the
    /// selection is reported.
    pub fn check(&self, selection: &Selection, now: jiff::Timestamp) -> CheckReport {
        let compiled = self.compile_all(&CompileOptions { wip: true, now });
        let selected: Vec<Rendered> = compiled
            .posts
            .into_iter()
            .filter(|r| selection.contains(&r.post.path))
            .collect();
        let checked = selected.len();
        let mut diagnostics: Vec<Diagnostic> = compiled
            .diagnostics
            .into_iter()
            .filter(|d| selection.contains(&self.root.join(&d.file)))
            .chain(selected.into_iter().flat_map(|r| r.diagnostics))
            .collect();
        diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
        CheckReport {
            checked,
            diagnostics,
        }
    }

    /// Applies the safe fixes (`check --fix`) to the selected posts in place; one
    /// line per change.
    pub fn fix(&self, selection: &Selection) -> Result<Vec<String>, String> {
        let (posts, _) = content::load_all(&self.root, &self.config);
        let style = SiteStyle::measure(&posts);
        let mut posts: Vec<Post> = posts
            .into_iter()
            .filter(|p| selection.contains(&p.path))
            .collect();
        crate::check::fix::fix_all(&self.checker, &style, &self.config, &mut posts)
    }
}
