//! Formulas and diagrams drawn at build time as PNG pictures, which then travel
//! like any other image (copied into `public/`, uploaded with `media/uploadimg`).
//!
//! Why pictures: WeChat renders neither MathML nor script, its SVG support is
//! patchy, and an inline SVG formula costs thousands of the draft's 20,000
//! characters; an `<img>` costs about a hundred.
//!
//! - LaTeX math is laid out by `latex-rust` (a TeX box model with its own STIX Two
//!   Math outlines, so no font of the machine is involved) and rasterised by resvg.
//! - Mermaid diagrams are laid out by `mermaid-rs-renderer` and rasterised by resvg
//!   with the machine's fonts (labels are text; CJK needs a CJK font installed).
//!
//! Results are kept in `.wxpress/cache/figures/<hash>.png` with a `<hash>.json`
//! beside it, keyed by the source text and the kind, so a rebuild draws nothing.

use super::store_in;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Where rendered formulas and diagrams are kept, under the site root.
pub const FIGURE_CACHE_DIR: &str = ".wxpress/cache/figures";
/// Part of every cache key: bump it when drawing changes its output.
const VERSION: &str = "wxpress-figure-v3";
/// CSS pixels per em the formulas are drawn for: the theme's body text size.
const EM_PX: f32 = 16.0;
/// Device pixels per CSS pixel: sharp on phone screens, which are 3x.
const MATH_SCALE: f32 = 3.0;
/// Diagrams are larger; 2x keeps their files small and still sharp.
const DIAGRAM_SCALE: f32 = 2.0;
/// The widest picture drawn, in device pixels (WeChat shows at most 677 CSS px).
const MAX_PIXELS_WIDE: f32 = 2000.0;
/// Blank space around a formula's box, in em: glyphs such as an italic `f`
/// reach outside the box TeX gives them.
const MATH_PAD_EM: f32 = 0.08;

/// What is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    /// `$…$`: sits on the text's baseline at the text's size.
    InlineMath,
    /// `$$…$$` or a ```` ```math ```` block: a centred line of its own.
    DisplayMath,
    /// A ```` ```mermaid ```` block.
    Mermaid,
}

impl FigureKind {
    fn tag(self) -> &'static str {
        match self {
            FigureKind::InlineMath => "inline-math",
            FigureKind::DisplayMath => "display-math",
            FigureKind::Mermaid => "mermaid",
        }
    }

    /// The picture's file name stem in the post's output folder.
    pub fn stem(self) -> &'static str {
        match self {
            FigureKind::InlineMath | FigureKind::DisplayMath => "math",
            FigureKind::Mermaid => "diagram",
        }
    }
}

/// A drawn formula or diagram, ready to copy into `public/` and to upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The PNG in the cache.
    #[serde(skip)]
    pub path: PathBuf,
    /// The PNG's size in pixels.
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// The size to show it at: in em of the surrounding text for math, in CSS px
    /// for diagrams.
    pub show_width: f32,
    pub show_height: f32,
    /// How far math reaches below the text's baseline, in em (0 for diagrams).
    pub depth: f32,
    /// The content hash that names the file in the cache.
    pub key: String,
}

/// Why a formula or diagram could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureError {
    pub message: String,
    /// The line (1-based) of the source where the problem is, when known.
    pub line: Option<u32>,
}

impl FigureError {
    fn new(message: impl Into<String>) -> FigureError {
        FigureError {
            message: message.into(),
            line: None,
        }
    }
}

