//! Images as WeChat takes them: every picture a writer has (JPEG, PNG, WebP, GIF,
//! BMP, TIFF) becomes a JPEG or PNG that `media/uploadimg` accepts: turned upright
//! by its EXIF orientation, at most `[images] max_width` wide, under
//! `[images] max_bytes`, without its metadata (camera, location) unless
//! `keep_metadata` is set.
//!
//! The writer's files are never changed. Results go to a content-addressed cache,
//! `.wxpress/cache/images/<hash>.<ext>` with a `<hash>.json` beside it, keyed by
//! the source bytes and the settings: a rebuild, a `serve` reload or a publish
//! finds the work done and decodes nothing.
//!
//! WeChat's limits (the `media/uploadimg` page, cited in [`crate::wechat::limits`]):
//! JPG or PNG, under 1 MB. Article bodies may only use images uploaded there, so
//! an animated GIF keeps its first frame only, and the note says so.

pub mod figures;
mod remote;

pub use figures::{Figure, FigureError, FigureKind, FIGURE_CACHE_DIR};
pub use remote::{fetch, file_name as remote_file_name, FetchOptions, Remote, REMOTE_CACHE_DIR};

use crate::config::ImagesConfig;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where processed images are kept, under the site root.
pub const CACHE_DIR: &str = ".wxpress/cache/images";
/// Part of every cache key: bump it when the processing changes its output.
const VERSION: &str = "wxpress-image-v1";
/// The lowest JPEG quality the search goes to before it makes the image smaller.
const MIN_QUALITY: u8 = 40;
/// Below this width an image that still does not fit is given up on.
const MIN_WIDTH: u32 = 64;

/// `[images]` with its defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub max_width: u32,
    pub max_bytes: u64,
    pub jpeg_quality: u8,
    pub keep_metadata: bool,
}

impl Settings {
    pub fn from_config(c: &ImagesConfig) -> Settings {
        Settings {
            max_width: c.max_width(),
            max_bytes: c.max_bytes(),
            jpeg_quality: c.jpeg_quality(),
            keep_metadata: c.keep_metadata,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(&ImagesConfig::default())
    }
}

/// What WeChat receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Jpeg,
    Png,
}

impl Kind {
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
        }
    }

    /// Whether a file name's extension already says this kind.
    pub fn matches_ext(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            Kind::Jpeg => ext == "jpg" || ext == "jpeg",
            Kind::Png => ext == "png",
        }
    }
}

/// A processed image, ready to copy into `public/` and to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processed {
    /// The file in the cache.
    #[serde(skip)]
    pub path: PathBuf,
    pub kind: Kind,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// What the conversion did, e.g. "3.8 MB JPEG → 612 KB JPEG, 1080 px";
    /// `None` when the file goes out as written (its metadata aside).
    pub note: Option<String>,
}

/// Work done by a [`Pipeline`]: images converted, images found in the cache,
/// remote images downloaded, formulas and diagrams drawn and found drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub processed: usize,
    pub cached: usize,
    pub fetched: usize,
    pub drawn: usize,
    pub drawn_cached: usize,
}

/// How long a cache entry no build has used is kept: long enough that switching
/// to an old branch and back converts nothing again.
pub const CACHE_KEEP: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// What [`Pipeline::prune`] deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub files: usize,
    pub bytes: u64,
}

/// Marks a cache entry as used now (its modification time), for [`Pipeline::prune`].
/// A failure only means the entry may be pruned a little early.
pub fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// [`touch`]es an entry (and its companion file) only when its mark is more than
/// a day old: a rebuild of 10,000 posts then opens no cache file to mark it.
pub fn touch_if_stale(meta: &std::fs::Metadata, paths: &[&Path]) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    let fresh = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_some_and(|age| age < DAY);
    if !fresh {
        paths.iter().for_each(|p| touch(p));
    }
}

/// The local copy of a remote image, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteFile {
    /// The original, in `.wxpress/cache/remote/`: process it like a local file.
    Local(PathBuf),
    /// Remote images are left remote ([`Remote::Off`]).
    Off,
    /// Not fetched yet, and this run fetches nothing ([`Remote::CacheOnly`]).
    NotFetched,
    /// The fetch failed: why.
    Failed(String),
}

