//! The cover crops of `draft/add`: `pic_crop_235_1` (the headline's 2.35:1 cover in
//! the chat list) and `pic_crop_1_1` (the square thumbnail of a second article, and
//! of shares). Defined once here: `publish` computes and sends them, the sandbox
//! parses and checks them with the same code, and the preview draws them.
//!
//! Format (新增草稿 / draft_add, field `pic_crop_235_1`:
//! <https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_add>):
//! a string `X1_Y1_X2_Y2`, the crop's top-left (X1, Y1) and bottom-right (X2, Y2)
//! corners in a coordinate system where the cover's top-left corner is (0, 0) and
//! its bottom-right corner is (1, 1). The page's example is `0.1945_0_1_0.5236`.
//! What could not be confirmed from the page text available while writing this:
//! the limit of six decimal places (we never write more than six, so it cannot
//! matter), and any errcode for a malformed or out-of-range value (the page lists
//! none; the sandbox answers 40097 "invalid args", WeChat's generic one, and this
//! is the one place to change it). Developers in WeChat's forum who sent pixel
//! values (`0_0_383_383`) report the crop is ignored, which agrees with 0..1.

use std::fmt;

/// The headline cover's shape: 2.35 wide for 1 high.
pub const RATIO_235_1: f64 = 2.35;
/// The thumbnail's shape: square.
pub const RATIO_1_1: f64 = 1.0;
/// How far a crop's shape, in the cover's pixels, may be from its ratio: relative,
/// enough for six-decimal rounding on an image of a few pixels.
pub const RATIO_TOLERANCE: f64 = 0.02;

/// A crop of the cover, in 0..1 of its width (x) and height (y).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crop {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

/// A point of the cover in 0..1 of its width and height that a crop keeps in
/// view, as near its middle as the cover allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Focus {
    pub const CENTER: Focus = Focus { x: 0.5, y: 0.5 };
    /// The middle of the top edge: a crop as high up as it goes.
    pub const TOP: Focus = Focus { x: 0.5, y: 0.0 };
}

impl Crop {
    /// The largest rectangle of `ratio` (width / height, in pixels) inside a
    /// `width` × `height` cover, centred on `focus` and moved back inside the
    /// cover where it would stick out. A zero-sized cover gets the whole image.
    pub fn around(width: u32, height: u32, ratio: f64, focus: Focus) -> Crop {
        if width == 0 || height == 0 || ratio <= 0.0 {
            return Crop::WHOLE;
        }
        let (w, h) = (f64::from(width), f64::from(height));
        // The crop's size as a fraction of the cover's: full width or full height.
        let (cw, ch) = if w / h > ratio {
            (h * ratio / w, 1.0)
        } else {
            (1.0, w / ratio / h)
        };
        let place = |size: f64, at: f64| (at.clamp(0.0, 1.0) - size / 2.0).clamp(0.0, 1.0 - size);
        let (x1, y1) = (place(cw, focus.x), place(ch, focus.y));
        Crop {
            x1,
            y1,
            x2: x1 + cw,
            y2: y1 + ch,
        }
        .rounded()
    }

    pub const WHOLE: Crop = Crop {
        x1: 0.0,
        y1: 0.0,
        x2: 1.0,
        y2: 1.0,
    };

    /// Six decimal places at most, inside 0..1.
    fn rounded(self) -> Crop {
        let r = |v: f64| ((v * 1e6).round() / 1e6).clamp(0.0, 1.0);
        Crop {
            x1: r(self.x1),
            y1: r(self.y1),
            x2: r(self.x2),
            y2: r(self.y2),
        }
    }

    /// The `X1_Y1_X2_Y2` string of `draft/add`.
    pub fn param(&self) -> String {
        self.to_string()
    }

