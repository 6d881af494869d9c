//! The HTML of a figure: a link (opening the full-size image) around a responsive `<img>`, an
//! SVG overlay with the numbered call-outs, and a caption that also lists them as text.

use std::fmt::Write;

use super::spec::{FigureSpec, Shape};
use super::Variant;
use crate::templates::html_escape as esc;

/// The `sizes` attribute: the content column is at most 46rem wide.
pub const SIZES: &str = "(min-width: 48rem) 46rem, 100vw";

/// The class that marks a figure (and tells the page it needs figure.js).
pub const FIGURE_CLASS: &str = "eg-figure";

/// The call-out colour (a dark red with AA contrast against white text).
const MARK: &str = "#c8102e";

/// Radius of a numbered marker in source pixels: about 1.6% of the width, bounded.
pub fn marker_radius(w: u32, h: u32) -> f64 {
    let r = (f64::from(w) * 0.016).clamp(9.0, 36.0);
    r.min(f64::from(w.min(h)) / 2.0).max(1.0)
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A numbered marker centred on (cx, cy), moved inside the image.
fn marker(out: &mut String, n: u32, cx: f64, cy: f64, r: f64, w: u32, h: u32) {
    let cx = cx.clamp(r, (f64::from(w) - r).max(r));
    let cy = cy.clamp(r, (f64::from(h) - r).max(r));
    let _ = write!(
        out,
        "<g class=\"eg-callout-marker\"><circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{MARK}\" stroke=\"#fff\" stroke-width=\"{sw}\"/><text x=\"{x}\" y=\"{y}\" font-size=\"{fs}\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"#fff\" font-weight=\"700\" font-family=\"system-ui, sans-serif\">{n}</text></g>",
        x = num(cx),
        y = num(cy),
        r = num(r),
        sw = num((r * 0.15).max(1.0)),
        fs = num(r * 1.15),
    );
}

/// Where the number of a box call-out goes: beside the box, so that it hides none of what the
/// box marks (a small checkbox or radio button in particular): right of it, vertically centred,
/// where the image has room; else left of it; else on its top-left corner.
fn box_marker_centre([x, y, bw, bh]: [i64; 4], r: f64, w: u32) -> (f64, f64) {
    let (x, y, bw, bh) = (x as f64, y as f64, bw as f64, bh as f64);
    let gap = r * 1.25;
    let mid = y + bh / 2.0;
    if x + bw + gap + r <= f64::from(w) {
        (x + bw + gap, mid)
    } else if x - gap - r >= 0.0 {
        (x - gap, mid)
    } else {
        (x, y)
    }
}

/// The inline SVG overlay (empty when there are no call-outs).
pub fn overlay(spec: &FigureSpec, w: u32, h: u32) -> String {
    if spec.callouts.is_empty() {
        return String::new();
    }
    let r = marker_radius(w, h);
    let mut out = format!(
        "<svg class=\"eg-callouts\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
    );
    for c in &spec.callouts {
        match c.shape {
            Shape::Box([x, y, bw, bh]) => {
                let _ = write!(
                    out,
                    "<rect class=\"eg-callout-box\" x=\"{x}\" y=\"{y}\" width=\"{bw}\" height=\"{bh}\" rx=\"{rx}\" fill=\"none\" stroke=\"{MARK}\" stroke-width=\"3\" vector-effect=\"non-scaling-stroke\"/>",
                    rx = num(r * 0.3)
                );
                let (cx, cy) = box_marker_centre([x, y, bw, bh], r, w);
                marker(&mut out, c.n, cx, cy, r, w, h);
            }
            Shape::Point([x, y]) => {
                let _ = write!(
                    out,
                    "<circle class=\"eg-callout-ring\" cx=\"{x}\" cy=\"{y}\" r=\"{ring}\" fill=\"none\" stroke=\"{MARK}\" stroke-width=\"3\" vector-effect=\"non-scaling-stroke\"/>",
                    ring = num(r * 1.3)
                );
                marker(
                    &mut out,
                    c.n,
                    x as f64 - r * 2.2,
                    y as f64 - r * 2.2,
                    r,
                    w,
                    h,
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// A figure whose screenshot does not exist yet (`--allow-missing-screenshots`): its alt text
/// in a note, so the page still builds and reads.
pub fn missing_figure(spec: &FigureSpec) -> String {
    format!(
        "<p class=\"eg-figure-missing\">[Screenshot not captured yet: {}]</p>",
        esc(&spec.alt)
    )
}

/// The whole `<figure>`. `root` is the relative prefix to the site root. Every figure loads
/// lazily: a page's text comes first (a browser loads lazy images before it prints).
pub fn figure(
    spec: &FigureSpec,
    variants: &[Variant],
    src_w: u32,
    src_h: u32,
    root: &str,
) -> String {
    let Some(largest) = variants.last() else {
        return String::new();
    };
    let default = variants
        .iter()
        .rev()
        .find(|v| v.width <= 960)
        .unwrap_or(largest);
    let srcset: Vec<String> = variants
        .iter()
        .map(|v| format!("{root}{} {}w", v.rel, v.width))
        .collect();
    let mut out = String::with_capacity(1024);
    let _ = write!(
        out,
        "<figure class=\"{FIGURE_CLASS}\">\n<div class=\"eg-figure-media\"><a class=\"eg-figure-zoom\" href=\"{root}{full}\" data-width=\"{fw}\" data-height=\"{fh}\">",
        full = largest.rel,
        fw = largest.width,
        fh = largest.height,
    );
    let _ = write!(
        out,
        "<img src=\"{root}{src}\" srcset=\"{srcset}\" sizes=\"{SIZES}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\" decoding=\"async\" loading=\"lazy\">",
        src = default.rel,
        srcset = srcset.join(", "),
        w = largest.width,
        h = largest.height,
        alt = esc(&spec.alt),
    );
    out.push_str("<span class=\"eg-vh\"> (open the full-size image)</span></a>");
    out.push_str(&overlay(spec, src_w, src_h));
    out.push_str("</div>\n");
    if spec.caption.is_some() || !spec.callouts.is_empty() {
        out.push_str("<figcaption>");
        if let Some(c) = &spec.caption {
            let _ = write!(out, "<span class=\"eg-figure-caption\">{}</span>", esc(c));
        }
        if !spec.callouts.is_empty() {
            out.push_str("<ol class=\"eg-callout-list\">");
            for c in &spec.callouts {
                let _ = write!(out, "<li value=\"{}\">{}</li>", c.n, esc(&c.label));
            }
            out.push_str("</ol>");
        }
        out.push_str("</figcaption>\n");
    }
    out.push_str("</figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::spec;
    use super::*;
    use std::path::Path;

    fn variants() -> Vec<Variant> {
        [(480, 338), (960, 675), (1280, 900)]
            .into_iter()
            .map(|(width, height)| Variant {
                width,
                height,
                rel: format!("images/a-0123-{width}.png"),
            })
            .collect()
    }

    #[test]
    fn figure_markup() {
        let s = spec::parse(
            "src: a.png\nalt: \"The <form>\"\ncaption: \"Fill & go\"\ncallouts:\n  - { n: 1, box: [10, 10, 100, 40], label: \"Type \\\"x\\\"\" }\n  - { n: 2, point: [600, 500], label: \"Click\" }\n",
            Path::new("g.md"),
            1,
        )
        .unwrap();
        let html = figure(&s, &variants(), 1280, 900, "../../");
        assert!(html.contains("<img src=\"../../images/a-0123-960.png\" srcset=\"../../images/a-0123-480.png 480w, ../../images/a-0123-960.png 960w, ../../images/a-0123-1280.png 1280w\""), "{html}");
        assert!(
            html.contains(
                "width=\"1280\" height=\"900\" alt=\"The &lt;form&gt;\" decoding=\"async\" loading=\"lazy\">"
            ),
            "{html}"
        );
        assert!(
            html.contains("href=\"../../images/a-0123-1280.png\""),
            "{html}"
        );
        assert!(html.contains("viewBox=\"0 0 1280 900\""), "{html}");
        assert!(html.contains("aria-hidden=\"true\""), "{html}");
        assert!(
            html.contains("<li value=\"1\">Type &quot;x&quot;</li><li value=\"2\">Click</li>"),
            "{html}"
        );
        assert!(html.contains("Fill &amp; go"), "{html}");
    }

    #[test]
    fn plain_figure_has_no_overlay_or_caption() {
        let s = spec::parse("src: a.png\nalt: A\n", Path::new("g.md"), 1).unwrap();
        let v = vec![Variant {
            width: 300,
            height: 200,
            rel: "images/a-1-300.png".into(),
        }];
        let html = figure(&s, &v, 300, 200, "");
        assert!(!html.contains("<svg"));
        assert!(!html.contains("figcaption"));
        assert!(
            html.contains("src=\"images/a-1-300.png\" srcset=\"images/a-1-300.png 300w\""),
            "{html}"
        );
    }

    #[test]
    fn box_numbers_sit_beside_the_box() {
        // room on the right: right of the box, vertically centred (r = 16 for 1000 px)
        assert_eq!(
            box_marker_centre([100, 200, 300, 30], 16.0, 1000),
            (420.0, 215.0)
        );
        // none on the right: left of it
        assert_eq!(
            box_marker_centre([600, 0, 390, 40], 16.0, 1000),
            (580.0, 20.0)
        );
        // neither: its top-left corner
        assert_eq!(box_marker_centre([10, 5, 980, 40], 16.0, 1000), (10.0, 5.0));
    }

    #[test]
    fn markers_stay_inside_tiny_images() {
        let s = spec::parse(
            "src: a.png\nalt: A\ncallouts:\n  - { point: [0, 0], label: x }\n",
            Path::new("g.md"),
            1,
        )
        .unwrap();
        let svg = overlay(&s, 4, 4);
        assert!(svg.contains("<circle cx=\"2\" cy=\"2\" r=\"2\""), "{svg}");
    }
}
