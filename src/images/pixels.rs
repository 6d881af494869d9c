//! Pixel work: variant sizes, redactions burned into the pixels, resizing and encoding.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::{self, FilterType};
use image::{ExtendedColorType, ImageEncoder, ImageError, Rgba, RgbaImage};

use super::spec::RedactMode;

/// The widths of the `srcset` variants; never upscaled.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// The colour of a `block` redaction.
pub const BLOCK_COLOUR: Rgba<u8> = Rgba([40, 40, 40, 255]);

/// The encoded format of a figure's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutFormat {
    Png,
    Jpeg,
}

impl OutFormat {
    pub fn ext(self) -> &'static str {
        match self {
            OutFormat::Png => "png",
            OutFormat::Jpeg => "jpg",
        }
    }
}

/// Height of a `width`-wide variant of a `src_w`x`src_h` image (rounded, at least 1).
pub fn scaled_height(src_w: u32, src_h: u32, width: u32) -> u32 {
    if src_w == 0 {
        return src_h.max(1);
    }
    let num = u64::from(src_h) * u64::from(width) * 2 + u64::from(src_w);
    let h = num / (u64::from(src_w) * 2);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// The variants of a `src_w`x`src_h` image, smallest first: every [`WIDTHS`] entry narrower
/// than the source, plus the source's own width when it is at most the widest entry.
pub fn variant_sizes(src_w: u32, src_h: u32) -> Vec<(u32, u32)> {
    let widest = WIDTHS[WIDTHS.len() - 1];
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < src_w).collect();
    widths.push(src_w.min(widest).max(1));
    widths.sort_unstable();
    widths.dedup();
    widths
        .into_iter()
        .map(|w| (w, scaled_height(src_w, src_h, w)))
        .collect()
}

/// `[x, y, w, h]` intersected with a `w`x`h` image: `(x0, y0, x1, y1)`, end exclusive;
/// `None` when nothing is left.
pub fn clamp_rect(rect: [i64; 4], width: u32, height: u32) -> Option<(u32, u32, u32, u32)> {
    let [x, y, w, h] = rect;
    let clamp = |v: i64, max: u32| v.clamp(0, i64::from(max)) as u32;
    let (x0, x1) = (clamp(x, width), clamp(x.saturating_add(w.max(0)), width));
    let (y0, y1) = (clamp(y, height), clamp(y.saturating_add(h.max(0)), height));
    (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
}

/// The blur radius (and mosaic cell) of a `w`x`h` region: strong, 4..=32 pixels.
pub fn blur_radius(w: u32, h: u32) -> u32 {
    (w.min(h) / 2).clamp(4, 32)
}

/// Burns a redaction into the pixels (call before any resizing).
pub fn redact(img: &mut RgbaImage, rect: [i64; 4], mode: RedactMode) {
    let Some((x0, y0, x1, y1)) = clamp_rect(rect, img.width(), img.height()) else {
        return;
    };
    match mode {
        RedactMode::Block => {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, BLOCK_COLOUR);
                }
            }
        }
        RedactMode::Blur => blur_region(img, x0, y0, x1, y1),
    }
}

/// Averages the region in square cells (which destroys the detail for good), then smooths it
/// with two passes of a box blur. Only pixels inside the region are read.
fn blur_region(img: &mut RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32) {
    let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let r = blur_radius(w as u32, h as u32) as usize;
    let mut buf: Vec<[u32; 4]> = Vec::with_capacity(w * h);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y).0;
            buf.push([p[0].into(), p[1].into(), p[2].into(), p[3].into()]);
        }
    }
    // mosaic
    let cell = r.max(1);
    for cy in (0..h).step_by(cell) {
        for cx in (0..w).step_by(cell) {
            let (ey, ex) = ((cy + cell).min(h), (cx + cell).min(w));
            let mut sum = [0u32; 4];
            for y in cy..ey {
                for x in cx..ex {
                    for (s, v) in sum.iter_mut().zip(buf[y * w + x]) {
                        *s += v;
                    }
                }
            }
            let n = ((ey - cy) * (ex - cx)) as u32;
            let avg = sum.map(|s| (s + n / 2) / n);
            for y in cy..ey {
                for x in cx..ex {
                    buf[y * w + x] = avg;
                }
            }
        }
    }
    for _ in 0..2 {
        box_blur(&mut buf, w, h, r, 1, w); // rows
        box_blur(&mut buf, h, w, r, w, 1); // columns
    }
    for (i, p) in buf.iter().enumerate() {
        let (x, y) = (x0 + (i % w) as u32, y0 + (i / w) as u32);
        img.put_pixel(x, y, Rgba(p.map(|v| v.min(255) as u8)));
    }
}