/// The image processor of one site, shared by every post (and thread) of a run.
#[derive(Debug)]
pub struct Pipeline {
    dir: PathBuf,
    remote_dir: PathBuf,
    figure_dir: PathBuf,
    settings: Settings,
    remote: Remote,
    processed: AtomicUsize,
    cached: AtomicUsize,
    fetched: AtomicUsize,
    drawn: AtomicUsize,
    drawn_cached: AtomicUsize,
    /// Sources already processed by this pipeline, with the size and
    /// modification time they had: a column's default cover or a shared picture
    /// is read and hashed once per build, not once per post.
    seen: std::sync::Mutex<std::collections::HashMap<PathBuf, (FileStamp, Processed)>>,
}

/// A file's size and modification time: it changes when the file is written.
type FileStamp = (u64, Option<std::time::SystemTime>);

impl Pipeline {
    /// A pipeline that uses remote images already fetched but fetches none
    /// ([`Remote::CacheOnly`]); see [`Pipeline::set_remote`].
    pub fn new(root: &Path, settings: Settings) -> Pipeline {
        Pipeline {
            dir: root.join(CACHE_DIR),
            remote_dir: root.join(REMOTE_CACHE_DIR),
            figure_dir: root.join(FIGURE_CACHE_DIR),
            settings,
            remote: Remote::CacheOnly,
            processed: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
            fetched: AtomicUsize::new(0),
            drawn: AtomicUsize::new(0),
            drawn_cached: AtomicUsize::new(0),
            seen: Default::default(),
        }
    }

    /// What this run does with remote images.
    pub fn set_remote(&mut self, remote: Remote) {
        self.remote = remote;
    }

    pub fn remote(&self) -> Remote {
        self.remote
    }