/// The cache key of `source` drawn as `kind`.
fn key(kind: FigureKind, source: &str) -> String {
    let mut h = Sha256::new();
    h.update(VERSION.as_bytes());
    h.update(format!("\0{}\0", kind.tag()).as_bytes());
    h.update(source.as_bytes());
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The drawn `source` from the cache in `dir`, or drawn now and stored there.
/// The flag says whether it was drawn now.
pub fn figure(dir: &Path, kind: FigureKind, source: &str) -> Result<(Figure, bool), FigureError> {
    let key = key(kind, source);
    let png_path = dir.join(format!("{key}.png"));
    let meta_path = dir.join(format!("{key}.json"));
    if let Some(hit) = cached(&png_path, &meta_path) {
        return Ok((hit, false));
    }
    let (png, mut figure) = draw(kind, source)?;
    figure.key = key;
    figure.path = png_path.clone();
    store_in(dir, &png_path, &png)
        .and_then(|()| {
            let json = serde_json::to_vec(&figure).expect("Figure serializes");
            store_in(dir, &meta_path, &json)
        })
        .map_err(|e| {
            FigureError::new(format!(
                "cannot write the figure cache {}: {e}",
                dir.to_string_lossy()
            ))
        })?;
    Ok((figure, true))
}

fn cached(png_path: &Path, meta_path: &Path) -> Option<Figure> {
    let mut hit: Figure = serde_json::from_slice(&std::fs::read(meta_path).ok()?).ok()?;
    let meta = std::fs::metadata(png_path).ok()?;
    hit.path = png_path.to_path_buf();
    if meta.len() != hit.bytes {
        return None;
    }
    super::touch_if_stale(&meta, &[png_path, meta_path]);
    Some(hit)
}

/// Draws `source` as a PNG. Pure: no file system (fonts aside, for diagrams).
pub fn draw(kind: FigureKind, source: &str) -> Result<(Vec<u8>, Figure), FigureError> {
    match kind {
        FigureKind::InlineMath | FigureKind::DisplayMath => {
            draw_math(source, kind == FigureKind::DisplayMath)
        }
        FigureKind::Mermaid => draw_mermaid(source),
    }
}

fn math_font() -> Result<&'static latex_rust::MathFont, FigureError> {
    static FONT: OnceLock<Result<latex_rust::MathFont, String>> = OnceLock::new();
    FONT.get_or_init(|| latex_rust::MathFont::stix_two_math().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| FigureError::new(format!("the math font cannot be read: {e}")))
}

fn draw_math(tex: &str, display: bool) -> Result<(Vec<u8>, Figure), FigureError> {
    use latex_rust::{layout_with_em_size_pt, parse, render_svg, Dim, MathStyle, SvgOptions};
    if tex.trim().is_empty() {
        return Err(FigureError::new("the formula is empty"));
    }
    let font = math_font()?;
    let ast = parse(tex).map_err(|e| FigureError::new(e.to_string()))?;
    let style = if display {
        MathStyle::Display
    } else {
        MathStyle::Text
    };
    // One em = 10 user units in the SVG: whole numbers for the common sizes.
    let em_units = 10.0_f32;
    let em_pt = Dim::from_i64(10);
    let tree = layout_with_em_size_pt(&ast, font, style, &em_pt)
        .map_err(|e| FigureError::new(e.to_string()))?;
    let options = SvgOptions {
        font_size_pt: em_pt,
        // The default theme's text colour: a formula reads as part of the text.
        color: latex_rust::Color::rgb(0x33, 0x33, 0x33),
        display,
    };
    let svg = render_svg(&tree, font, &options).map_err(|e| FigureError::new(e.to_string()))?;
    // See-through, so the formula sits on a quote's or callout's tint like text;
    // a thin white halo keeps the black glyphs readable where WeChat's dark mode
    // puts the picture on a dark page.
    let svg = svg.replacen(
        "<g fill=",
        "<g stroke=\"#fff\" stroke-width=\"0.7\" stroke-linejoin=\"round\" paint-order=\"stroke\" fill=",
        1,
    );
    let number = |d: &Dim| d.to_dec_string().parse::<f32>().unwrap_or(0.0);
    let height = number(&tree.height);
    let usvg = parse_svg(&svg, false)?;
    // The box TeX gave the formula, widened by a pad and by any ink outside it.
    let ink = usvg.root().abs_stroke_bounding_box();
    let pad = MATH_PAD_EM * em_units;
    let size = usvg.size();
    let left = ink.left().min(0.0) - pad;
    let top = ink.top().min(0.0) - pad;
    let right = ink.right().max(size.width()) + pad;
    let bottom = ink.bottom().max(size.height()) + pad;
    let baseline = height * em_units;
    let show_width = (right - left) / em_units;
    let show_height = (bottom - top) / em_units;
    let png = rasterize(
        &usvg,
        (left, top, right, bottom),
        EM_PX * MATH_SCALE / em_units,
        None,
    )?;
    let figure = Figure {
        show_width: round(show_width),
        show_height: round(show_height),
        depth: round((bottom - baseline) / em_units),
        ..png_figure(&png)?
    };
    Ok((png, figure))
}

