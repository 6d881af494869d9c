//! The printable handout of a guide (`/<guide>/print/`): each step's address on the public
//! portal and its QR code, drawn at build time as inline SVG (the `qrcode` crate).
//!
//! Addresses come from `base_url` in `site.toml`; without it the handout prints no QR code and
//! no address (the portal's public address is then unknown, and a guess would be wrong).

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

use crate::templates::html_escape;

/// The absolute address of a page of the portal: `base` (ending in `/`) joined with `rel`, a
/// path relative to the site root such as `paedcan/two-factor/`.
pub fn public_url(base: &str, rel: &str) -> String {
    let base = base.trim_end_matches('/');
    format!("{base}/{}", rel.trim_start_matches('/'))
}

/// The address of a step page online, or `None` when the site has no `base_url`.
pub fn step_url(base: Option<&str>, guide: &str, step: &str) -> Option<String> {
    base.map(|b| public_url(b, &format!("{guide}/{step}/")))
}

/// The light border around a QR code, in modules (the standard's minimum).
const QUIET_ZONE: usize = 4;

/// A QR code for `url` as an inline `<svg>` element (sized by CSS), labelled `label` for
/// assistive technology: one path, one `h`/`v` run per row of dark modules. `None` if the text
/// is too long for a QR code.
pub fn qr_svg(url: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (y, row) in code.to_colors().chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
                let _ = write!(
                    path,
                    "M{} {}h{run}v1h-{run}z",
                    x + QUIET_ZONE,
                    y + QUIET_ZONE
                );
                x += run;
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg class=\"eg-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{}\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        html_escape(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_with_one_slash() {
        assert_eq!(
            public_url("https://help.example.test/portal/", "paedcan/two-factor/"),
            "https://help.example.test/portal/paedcan/two-factor/"
        );
        assert_eq!(
            public_url("https://help.example.test", "/a/"),
            "https://help.example.test/a/"
        );
        assert_eq!(
            step_url(Some("https://h.test/"), "paedcan", "two-factor").as_deref(),
            Some("https://h.test/paedcan/two-factor/")
        );
        assert_eq!(step_url(None, "paedcan", "two-factor"), None);
    }

    #[test]
    fn qr_is_an_inline_labelled_svg() {
        let url = "https://h.test/paedcan/two-factor/";
        let svg = qr_svg(url, "QR code: \"step\" <2>").unwrap();
        assert!(svg.starts_with("<svg class=\"eg-qr\""), "{svg}");
        assert!(
            svg.contains("aria-label=\"QR code: &quot;step&quot; &lt;2&gt;\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"), "{svg}");
        // the code's modules plus a quiet zone of 4 on each side
        let w = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .unwrap()
            .width()
            + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {w} {w}\"")), "{svg}");
    }

    #[test]
    fn qr_draws_every_dark_module_once() {
        let url = "https://h.test/reconnet/log-in/";
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let w = code.width();
        let colors = code.to_colors();
        let svg = qr_svg(url, "x").unwrap();
        let d = svg.split(" d=\"").nth(1).unwrap();
        let mut drawn = vec![Color::Light; w * w];
        for seg in d.split('M').skip(1) {
            let (xy, rest) = seg.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let run: usize = rest.split('v').next().unwrap().parse().unwrap();
            for i in 0..run {
                let k = (y - 4) * w + (x - 4 + i);
                assert_eq!(drawn[k], Color::Light, "module drawn twice");
                drawn[k] = Color::Dark;
            }
        }
        assert_eq!(drawn, colors);
    }

    #[test]
    fn too_long_for_a_qr_code() {
        assert!(qr_svg(&"x".repeat(5000), "x").is_none());
    }
}
