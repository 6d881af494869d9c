//! Figures: redactions are burned into every variant, the cache makes a rebuild encode
//! nothing, and every `<img>` has a width and height.

mod common;

use common::{walk, TestSite};
use ernguide::pipeline::{build, BuildOptions, BuildReport};
use image::imageops::{self, FilterType};
use image::RgbImage;

/// The block redaction (over 2 px red/blue stripes) and the blur one (over 10 px checks) of
/// `screenshots/demo/form.png` (1000x320, in tests/fixtures/basic).
const BLOCK: [u32; 4] = [100, 120, 300, 30];
const BLUR: [u32; 4] = [100, 200, 300, 30];

const STEP: &str = r#"---
title: "Create your EU Login"
summary: "Make an account."
reviewed: 2026-11-01
sandbox: eul-create
scenario: new-user
---
# Fill in the form

Type your name. Then go to [the next step]({{ step_url("request-access") }}).

```figure
src: demo/form.png
alt: "The form, with the e-mail and name fields and a Next button"
caption: "The Create an account form"
callouts:
  - { n: 1, box: [100, 200, 300, 30], label: "Type your first and last name" }
  - { n: 2, point: [750, 140], label: "Click <Next>" }
redact:
  - [100, 120, 300, 30]
  - { box: [100, 200, 300, 30], mode: blur }
```

# Confirm your e-mail

```figure
src: demo/form.png
alt: "The same form, unredacted"
```
"#;

fn options(site: &TestSite) -> BuildOptions {
    BuildOptions {
        site_dir: site.site(),
        out_dir: site.out(),
        allow_missing_screenshots: false,
    }
}

fn site_with_figures() -> TestSite {
    let site = TestSite::from_fixture("basic");
    site.write("content/guides/demo/01-create-eu-login.md", STEP);
    site
}