    /// Reads an `X1_Y1_X2_Y2` string: four numbers in 0..1 with X1 < X2 and Y1 < Y2.
    pub fn parse(text: &str) -> Result<Crop, String> {
        let parts: Vec<&str> = text.split('_').collect();
        let [x1, y1, x2, y2] = parts.as_slice() else {
            return Err(format!(
                "`{text}` is not X1_Y1_X2_Y2 (four numbers joined by `_`)"
            ));
        };
        let num = |s: &str| -> Result<f64, String> {
            let v: f64 = s
                .parse()
                .map_err(|_| format!("`{s}` in `{text}` is not a number"))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{s} in `{text}` is outside 0..1"));
            }
            Ok(v)
        };
        let crop = Crop {
            x1: num(x1)?,
            y1: num(y1)?,
            x2: num(x2)?,
            y2: num(y2)?,
        };
        if crop.x1 >= crop.x2 || crop.y1 >= crop.y2 {
            return Err(format!(
                "`{text}`: the top-left corner must be above and left of the bottom-right one"
            ));
        }
        Ok(crop)
    }

    /// The crop's shape in the pixels of a `width` × `height` cover.
    pub fn ratio_in(&self, width: u32, height: u32) -> f64 {
        ((self.x2 - self.x1) * f64::from(width)) / ((self.y2 - self.y1) * f64::from(height))
    }

    /// Whether the crop has `ratio`'s shape on a `width` × `height` cover, within
    /// [`RATIO_TOLERANCE`].
    pub fn has_ratio(&self, width: u32, height: u32, ratio: f64) -> bool {
        (self.ratio_in(width, height) / ratio - 1.0).abs() <= RATIO_TOLERANCE
    }

    /// CSS that shows exactly this crop of an image as a box's background:
    /// `background-size` and `background-position` in percent.
    pub fn css_background(&self) -> String {
        let (w, h) = (self.x2 - self.x1, self.y2 - self.y1);
        // background-position p% puts the image's p% point on the box's p% point:
        // the crop's left edge x1 lands on the box's left edge when p = x1 / (1 - w).
        let pos = |start: f64, size: f64| {
            if size >= 1.0 {
                0.0
            } else {
                start / (1.0 - size) * 100.0
            }
        };
        format!(
            "background-size: {:.4}% {:.4}%; background-position: {:.4}% {:.4}%",
            100.0 / w,
            100.0 / h,
            pos(self.x1, w),
            pos(self.y1, h)
        )
    }
}

impl fmt::Display for Crop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shortest text for each value: 0, 1, 0.1945.
        let n = |v: f64| {
            let s = format!("{v:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s.is_empty() {
                "0".to_string()
            } else {
                s.to_string()
            }
        };
        write!(
            f,
            "{}_{}_{}_{}",
            n(self.x1),
            n(self.y1),
            n(self.x2),
            n(self.y2)
        )
    }
}