fn draw_mermaid(source: &str) -> Result<(Vec<u8>, Figure), FigureError> {
    use mermaid_rs_renderer::{render_strict, ParseError, RenderOptions};
    let mut options = RenderOptions::default();
    // Labels in Chinese need a CJK face; the crate's list names Latin ones only.
    options.theme.font_family = format!(
        "{}, \"Noto Sans CJK SC\", \"Noto Sans SC\", \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", sans-serif",
        options.theme.font_family.trim_end_matches(", sans-serif")
    );
    let svg = render_strict(source, options).map_err(|e| {
        let line = match &e {
            ParseError::UnknownParticipant { line, .. } => Some(*line),
            ParseError::UnclosedSubgraph { opened_at } => Some(*opened_at),
            ParseError::UnexpectedToken { line, .. } => Some(*line),
            ParseError::InvalidDirective { line, .. } => Some(*line),
            _ => None,
        };
        FigureError {
            message: e.to_string(),
            line,
        }
    })?;
    let usvg = parse_svg(&svg, true)?;
    let size = usvg.size();
    let scale = DIAGRAM_SCALE.min(MAX_PIXELS_WIDE / size.width().max(1.0));
    // On white: a diagram is a picture of its own, boxes and lines on paper.
    let png = rasterize(
        &usvg,
        (0.0, 0.0, size.width(), size.height()),
        scale,
        Some(resvg::tiny_skia::Color::WHITE),
    )?;
    let figure = Figure {
        show_width: round(size.width()),
        show_height: round(size.height()),
        ..png_figure(&png)?
    };
    Ok((png, figure))
}

fn round(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// The machine's fonts, loaded once per process (diagram labels are text).
fn system_fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

fn parse_svg(svg: &str, text: bool) -> Result<resvg::usvg::Tree, FigureError> {
    use resvg::usvg::{ImageHrefResolver, Options};
    let mut options = Options {
        // Nothing outside the SVG is ever read: no linked or embedded pictures.
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    };
    if text {
        options.fontdb = system_fonts();
    }
    resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| FigureError::new(format!("the drawing is not valid SVG: {e}")))
}

/// The part `(left, top, right, bottom)` of the tree, in its user units, drawn
/// at `scale` device pixels per unit on `background` (else see-through), as PNG.
fn rasterize(
    tree: &resvg::usvg::Tree,
    (left, top, right, bottom): (f32, f32, f32, f32),
    scale: f32,
    background: Option<resvg::tiny_skia::Color>,
) -> Result<Vec<u8>, FigureError> {
    let width = ((right - left) * scale).ceil().max(1.0) as u32;
    let height = ((bottom - top) * scale).ceil().max(1.0) as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).ok_or_else(|| {
        FigureError::new(format!("it is too large to draw ({width}×{height} px)"))
    })?;
    if let Some(color) = background {
        pixmap.fill(color);
    }
    let transform =
        resvg::tiny_skia::Transform::from_translate(-left, -top).post_scale(scale, scale);
    resvg::render(tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| FigureError::new(format!("cannot encode it as PNG: {e}")))
}

fn png_figure(png: &[u8]) -> Result<Figure, FigureError> {
    let size = imagesize::blob_size(png)
        .map_err(|e| FigureError::new(format!("cannot read the PNG drawn: {e}")))?;
    Ok(Figure {
        path: PathBuf::new(),
        width: size.width as u32,
        height: size.height as u32,
        bytes: png.len() as u64,
        show_width: 0.0,
        show_height: 0.0,
        depth: 0.0,
        key: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fraction_is_drawn_taller_than_a_letter() {
        let (png, x) = draw(FigureKind::InlineMath, "x").unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let (_, frac) = draw(FigureKind::InlineMath, r"\frac{a}{b}").unwrap();
        assert!(frac.show_height > x.show_height, "{frac:?} {x:?}");
        assert!(frac.depth > 0.2 && x.depth < 0.3, "{frac:?} {x:?}");
        // Drawn at 3x the theme's 16 px.
        assert_eq!(x.height as f32, (x.show_height * EM_PX * MATH_SCALE).ceil());
    }

    #[test]
    fn bad_tex_is_an_error() {
        let e = draw(FigureKind::DisplayMath, r"\frac{a}{").unwrap_err();
        assert!(!e.message.is_empty());
        assert!(draw(FigureKind::InlineMath, r"\notacommand").is_err());
        assert!(draw(FigureKind::InlineMath, "  ").is_err());
    }

    #[test]
    fn a_mermaid_error_names_its_line() {
        let (png, d) = draw(FigureKind::Mermaid, "flowchart LR\n  A --> B").unwrap();
        assert!(png.starts_with(b"\x89PNG") && d.show_width > 10.0);
        let e = draw(
            FigureKind::Mermaid,
            "flowchart LR\n  A --> B\n  subgraph S\n  C",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
    }

    #[test]
    fn a_second_draw_comes_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (a, drawn) = figure(dir.path(), FigureKind::InlineMath, "e^{i\\pi}").unwrap();
        assert!(drawn && a.path.is_file());
        let (b, drawn) = figure(dir.path(), FigureKind::InlineMath, "e^{i\\pi}").unwrap();
        assert!(!drawn);
        assert_eq!(a, b);
        // Display style is another picture.
        let (c, drawn) = figure(dir.path(), FigureKind::DisplayMath, "e^{i\\pi}").unwrap();
        assert!(drawn && c.key != a.key);
    }
}