/// One box-blur pass over `lines` lines of `len` pixels (`step` apart within a line,
/// `stride` apart between lines), edges clamped to the line.
fn box_blur(buf: &mut [[u32; 4]], len: usize, lines: usize, r: usize, step: usize, stride: usize) {
    let mut line = vec![[0u32; 4]; len];
    let window = (2 * r + 1) as u32;
    for l in 0..lines {
        for (i, px) in line.iter_mut().enumerate() {
            *px = buf[l * stride + i * step];
        }
        let at = |i: isize| line[i.clamp(0, len as isize - 1) as usize];
        let mut sum = [0u32; 4];
        for i in -(r as isize)..=(r as isize) {
            for (s, v) in sum.iter_mut().zip(at(i)) {
                *s += v;
            }
        }
        for i in 0..len {
            buf[l * stride + i * step] = sum.map(|s| (s + window / 2) / window);
            let (add, sub) = (at(i as isize + r as isize + 1), at(i as isize - r as isize));
            for c in 0..4 {
                sum[c] = sum[c] + add[c] - sub[c];
            }
        }
    }
}

/// True when every pixel is fully opaque.
pub fn is_opaque(img: &RgbaImage) -> bool {
    img.pixels().all(|p| p.0[3] == 255)
}

/// Resizes (never up) and encodes one variant.
pub fn encode_variant(
    img: &RgbaImage,
    opaque: bool,
    width: u32,
    height: u32,
    format: OutFormat,
) -> Result<Vec<u8>, ImageError> {
    let resized;
    let src = if (width, height) == img.dimensions() {
        img
    } else {
        resized = imageops::resize(img, width, height, FilterType::Lanczos3);
        &resized
    };
    let mut out = Vec::new();
    match format {
        OutFormat::Png => {
            let enc = PngEncoder::new_with_quality(
                &mut out,
                CompressionType::Default,
                PngFilter::Adaptive,
            );
            if opaque {
                let rgb = image::DynamicImage::ImageRgba8(src.clone()).into_rgb8();
                enc.write_image(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)?;
            } else {
                enc.write_image(src.as_raw(), width, height, ExtendedColorType::Rgba8)?;
            }
        }
        OutFormat::Jpeg => {
            let rgb = image::DynamicImage::ImageRgba8(src.clone()).into_rgb8();
            JpegEncoder::new_with_quality(&mut out, 85).write_image(
                rgb.as_raw(),
                width,
                height,
                ExtendedColorType::Rgb8,
            )?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_of_a_wide_non_square_image() {
        assert_eq!(
            variant_sizes(1280, 900),
            [(480, 338), (960, 675), (1280, 900)]
        );
        assert_eq!(
            variant_sizes(2560, 1800),
            [(480, 338), (960, 675), (1440, 1013)]
        );
        // portrait
        assert_eq!(
            variant_sizes(1000, 3000),
            [(480, 1440), (960, 2880), (1000, 3000)]
        );
    }

    #[test]
    fn exact_widths() {
        assert_eq!(variant_sizes(480, 100), [(480, 100)]);
        assert_eq!(variant_sizes(960, 100), [(480, 50), (960, 100)]);
        assert_eq!(
            variant_sizes(1440, 100),
            [(480, 33), (960, 67), (1440, 100)]
        );
        assert_eq!(
            variant_sizes(1441, 100),
            [(480, 33), (960, 67), (1440, 100)]
        );
        assert_eq!(variant_sizes(481, 481), [(480, 480), (481, 481)]);
    }

    #[test]
    fn narrower_than_480_and_tiny() {
        assert_eq!(variant_sizes(320, 200), [(320, 200)]);
        assert_eq!(variant_sizes(1, 1), [(1, 1)]);
        assert_eq!(variant_sizes(1, 5000), [(1, 5000)]);
        // a very wide strip never gets a zero height
        assert_eq!(variant_sizes(10000, 1), [(480, 1), (960, 1), (1440, 1)]);
        assert_eq!(scaled_height(0, 7, 480), 7);
    }

    #[test]
    fn clamping() {
        assert_eq!(
            clamp_rect([10, 20, 30, 40], 100, 100),
            Some((10, 20, 40, 60))
        );
        assert_eq!(clamp_rect([-10, -5, 30, 10], 100, 100), Some((0, 0, 20, 5)));
        assert_eq!(
            clamp_rect([90, 90, 30, 30], 100, 100),
            Some((90, 90, 100, 100))
        );
        assert_eq!(clamp_rect([100, 0, 5, 5], 100, 100), None);
        assert_eq!(clamp_rect([0, 0, 0, 5], 100, 100), None);
        assert_eq!(clamp_rect([0, 0, -5, 5], 100, 100), None);
        assert_eq!(clamp_rect([i64::MAX, 0, i64::MAX, 1], 100, 100), None);
        assert_eq!(clamp_rect([0, 0, 1, 1], 1, 1), Some((0, 0, 1, 1)));
    }

    #[test]
    fn blur_radius_is_strong_but_bounded() {
        assert_eq!(blur_radius(300, 24), 12);
        assert_eq!(blur_radius(2, 2), 4);
        assert_eq!(blur_radius(2000, 2000), 32);
    }

    fn stripes(w: u32, h: u32) -> RgbaImage {
        RgbaImage::from_fn(w, h, |x, _| {
            if x % 2 == 0 {
                Rgba([255, 0, 0, 255])
            } else {
                Rgba([0, 0, 255, 255])
            }
        })
    }

    #[test]
    fn block_fills_only_the_region() {
        let mut img = stripes(20, 10);
        redact(&mut img, [2, 3, 4, 5], RedactMode::Block);
        for (x, y, p) in img.enumerate_pixels() {
            let inside = (2..6).contains(&x) && (3..8).contains(&y);
            assert_eq!(*p == BLOCK_COLOUR, inside, "{x},{y}");
        }
    }

    #[test]
    fn blur_mixes_the_region_and_leaves_the_rest() {
        let src = stripes(40, 20);
        let mut img = src.clone();
        redact(&mut img, [10, 5, 20, 10], RedactMode::Blur);
        for (x, y, p) in img.enumerate_pixels() {
            let inside = (10..30).contains(&x) && (5..15).contains(&y);
            if inside {
                // every pixel is a red/blue mix, none is a pure stripe colour
                assert!(p.0[0] > 60 && p.0[2] > 60, "{x},{y}: {p:?}");
            } else {
                assert_eq!(p, src.get_pixel(x, y), "{x},{y}");
            }
        }
    }

    #[test]
    fn redaction_is_clamped_to_the_image() {
        let mut img = stripes(4, 4);
        redact(&mut img, [-10, -10, 12, 12], RedactMode::Block);
        assert_eq!(*img.get_pixel(1, 1), BLOCK_COLOUR);
        assert_ne!(*img.get_pixel(2, 2), BLOCK_COLOUR);
        redact(&mut img, [3, 3, 100, 100], RedactMode::Blur);
        redact(&mut img, [50, 50, 1, 1], RedactMode::Blur);
        let mut one = stripes(1, 1);
        redact(&mut one, [0, 0, 1, 1], RedactMode::Blur);
        assert_eq!(one.get_pixel(0, 0).0, [255, 0, 0, 255]);
    }

    #[test]
    fn encodes_decodable_variants() {
        let img = stripes(30, 20);
        let png = encode_variant(&img, true, 15, 10, OutFormat::Png).unwrap();
        let back = image::load_from_memory(&png).unwrap();
        assert_eq!((back.width(), back.height()), (15, 10));
        assert!(!back.color().has_alpha());
        let same = encode_variant(&img, false, 30, 20, OutFormat::Png).unwrap();
        assert_eq!(image::load_from_memory(&same).unwrap().to_rgba8(), img);
        let jpg = encode_variant(&img, true, 30, 20, OutFormat::Jpeg).unwrap();
        assert_eq!(image::guess_format(&jpg).unwrap(), image::ImageFormat::Jpeg);
    }
}
