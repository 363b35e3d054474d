//! Processing time of one phone photo through the image pipeline:
//!
//!     cargo bench --bench images -- [RUNS]      (default: 5)
//!
//! A 4032×3024 noisy JPEG of about 5 MB (made here, nothing to download) is
//! decoded, scaled to 1080 px and re-encoded under the upload limit, with no
//! cache: the cost of the first build of a post with such a photo.

use std::time::{Duration, Instant};

fn main() {
    let runs: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let source = photo(4032, 3024);
    let settings = wxpress::images::Settings::default();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let (data, processed) = wxpress::images::convert(&source, &settings).unwrap();
        times.push(t.elapsed());
        last = Some((data.len(), processed));
    }
    times.sort();
    let (bytes, processed) = last.expect("at least one run");
    println!(
        "one {} JPEG, {} runs: median {:?}, fastest {:?} → {} bytes, {}×{} ({})",
        wxpress::images::size(source.len() as u64),
        runs,
        times[times.len() / 2],
        times.first().copied().unwrap_or(Duration::ZERO),
        bytes,
        processed.width,
        processed.height,
        processed.note.unwrap_or_default()
    );
}

/// Faint noise over a gradient, at quality 95: about 5 MB, like a phone's photo.
fn photo(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x9e37_79b9_u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x07) as u8;
        image::Rgb([
            (x / 16) as u8 ^ n,
            (y / 12) as u8 ^ (n >> 1),
            n.wrapping_mul(5),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out
}