    /// The local copy of the image at `url`: from the cache, or fetched now when
    /// this run fetches. A failed fetch is not cached: the next build tries again.
    pub fn remote_file(&self, url: &str) -> RemoteFile {
        if self.remote == Remote::Off {
            return RemoteFile::Off;
        }
        let path = self.remote_dir.join(remote::cache_key(url));
        if let Some(meta) = std::fs::metadata(&path).ok().filter(|m| m.is_file()) {
            touch_if_stale(&meta, &[&path]);
            return RemoteFile::Local(path);
        }
        let Remote::Fetch(opts) = self.remote else {
            return RemoteFile::NotFetched;
        };
        let bytes = match fetch(url, &opts) {
            Ok(bytes) => bytes,
            Err(why) => return RemoteFile::Failed(why),
        };
        self.fetched.fetch_add(1, Ordering::Relaxed);
        match store_in(&self.remote_dir, &path, &bytes) {
            Ok(()) => RemoteFile::Local(path),
            Err(e) => RemoteFile::Failed(format!(
                "cannot write the cache {}: {e}",
                self.remote_dir.to_string_lossy()
            )),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Counts since this pipeline was made.
    pub fn stats(&self) -> Stats {
        Stats {
            processed: self.processed.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
            fetched: self.fetched.load(Ordering::Relaxed),
            drawn: self.drawn.load(Ordering::Relaxed),
            drawn_cached: self.drawn_cached.load(Ordering::Relaxed),
        }
    }

    /// A formula or diagram drawn as a PNG: from the cache, or drawn now.
    pub fn figure(&self, kind: FigureKind, source: &str) -> Result<Figure, FigureError> {
        let (figure, drawn) = figures::figure(&self.figure_dir, kind, source)?;
        let counter = if drawn {
            &self.drawn
        } else {
            &self.drawn_cached
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(figure)
    }

    /// The processed form of `source`, from the cache or made now. The error says
    /// why the file cannot be read as an image at all (or the cache not written).
    pub fn process(&self, source: &Path) -> Result<Processed, String> {
        let stamp: Option<FileStamp> = std::fs::metadata(source)
            .ok()
            .map(|m| (m.len(), m.modified().ok()));
        let remembered = |stamp: FileStamp| {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let (was, processed) = seen.get(source)?;
            (*was == stamp && processed.path.is_file()).then(|| processed.clone())
        };
        if let Some(hit) = stamp.and_then(remembered) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let processed = self.process_bytes(source)?;
        if let Some(stamp) = stamp {
            self.seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(source.to_path_buf(), (stamp, processed.clone()));
        }
        Ok(processed)
    }

    /// [`Pipeline::process`] without the memory of sources seen before.
    fn process_bytes(&self, source: &Path) -> Result<Processed, String> {
        let bytes = std::fs::read(source).map_err(|e| format!("cannot read it: {e}"))?;
        let key = self.key(&bytes);
        let meta_path = self.dir.join(format!("{key}.json"));
        if let Some(hit) = self.cached(&key, &meta_path) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let (data, mut processed) = convert(&bytes, &self.settings)?;
        processed.path = self.dir.join(format!("{key}.{}", processed.kind.ext()));
        self.store(&processed.path, &data)
            .and_then(|()| {
                let json = serde_json::to_vec(&processed).expect("Processed serializes");
                self.store(&meta_path, &json)
            })
            .map_err(|e| {
                format!(
                    "cannot write the image cache {}: {e}",
                    self.dir.to_string_lossy()
                )
            })?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        Ok(processed)
    }

    fn key(&self, bytes: &[u8]) -> String {
        let s = &self.settings;
        let mut h = Sha256::new();
        h.update(VERSION.as_bytes());
        h.update(
            format!(
                "\0{} {} {} {}\0",
                s.max_width, s.max_bytes, s.jpeg_quality, s.keep_metadata
            )
            .as_bytes(),
        );
        h.update(bytes);
        h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn cached(&self, key: &str, meta_path: &Path) -> Option<Processed> {
        let mut hit: Processed = serde_json::from_slice(&std::fs::read(meta_path).ok()?).ok()?;
        hit.path = self.dir.join(format!("{key}.{}", hit.kind.ext()));
        let meta = std::fs::metadata(&hit.path).ok()?;
        if meta.len() != hit.bytes {
            return None;
        }
        touch_if_stale(&meta, &[&hit.path, meta_path]);
        Some(hit)
    }

    /// Deletes the entries of the three caches (images, remote, figures) that no
    /// run has used for `keep`: every hit marks its entry as used, so after a full
    /// build only what no post needs any more, or a config change left behind, is
    /// old. A file that cannot be read or deleted is left alone.
    pub fn prune(&self, keep: std::time::Duration) -> Pruned {
        let Some(cutoff) = std::time::SystemTime::now().checked_sub(keep) else {
            return Pruned::default();
        };
        let mut pruned = Pruned::default();
        for dir in [&self.dir, &self.remote_dir, &self.figure_dir] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(meta) = entry.metadata() else { continue };
                let old = meta.modified().is_ok_and(|m| m < cutoff);
                if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
                    pruned.files += 1;
                    pruned.bytes += meta.len();
                }
            }
        }
        pruned
    }

    /// Written whole or not at all: a temporary file renamed into place, so two
    /// threads (or runs) making the same entry never see half of one.
    fn store(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        store_in(&self.dir, path, data)
    }
}

/// Writes `path` (in `dir`) whole or not at all.
fn store_in(dir: &Path, path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, data)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The bytes to send and what they are. Pure: no file system.
pub fn convert(bytes: &[u8], s: &Settings) -> Result<(Vec<u8>, Processed), String> {
    let format = image::guess_format(bytes).map_err(|_| {
        "it is not an image wxpress can read (JPEG, PNG, WebP, GIF, BMP or TIFF)".to_string()
    })?;
    let name = format_name(format);
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(|e| format!("it is not a readable {name} image: {e}"))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = decoder.dimensions();
    let kind = match format {
        ImageFormat::Jpeg => Some(Kind::Jpeg),
        ImageFormat::Png => Some(Kind::Png),
        _ => None,
    };
    // Already what WeChat takes: sent as written, less its metadata.
    if let Some(kind) = kind {
        if orientation == Orientation::NoTransforms
            && width <= s.max_width
            && bytes.len() as u64 <= s.max_bytes
        {
            let data = if s.keep_metadata {
                Some(bytes.to_vec())
            } else {
                // `None`: not walkable as segments or chunks; decoded and encoded below.
                strip_metadata(kind, bytes)
            };
            if let Some(data) = data {
                let processed = Processed {
                    path: PathBuf::new(),
                    kind,
                    width,
                    height,
                    bytes: data.len() as u64,
                    note: None,
                };
                return Ok((data, processed));
            }
        }
    }
    let animated = is_animated(format, bytes);
    let mut img = DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("it is not a readable {name} image: {e}"))?;
    img.apply_orientation(orientation);
    if img.width() > s.max_width {
        img = img.resize(s.max_width, u32::MAX, FilterType::CatmullRom);
    }
    let transparent = has_transparency(&img);
    // Lossless sources (screenshots, drawings) stay PNG when they fit; photos and
    // anything that does not fit as PNG become JPEG, unless they are see-through.
    let lossless = matches!(
        format,
        ImageFormat::Png | ImageFormat::Gif | ImageFormat::Bmp
    );
    let (data, kind, img) = loop {
        if transparent || lossless {
            let png = encode_png(&img)?;
            if png.len() as u64 <= s.max_bytes {
                break (png, Kind::Png, img);
            }
        }
        if !transparent {
            if let Some(jpeg) = encode_jpeg_under(&img, s)? {
                break (jpeg, Kind::Jpeg, img);
            }
        }
        // Still too large: a quarter smaller, and again.
        let smaller = img.width() * 3 / 4;
        if smaller < MIN_WIDTH {
            return Err(format!(
                "it cannot be made smaller than {} bytes",
                s.max_bytes
            ));
        }
        img = img.resize(smaller, u32::MAX, FilterType::CatmullRom);
    };
    let mut note = format!(
        "{} {name} → {} {}, {} px",
        size(bytes.len() as u64),
        size(data.len() as u64),
        match kind {
            Kind::Jpeg => "JPEG",
            Kind::Png => "PNG",
        },
        img.width()
    );
    if orientation != Orientation::NoTransforms {
        note.push_str(", turned upright by its EXIF orientation");
    }
    if animated {
        note.push_str(&format!(
            "; animated {name}: only its first frame is kept (WeChat's article images are JPG or PNG)"
        ));
    }
    let processed = Processed {
        path: PathBuf::new(),
        kind,
        width: img.width(),
        height: img.height(),
        bytes: data.len() as u64,
        note: Some(note),
    };
    Ok((data, processed))
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        ImageFormat::Bmp => "BMP",
        ImageFormat::Tiff => "TIFF",
        _ => "image",
    }
}