/// Both crops of a cover for a focus point.
pub fn crops(width: u32, height: u32, focus: Focus) -> (Crop, Crop) {
    (
        Crop::around(width, height, RATIO_235_1, focus),
        Crop::around(width, height, RATIO_1_1, focus),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn landscape_center_keeps_full_height_for_the_square() {
        // 4000×3000: the square is 3000×3000, centred: x from 500/4000.
        let (wide, square) = crops(4000, 3000, Focus::CENTER);
        assert_eq!(square.param(), "0.125_0_0.875_1");
        // 2.35:1 at full width: 4000 × 1702.13 px, centred vertically.
        assert!(approx(wide.x1, 0.0) && approx(wide.x2, 1.0), "{wide:?}");
        let h = 4000.0 / 2.35 / 3000.0;
        assert!(
            approx(wide.y2 - wide.y1, (h * 1e6f64).round() / 1e6),
            "{wide:?}"
        );
        assert!(approx(wide.y1, ((1.0 - h) / 2.0 * 1e6f64).round() / 1e6));
        assert!(wide.has_ratio(4000, 3000, RATIO_235_1));
        assert!(square.has_ratio(4000, 3000, RATIO_1_1));
    }

    #[test]
    fn top_focus_moves_crops_up() {
        let (wide, square) = crops(4000, 3000, Focus::TOP);
        assert_eq!(wide.y1, 0.0);
        // The square already spans the full height: top changes nothing.
        assert_eq!(square.param(), "0.125_0_0.875_1");
        let (wide, square) = crops(1000, 3000, Focus::TOP);
        assert_eq!((wide.y1, square.y1), (0.0, 0.0));
        assert_eq!(square.param(), "0_0_1_0.333333");
    }

    #[test]
    fn a_point_is_kept_and_the_crop_stays_inside() {
        // Focus at the right edge: the square is pushed left until it fits.
        let square = Crop::around(4000, 3000, RATIO_1_1, Focus { x: 1.0, y: 0.5 });
        assert_eq!(square.param(), "0.25_0_1_1");
        let square = Crop::around(4000, 3000, RATIO_1_1, Focus { x: 0.4, y: 0.5 });
        // 0.4 − 0.375 = 0.025: centred on the point.
        assert_eq!(square.param(), "0.025_0_0.775_1");
        assert!(approx((square.x1 + square.x2) / 2.0, 0.4));
        let wide = Crop::around(4000, 3000, RATIO_235_1, Focus { x: 0.5, y: 0.9 });
        assert!(approx(wide.y2, 1.0), "{wide:?}");
    }

    #[test]
    fn portrait_covers() {
        // 1080×1920: the 2.35:1 crop is full width and 459.6 px high.
        let (wide, square) = crops(1080, 1920, Focus::CENTER);
        assert!(approx(wide.x2 - wide.x1, 1.0));
        assert!(wide.has_ratio(1080, 1920, RATIO_235_1), "{wide:?}");
        assert!(approx(square.x2 - square.x1, 1.0));
        assert!(approx(square.y2 - square.y1, 0.5625));
        assert!(approx(square.y1, 0.21875));
    }

    #[test]
    fn tiny_and_degenerate_images() {
        for (w, h) in [(1, 1), (3, 1), (1, 3), (7, 3), (2, 1)] {
            let (wide, square) = crops(w, h, Focus { x: 0.9, y: 0.1 });
            for (c, r) in [(wide, RATIO_235_1), (square, RATIO_1_1)] {
                assert!(
                    c.x1 >= 0.0 && c.y1 >= 0.0 && c.x2 <= 1.0 && c.y2 <= 1.0,
                    "{c:?}"
                );
                assert!(c.has_ratio(w, h, r), "{w}×{h} {c:?}");
                assert_eq!(Crop::parse(&c.param()), Ok(c));
            }
        }
        assert_eq!(crops(0, 10, Focus::CENTER).0, Crop::WHOLE);
    }

    #[test]
    fn exact_ratio_image_is_whole() {
        assert_eq!(crops(2350, 1000, Focus::TOP).0.param(), "0_0_1_1");
        assert_eq!(crops(500, 500, Focus::TOP).1.param(), "0_0_1_1");
    }

    // 0.5236 is from WeChat's example, not an approximation of π/6.
    #[allow(clippy::approx_constant)]
    #[test]
    fn parse_refuses_what_is_not_a_crop() {
        assert_eq!(
            Crop::parse("0.1945_0_1_0.5236"),
            Ok(Crop {
                x1: 0.1945,
                y1: 0.0,
                x2: 1.0,
                y2: 0.5236
            })
        );
        for bad in [
            "",
            "0_0_1",
            "0,0,1,1",
            "0_0_383_383",
            "a_0_1_1",
            "0.5_0_0.2_1",
            "0_0_1_1_1",
            "-0.1_0_1_1",
        ] {
            assert!(Crop::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn css_shows_the_crop() {
        let c = Crop::parse("0.125_0_0.875_1").unwrap();
        assert_eq!(
            c.css_background(),
            "background-size: 133.3333% 100.0000%; background-position: 50.0000% 0.0000%"
        );
        assert_eq!(
            Crop::WHOLE.css_background(),
            "background-size: 100.0000% 100.0000%; background-position: 0.0000% 0.0000%"
        );
    }
}
