//! Themes: tera templates and a stylesheet. Files are looked up in three layers,
//! later ones winning file by file: the built-in default theme, `themes/<name>/`,
//! and the site's own `templates/`.

use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use std::path::{Path, PathBuf};
use tera::Tera;

pub const ARTICLE_TEMPLATE: &str = "article.html";
pub const PAGE_TEMPLATE: &str = "page.html";
pub const PARTIALS_DIR: &str = "partials";

/// The built-in default theme, compiled in from `assets/theme/` (owned by the crate,
/// not by the example site): what `wxpress init` writes into a new site, and the
/// fallback for any file a theme does not provide. Paths are relative to a theme folder.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "templates/article.html",
        include_str!("../../assets/theme/templates/article.html"),
    ),
    (
        "templates/page.html",
        include_str!("../../assets/theme/templates/page.html"),
    ),
    (
        "templates/partials/footer.html",
        include_str!("../../assets/theme/templates/partials/footer.html"),
    ),
    ("style.css", include_str!("../../assets/theme/style.css")),
];

pub struct Theme {
    pub name: String,
    pub tera: Tera,
    pub inliner: super::inline::Inliner,
    /// Every file the theme was loaded from, for the watcher and for messages.
    pub files: Vec<PathBuf>,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let name = config.site.theme().to_string();
        let theme_dir = root.join("themes").join(&name);
        let plain_name =
            !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', ':']);
        if name != config::DEFAULT_THEME && (!plain_name || !theme_dir.is_dir()) {
            let pos = config
                .site
                .theme
                .as_ref()
                .map_or(Pos::START, |t| config_pos(root, t.span().start));
            return Err(vec![Diagnostic::error(
                config::FILE,
                pos,
                "config",
                format!("theme `{name}` not found: there is no folder themes/{name}/"),
            )
            .with_suggestion("create it, or use theme = \"default\"")]);
        }

        // Name → (source text, file it came from, for messages).
        let mut templates: Vec<(String, String, String)> = BUILTIN
            .iter()
            .filter_map(|(path, text)| {
                let name = path.strip_prefix("templates/")?;
                Some((
                    name.to_string(),
                    text.to_string(),
                    format!("(built-in default theme) {path}"),
                ))
            })
            .collect();
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for dir in [theme_dir.join("templates"), root.join("templates")] {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file()
                    || entry.path().extension().is_none_or(|e| e != "html")
                {
                    continue;
                }
                let rel = crate::content::relative_path(&dir, entry.path());
                let shown = crate::content::relative_path(root, entry.path());
                match std::fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        templates.retain(|(n, _, _)| *n != rel);
                        templates.push((rel, text, shown));
                        files.push(entry.into_path());
                    }
                    Err(e) => errors.push(Diagnostic::error(
                        shown,
                        Pos::START,
                        "template",
                        format!("cannot read template: {e}"),
                    )),
                }
            }
        }

        let css_path = theme_dir.join("style.css");
        let css = if css_path.is_file() {
            files.push(css_path.clone());
            std::fs::read_to_string(&css_path).unwrap_or_else(|e| {
                errors.push(Diagnostic::error(
                    crate::content::relative_path(root, &css_path),
                    Pos::START,
                    "template",
                    format!("cannot read stylesheet: {e}"),
                ));
                String::new()
            })
        } else {
            builtin("style.css").to_string()
        };

        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/` and `'` as entities: six characters each
        // toward WeChat's limit, where HTML needs only `& < > "` escaped.
        tera.set_escape_fn(escape_html);
        // Add one by one first, so a syntax error names its own file…
        for (name, text, shown) in &templates {
            if let Err(e) = Tera::default().add_raw_template(name, text) {
                errors.push(template_error(shown, &e));
            }
        }
        // …then together, so `extends` and `include` resolve across layers.
        if errors.is_empty() {
            if let Err(e) =
                tera.add_raw_templates(templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
            {
                errors.push(template_error("templates", &e));
            }
        }

        for column in &config.columns {
            for partial in [&column.header, &column.footer].into_iter().flatten() {
                let wanted = format!("{PARTIALS_DIR}/{}", partial.get_ref());
                if errors.is_empty() && !tera.get_template_names().any(|n| n == wanted) {
                    errors.push(
                        Diagnostic::error(
                            config::FILE,
                            config_pos(root, partial.span().start),
                            "config",
                            format!("partial `{}` not found", partial.get_ref()),
                        )
                        .with_suggestion(format!(
                            "create themes/{name}/templates/{wanted} or templates/{wanted}"
                        )),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(Theme {
                name,
                tera,
                inliner: super::inline::Inliner::new(&css),
                files,
            })
        } else {
            Err(errors)
        }
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    super::markdown::escape_into(&mut out, text);
    out
}

pub fn builtin(path: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("", |(_, t)| t)
}

fn config_pos(root: &Path, offset: usize) -> Pos {
    let text = std::fs::read_to_string(root.join(config::FILE)).unwrap_or_default();
    LineIndex::new(&text).pos(offset)
}

/// Tera's parse errors carry `--> line:column` in their message; keep it whole.
pub fn template_error(file: &str, e: &tera::Error) -> Diagnostic {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let pos = message
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut nums = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some(Pos::new(
                nums.next()?.parse().ok()?,
                nums.next()?.parse().ok()?,
            ))
        })
        .unwrap_or(Pos::START);
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    Diagnostic::error(file, pos, "template", message)
        .with_suggestion("fix the template syntax (tera, like Jinja2)")
}