/// "3.8 MB", "612 KB".
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn is_animated(format: ImageFormat, bytes: &[u8]) -> bool {
    use image::AnimationDecoder;
    match format {
        ImageFormat::Gif => image::codecs::gif::GifDecoder::new(Cursor::new(bytes))
            .is_ok_and(|d| d.into_frames().take(2).count() > 1),
        ImageFormat::WebP => image::codecs::webp::WebPDecoder::new(Cursor::new(bytes))
            .is_ok_and(|d| d.has_animation()),
        _ => false,
    }
}

fn has_transparency(img: &DynamicImage) -> bool {
    img.color().has_alpha() && img.to_rgba8().pixels().any(|p| p.0[3] < 255)
}

fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Best, PngFilter::Adaptive);
    let img = match img {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => img.clone(),
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    encoder
        .write_image(
            img.as_bytes(),
            img.width(),
            img.height(),
            img.color().into(),
        )
        .map_err(|e| format!("cannot encode it as PNG: {e}"))?;
    Ok(out)
}

fn encode_jpeg(rgb: &image::RgbImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(rgb)
        .map_err(|e| format!("cannot encode it as JPEG: {e}"))?;
    Ok(out)
}

/// The best quality from `jpeg_quality` down to [`MIN_QUALITY`] that fits under
/// `max_bytes` (a binary search: five or six encodings at most), or `None`.
fn encode_jpeg_under(img: &DynamicImage, s: &Settings) -> Result<Option<Vec<u8>>, String> {
    let rgb = img.to_rgb8();
    let first = encode_jpeg(&rgb, s.jpeg_quality)?;
    if first.len() as u64 <= s.max_bytes {
        return Ok(Some(first));
    }
    let (mut lo, mut hi) = (MIN_QUALITY, s.jpeg_quality.saturating_sub(1));
    let mut best = None;
    while lo <= hi {
        let q = lo + (hi - lo) / 2;
        let data = encode_jpeg(&rgb, q)?;
        if data.len() as u64 <= s.max_bytes {
            best = Some(data);
            lo = q + 1;
        } else if q == 0 {
            break;
        } else {
            hi = q - 1;
        }
    }
    Ok(best)
}