/// Values of `attr="..."` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The `srcset` entries of the first `<img>`: (path relative to the page, width).
fn srcset(html: &str) -> Vec<(String, u32)> {
    attrs(html, "srcset")[0]
        .split(", ")
        .map(|e| {
            let (url, w) = e.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// The region `r` of a `src_w`-wide source, in a `width`-wide variant, shrunk by a margin
/// so resampling at its edges does not count.
fn scaled(r: [u32; 4], src_w: u32, width: u32) -> (u32, u32, u32, u32) {
    let s = f64::from(width) / f64::from(src_w);
    let margin = 4;
    let f = |v: u32| (f64::from(v) * s).round() as u32;
    (
        f(r[0]) + margin,
        f(r[1]) + margin,
        f(r[0] + r[2]) - margin,
        f(r[1] + r[3]) - margin,
    )
}

fn diff(a: &image::Rgb<u8>, b: &image::Rgb<u8>) -> u32 {
    a.0.iter()
        .zip(b.0)
        .map(|(x, y)| x.abs_diff(y) as u32)
        .max()
        .unwrap()
}

/// The largest per-channel standard deviation of a region.
fn std_dev(img: &RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> f64 {
    (0..3)
        .map(|c| {
            let px: Vec<f64> = (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .map(|(x, y)| f64::from(img.get_pixel(x, y).0[c]))
                .collect();
            let mean = px.iter().sum::<f64>() / px.len() as f64;
            (px.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / px.len() as f64).sqrt()
        })
        .fold(0.0, f64::max)
}

#[test]
fn redacted_pixels_differ_from_the_source_in_every_variant() {
    let site = site_with_figures();
    let report = build(&options(&site)).unwrap();
    assert!(report.images_encoded > 0);
    let html = site.read("demo/create-eu-login/index.html");
    let variants = srcset(&html);
    assert_eq!(
        variants.iter().map(|v| v.1).collect::<Vec<_>>(),
        [480, 960, 1000],
        "{html}"
    );

    let source = image::open(site.path("screenshots/demo/form.png"))
        .unwrap()
        .to_rgb8();
    for (url, width) in &variants {
        let rel = url.strip_prefix("../../").unwrap();
        let out = image::open(site.out().join(rel)).unwrap().to_rgb8();
        assert_eq!(out.width(), *width);
        // what this variant would show without the redactions
        let unredacted = if *width == source.width() {
            source.clone()
        } else {
            imageops::resize(&source, out.width(), out.height(), FilterType::Lanczos3)
        };

        let (x0, y0, x1, y1) = scaled(BLOCK, source.width(), *width);
        assert!(
            x1 > x0 + 4 && y1 > y0 + 2,
            "{width}: region too small to test"
        );
        for y in y0..y1 {
            for x in x0..x1 {
                let d = diff(out.get_pixel(x, y), unredacted.get_pixel(x, y));
                assert!(
                    d > 40,
                    "{rel} at {x},{y}: block-redacted pixel close to the source (diff {d})"
                );
            }
        }

        let region = scaled(BLUR, source.width(), *width);
        let (x0, y0, x1, y1) = region;
        let mut total = 0u64;
        let mut n = 0u64;
        for y in y0..y1 {
            for x in x0..x1 {
                total += u64::from(diff(out.get_pixel(x, y), unredacted.get_pixel(x, y)));
                n += 1;
            }
        }
        let mean = total as f64 / n as f64;
        assert!(
            mean > 40.0,
            "{rel}: blurred region too close to the source (mean diff {mean:.1})"
        );
        // the checks are gone: the region is nearly flat where the source varies strongly
        let (blurred, original) = (std_dev(&out, region), std_dev(&unredacted, region));
        assert!(
            blurred < original * 0.2,
            "{rel}: blurred std dev {blurred:.1} vs source {original:.1}"
        );
    }

    // the second figure is the same screenshot without redactions: separate files
    let second = &attrs(&html, "srcset")[1];
    assert!(!second.contains(&variants[0].0), "{second}");
}

#[test]
fn a_second_build_encodes_nothing() {
    let site = site_with_figures();
    let first: BuildReport = build(&options(&site)).unwrap();
    // two images (redacted and not) x three widths
    assert_eq!((first.images_encoded, first.images_cached), (6, 0));
    let files = walk(&site.out());

    let second = build(&options(&site)).unwrap();
    assert_eq!((second.images_encoded, second.images_cached), (0, 6));
    assert_eq!(files, walk(&site.out()), "the output changed");

    // the command line says so too
    let out = site
        .cmd(&["build", "--site", "site", "--out", "public"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("images: 0 encoded, 6 from cache"),
        "{stderr}"
    );

    // call-outs are an overlay: changing one re-encodes nothing; a redaction re-encodes its image
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "point: [750, 140]",
        "point: [700, 140]",
    );
    assert_eq!(build(&options(&site)).unwrap().images_encoded, 0);
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "  - [100, 120, 300, 30]",
        "  - [100, 120, 300, 31]",
    );
    assert_eq!(build(&options(&site)).unwrap().images_encoded, 3);
}

#[test]
fn every_img_has_width_and_height_and_figures_are_accessible() {
    let site = site_with_figures();
    // a figure on the overview too (one folder up), and a JPEG screenshot
    let photo = RgbImage::from_fn(600, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    photo.save(site.path("screenshots/demo/photo.jpg")).unwrap();
    let index = std::fs::read_to_string(site.path("content/guides/demo/_index.md")).unwrap();
    site.write(
        "content/guides/demo/_index.md",
        &format!("{index}\n```figure\nsrc: demo/photo.jpg\nalt: \"A photo\"\n```\n"),
    );
    site.build().success();

    let mut imgs = 0;
    for (rel, bytes) in walk(&site.out()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for (i, _) in html.match_indices("<img") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(
                tag.contains(" width=\"") && tag.contains(" height=\""),
                "{rel}: {tag}"
            );
            // the slides and the handout repeat the guide's figures
            if !rel.contains("/slides/") && !rel.contains("/print/") {
                imgs += 1;
            }
        }
    }
    assert_eq!(imgs, 3);

    let step = site.read("demo/create-eu-login/index.html");
    let tags: Vec<&str> = step
        .match_indices("<img")
        .map(|(i, _)| &step[i..i + step[i..].find('>').unwrap()])
        .collect();
    // every figure loads lazily, the first too: the page's text comes first
    for tag in &tags {
        assert!(tag.contains("loading=\"lazy\""), "{tag}");
    }
    assert!(
        tags[0].contains("width=\"1000\" height=\"320\""),
        "{}",
        tags[0]
    );
    assert!(tags[0].contains("decoding=\"async\""));
    assert!(step.contains("<li value=\"1\">Type your first and last name</li><li value=\"2\">Click &lt;Next&gt;</li>"), "{step}");
    assert!(
        step.contains("<svg class=\"eg-callouts\" viewBox=\"0 0 1000 320\""),
        "{step}"
    );
    assert!(step.contains("aria-hidden=\"true\""));
    assert!(
        step.contains("<script src=\"../../static/figure.js\" data-close=\"Close\"></script>"),
        "figure.js on a page with figures"
    );
    assert!(
        !site
            .read("demo/request-access/index.html")
            .contains("figure.js"),
        "no figure.js without figures"
    );
    assert!(site.out().join("static/figure.js").is_file());

    let overview = site.read("demo/index.html");
    assert!(overview.contains("<script src=\"../static/figure.js\" data-close=\"Close\"></script>"));
    let jpg = srcset(&overview);
    assert_eq!(jpg.iter().map(|v| v.1).collect::<Vec<_>>(), [480, 600]);
    for (url, _) in jpg {
        assert!(
            url.starts_with("../images/demo-photo-") && url.ends_with(".jpg"),
            "{url}"
        );
        let bytes = std::fs::read(site.out().join(url.trim_start_matches("../"))).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            image::ImageFormat::Jpeg
        );
    }
}

#[test]
fn errors_in_a_templated_shared_figure_name_the_fragment_and_line() {
    let site = site_with_figures();
    let shared = std::fs::read_to_string(site.path("content/shared/request.md")).unwrap();
    let lines = shared.lines().count();
    site.write(
        "content/shared/request.md",
        &format!(
            "{shared}\n```figure\nsrc: \"{{{{ network.id }}}}/form.png\"\nalt: \"{{{{ network.name }}}} form\"\ncallouts:\n  - {{ n: 1, point: [2000, 10], label: \"Click\" }}\n```\n"
        ),
    );
    let err = build(&options(&site)).unwrap_err();
    let located = ernguide::error::source_error(&err).expect("a located error");
    assert!(
        located.file.ends_with("content/shared/request.md"),
        "{located}"
    );
    assert_eq!(located.line, lines + 6, "{located}");
    assert!(
        located.message.contains(
            "call-out 1 (point [2000, 10]) lies outside the image, which is 1000x320 pixels"
        ),
        "{located}"
    );
}

#[test]
fn named_regions_come_from_the_regions_file() {
    // STEP with its boxes given by name (tests/fixtures/basic/screenshots/demo/form.regions.json)
    let by_box = site_with_figures();
    by_box.build().success();
    let by_name = TestSite::from_fixture("basic");
    by_name.write(
        "content/guides/demo/01-create-eu-login.md",
        &STEP
            .replace(
                "{ n: 1, box: [100, 200, 300, 30],",
                "{ n: 1, region: first-name,",
            )
            .replace("  - [100, 120, 300, 30]", "  - { region: e-mail }")
            .replace(
                "{ box: [100, 200, 300, 30], mode: blur }",
                "{ region: first-name, mode: blur }",
            ),
    );
    by_name.build().success();
    let (a, b) = (
        by_box.read("demo/create-eu-login/index.html"),
        by_name.read("demo/create-eu-login/index.html"),
    );
    assert!(
        b.contains(
            "<rect class=\"eg-callout-box\" x=\"100\" y=\"200\" width=\"300\" height=\"30\""
        ),
        "{b}"
    );
    // the same redactions, so the same image files (names carry the content hash)
    assert_eq!(srcset(&a), srcset(&b));
    assert_eq!(a, b);

    // a regions file that no longer matches the image is refused
    by_name.write(
        "screenshots/demo/form.regions.json",
        r#"{"regions": {"first-name": [1, 2, 3, 4], "e-mail": [1, 2, 3, 4]}, "width": 999, "height": 320}"#,
    );
    let out = by_name
        .cmd(&["build", "--site", "site", "--out", "public"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("01-create-eu-login.md:17: figure `demo/form.png`: screenshots/demo/form.regions.json describes a 999x320 image, but the image is 1000x320 pixels"),
        "{stderr}"
    );
}

#[test]
fn two_screenshots_with_the_same_bytes_are_both_written() {
    // the same screen of two networks: one encode, two names, no broken link
    let site = TestSite::from_fixture("basic");
    std::fs::copy(
        site.path("screenshots/demo/form.png"),
        site.path("screenshots/demo/copy.png"),
    )
    .unwrap();
    let step = STEP.replace(
        "src: demo/form.png\nalt: \"The same form, unredacted\"",
        "src: demo/copy.png\nalt: \"The same form, unredacted\"\n```\n\n```figure\nsrc: demo/form.png\nalt: \"The form once more\"",
    );
    assert_ne!(step, STEP);
    site.write("content/guides/demo/01-create-eu-login.md", &step);
    let report = build(&options(&site)).unwrap();
    // form.png redacted, and form.png = copy.png unredacted: two images of three widths
    assert_eq!((report.images_encoded, report.images_cached), (6, 0));
    let html = site.read("demo/create-eu-login/index.html");
    let sets = attrs(&html, "srcset");
    assert_eq!(sets.len(), 3);
    assert!(sets[1].contains("images/demo-copy-"), "{}", sets[1]);
    assert!(sets[2].contains("images/demo-form-"), "{}", sets[2]);
    for set in &sets[1..] {
        for entry in set.split(", ") {
            let url = entry.rsplit_once(' ').unwrap().0;
            assert!(
                site.out().join(url.trim_start_matches("../../")).is_file(),
                "{url}"
            );
        }
    }
}

#[test]
fn an_incremental_rebuild_drops_the_image_files_no_page_shows_any_more() {
    let site = site_with_figures();
    let images = |s: &ernguide::incremental::Site| -> Vec<String> {
        s.output()
            .files()
            .map(|(rel, _)| rel.to_string())
            .filter(|rel| rel.starts_with("images/"))
            .collect()
    };
    let mut session = ernguide::incremental::Site::load(&site.site()).unwrap();
    assert_eq!(images(&session).len(), 6, "{:?}", images(&session));
    // a changed redaction: new pixels, so new files; the old ones are shown nowhere
    site.edit(
        "content/guides/demo/01-create-eu-login.md",
        "  - [100, 120, 300, 30]",
        "  - [100, 120, 300, 40]",
    );
    let stats = session
        .rebuild(&[site.path("content/guides/demo/01-create-eu-login.md")])
        .unwrap();
    assert!(!stats.full, "a step change renders only its page");
    let fresh = ernguide::incremental::Site::load(&site.site()).unwrap();
    assert_eq!(images(&session), images(&fresh));
    assert_eq!(images(&session).len(), 6);
    assert_eq!(stats.removed.len(), 3, "{stats:?}");
}

/// `serve` keeps the screenshots it read between rebuilds: a figure that shows another
/// screenshot reads it, and a screenshot replaced by one of another size is read again.
#[test]
fn a_rebuild_reads_new_and_changed_screenshots() {
    let site = site_with_figures();
    let step = "content/guides/demo/01-create-eu-login.md";
    let files = |s: &ernguide::incremental::Site| -> Vec<(String, Vec<u8>)> {
        s.output()
            .files()
            .map(|(rel, bytes)| (rel.to_string(), bytes.to_vec()))
            .collect()
    };
    let fresh = || files(&ernguide::incremental::Site::load(&site.site()).unwrap());
    let mut session = ernguide::incremental::Site::load(&site.site()).unwrap();
    let other = site.path("screenshots/demo/other.png");
    RgbImage::from_pixel(500, 160, image::Rgb([200, 30, 30]))
        .save(&other)
        .unwrap();
    site.edit(
        step,
        "src: demo/form.png\nalt: \"The same form, unredacted\"",
        "src: demo/other.png\nalt: \"The same form, unredacted\"",
    );
    assert!(!session.rebuild(&[site.path(step)]).unwrap().full);
    let page = |s: &ernguide::incremental::Site| {
        String::from_utf8_lossy(s.output().get("demo/create-eu-login/index.html").unwrap())
            .into_owned()
    };
    assert!(
        page(&session).contains("data-width=\"500\""),
        "{}",
        page(&session)
    );
    assert_eq!(files(&session), fresh());

    RgbImage::from_pixel(400, 100, image::Rgb([30, 30, 200]))
        .save(&other)
        .unwrap();
    assert!(session.rebuild(&[other]).unwrap().full);
    assert!(
        page(&session).contains("data-width=\"400\""),
        "{}",
        page(&session)
    );
    assert!(!page(&session).contains("data-width=\"500\""));
    assert_eq!(files(&session), fresh());
}