/// The file without its metadata, losslessly: a JPEG less its APP1 (EXIF, XMP),
/// APP13 (IPTC) and comment segments; a PNG less its text, EXIF and time chunks.
/// `None` when the file cannot be walked that way.
pub fn strip_metadata(kind: Kind, bytes: &[u8]) -> Option<Vec<u8>> {
    match kind {
        Kind::Jpeg => strip_jpeg(bytes),
        Kind::Png => strip_png(bytes),
    }
}

fn strip_jpeg(b: &[u8]) -> Option<Vec<u8>> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    loop {
        if i + 2 > b.len() || b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        match marker {
            0xFF => i += 1, // fill byte
            // Start of scan: the image data, kept as it is to the end.
            0xDA => {
                out.extend_from_slice(&b[i..]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&b[i..i + 2]);
                i += 2;
            }
            _ => {
                let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
                if len < 2 || i + 2 + len > b.len() {
                    return None;
                }
                if !matches!(marker, 0xE1 | 0xED | 0xFE) {
                    out.extend_from_slice(&b[i..i + 2 + len]);
                }
                i += 2 + len;
            }
        }
    }
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !b.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIGNATURE);
    let mut i = SIGNATURE.len();
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes(b[i..i + 4].try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        let kind = &b[i + 4..i + 8];
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::default()
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        encode_jpeg(&img, 90).unwrap()
    }

    #[test]
    fn small_jpeg_goes_out_as_written_less_its_exif() {
        let plain = jpeg(200, 100);
        // An APP1 "Exif" segment after SOI, as a phone writes one.
        let mut with_exif = plain[..2].to_vec();
        let payload = b"Exif\0\0GPS-secret";
        with_exif.extend_from_slice(&[0xFF, 0xE1, 0, (payload.len() + 2) as u8]);
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&plain[2..]);
        let (data, p) = convert(&with_exif, &settings()).unwrap();
        assert_eq!(data, plain);
        assert_eq!((p.kind, p.width, p.note), (Kind::Jpeg, 200, None));
        let keep = Settings {
            keep_metadata: true,
            ..settings()
        };
        assert_eq!(convert(&with_exif, &keep).unwrap().0, with_exif);
    }

    #[test]
    fn wide_images_are_scaled_to_max_width() {
        let (data, p) = convert(&jpeg(2000, 1000), &settings()).unwrap();
        assert_eq!((p.kind, p.width, p.height), (Kind::Jpeg, 1080, 540));
        let note = p.note.unwrap();
        assert!(
            note.contains(" JPEG → ") && note.ends_with(" JPEG, 1080 px"),
            "{note}"
        );
        assert_eq!(image::load_from_memory(&data).unwrap().width(), 1080);
    }

    #[test]
    fn a_source_is_read_once_until_it_changes() {
        let site = tempfile::tempdir().unwrap();
        let pipeline = Pipeline::new(site.path(), settings());
        let source = site.path().join("cover.jpg");
        std::fs::write(&source, jpeg(200, 100)).unwrap();
        let first = pipeline.process(&source).unwrap();
        assert_eq!(pipeline.process(&source).unwrap(), first);
        assert_eq!(
            (pipeline.stats().processed, pipeline.stats().cached),
            (1, 1)
        );

        // Rewritten with other pixels: its size and time change, so it is read again.
        std::fs::write(&source, jpeg(300, 100)).unwrap();
        let second = pipeline.process(&source).unwrap();
        assert_eq!((second.width, second.height), (300, 100));
        assert_ne!(second.path, first.path);
        assert_eq!(pipeline.stats().processed, 2);
    }

    #[test]
    fn unreadable_files_are_errors() {
        let e = convert(b"not an image at all", &settings()).unwrap_err();
        assert!(e.contains("not an image wxpress can read"), "{e}");
        let mut broken = jpeg(10, 10);
        broken.truncate(20);
        assert!(convert(&broken, &settings()).is_err());
    }

    #[test]
    fn sizes_read_like_a_person_writes_them() {
        assert_eq!(size(3_984_588), "3.8 MB");
        assert_eq!(size(626_000), "612 KB");
    }
}
