//! Incremental rebuilds (`ernguide::incremental::Site`): what a change renders again, that the
//! result equals a full build, and that a failed rebuild keeps the last good site.

mod common;

use std::path::{Path, PathBuf};

use common::{fixtures, TestSite};
use ernguide::incremental::Site;

fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    site.output()
        .files()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

/// The output a fresh load of the same sources gives.
fn full_build(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(&Site::load(dir).unwrap())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Writes `text` into `fragment` and checks that the rebuild rendered the request-access step
/// (the one page including it) and the guide's slides and handout, and shows the text.
fn edit_renders_request_access(t: &TestSite, site: &mut Site, fragment: &str, text: &str) {
    t.write(fragment, &format!("{text}\n"));
    let stats = site.rebuild(&[t.path(fragment)]).unwrap();
    assert!(!stats.full);
    assert_eq!(
        sorted(stats.rendered),
        [
            "demo/print/index.html",
            "demo/request-access/index.html",
            "demo/slides/index.html"
        ]
        .map(String::from)
        .to_vec()
    );
    let page = site.output().get("demo/request-access/index.html").unwrap();
    assert!(String::from_utf8_lossy(page).contains(text));
}

#[test]
fn a_step_edit_renders_only_that_step() {
    let t = TestSite::from_fixture("basic");
    let mut site = Site::load(&t.site()).unwrap();
    let before = files(&site);
    t.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Type your name.",
        "Type your full name.",
    );
    let stats = site
        .rebuild(&[t.path("content/guides/demo/01-create-eu-login.md")])
        .unwrap();
    assert!(!stats.full);
    // the step, and the guide's handout and slides, which are made from every step
    assert_eq!(
        sorted(stats.rendered),
        [
            "demo/create-eu-login/index.html",
            "demo/print/index.html",
            "demo/slides/index.html"
        ]
        .map(String::from)
        .to_vec()
    );
    assert!(stats.removed.is_empty());
    let after = files(&site);
    let changed: Vec<&str> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.as_str())
        .collect();
    assert_eq!(
        changed,
        vec![
            "demo/create-eu-login/index.html",
            "demo/print/index.html",
            "search/en.js"
        ]
    );
    assert!(String::from_utf8_lossy(
        site.output()
            .get("demo/create-eu-login/index.html")
            .unwrap()
    )
    .contains("Type your full name."));
    assert_eq!(after, full_build(&t.site()));
}

#[test]
fn a_shared_fragment_renders_the_pages_that_include_it_at_any_depth() {
    let t = TestSite::from_fixture("basic");
    t.write("content/shared/inner/note.md", "Inner note v1.\n");
    t.edit(
        "content/shared/request.md",
        "> [!NOTE]",
        "{% include \"inner/note.md\" %}\n\n> [!NOTE]",
    );
    t.write("content/shared/unused.md", "Nobody includes me.\n");
    let mut site = Site::load(&t.site()).unwrap();

    edit_renders_request_access(
        &t,
        &mut site,
        "content/shared/inner/note.md",
        "Inner note v2.",
    );

    // a whole folder of fragments removed: its includers fail, the last good site stays
    let kept = files(&site);
    std::fs::remove_dir_all(t.path("content/shared/inner")).unwrap();
    let err = site.rebuild(&[t.path("content/shared/inner")]).unwrap_err();
    assert!(format!("{err:#}").contains("include not found"), "{err:#}");
    assert_eq!(files(&site), kept);
    t.write("content/shared/inner/note.md", "Inner note v2.\n");
    site.rebuild(&[t.path("content/shared/inner/note.md")])
        .unwrap();

    t.write("content/shared/unused.md", "Still nobody.\n");
    let stats = site.rebuild(&[t.path("content/shared/unused.md")]).unwrap();
    assert!(
        stats.rendered.is_empty() && !stats.changed_output(),
        "{stats:?}"
    );
    assert_eq!(files(&site), full_build(&t.site()));
}

#[test]
fn a_fragment_reached_only_through_a_nested_computed_include_renders_only_its_includer() {
    let t = TestSite::from_fixture("basic");
    t.write("content/shared/inner/deep.md", "Deep note v1.\n");
    // request-access includes request.md, which includes middle.md, which includes deep.md
    // by a name computed at render time
    t.write(
        "content/shared/middle.md",
        "{% set name = \"inner/\" ~ \"deep.md\" %}{% include name %}\n",
    );
    t.edit(
        "content/shared/request.md",
        "> [!NOTE]",
        "{% include \"middle.md\" %}\n\n> [!NOTE]",
    );
    // the first step names deep.md only in a branch that never runs: not a dependency
    t.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Click **this link**.",
        "Click **this link**.\n{% if false %}{% include \"inner/deep.md\" %}{% endif %}",
    );
    let mut site = Site::load(&t.site()).unwrap();

    edit_renders_request_access(
        &t,
        &mut site,
        "content/shared/inner/deep.md",
        "Deep note v2.",
    );
    assert_eq!(files(&site), full_build(&t.site()));
}

#[test]
fn front_matter_and_step_list_changes_render_the_whole_guide() {
    let t = TestSite::from_fixture("basic");
    let mut site = Site::load(&t.site()).unwrap();
    let guide_pages = [
        "demo/create-eu-login/index.html",
        "demo/index.html",
        "demo/links/index.html",
        "demo/print/index.html",
        "demo/request-access/index.html",
        "demo/sandbox/index.html",
        "demo/slides/index.html",
    ];

    // A step title is in every page's step list.
    t.edit(
        "content/guides/demo/02-request-access.md",
        "title: \"Request access\"",
        "title: \"Ask for access\"",
    );
    let stats = site
        .rebuild(&[t.path("content/guides/demo/02-request-access.md")])
        .unwrap();
    assert!(!stats.full);
    assert_eq!(
        sorted(stats.rendered),
        guide_pages.map(String::from).to_vec()
    );
    assert_eq!(files(&site), full_build(&t.site()));

    // A new step: its page appears.
    t.write(
        "content/guides/demo/03-confirm.md",
        "---\ntitle: \"Confirm\"\nreviewed: 2026-11-01\n---\nDone.\n",
    );
    let stats = site
        .rebuild(&[t.path("content/guides/demo/03-confirm.md")])
        .unwrap();
    assert!(
        stats
            .rendered
            .contains(&"demo/confirm/index.html".to_string()),
        "{stats:?}"
    );
    assert_eq!(files(&site), full_build(&t.site()));

    // A removed step: its page goes.
    std::fs::remove_file(t.path("content/guides/demo/03-confirm.md")).unwrap();
    let stats = site
        .rebuild(&[t.path("content/guides/demo/03-confirm.md")])
        .unwrap();
    assert_eq!(stats.removed, vec!["demo/confirm/index.html".to_string()]);
    assert!(site.output().get("demo/confirm/index.html").is_none());
    assert_eq!(files(&site), full_build(&t.site()));

    // The guide's title is on the home page: everything.
    t.edit(
        "content/guides/demo/_index.md",
        "title: \"Demo registration\"",
        "title: \"Demo sign-up\"",
    );
    let stats = site
        .rebuild(&[t.path("content/guides/demo/_index.md")])
        .unwrap();
    assert_eq!(stats.rendered.len(), stats.pages, "{stats:?}");
    assert_eq!(files(&site), full_build(&t.site()));

    // The overview's body is on the overview (and in the handout, beside the slides).
    t.edit("content/guides/demo/_index.md", "Start with", "Begin with");
    let stats = site
        .rebuild(&[t.path("content/guides/demo/_index.md")])
        .unwrap();
    assert_eq!(
        sorted(stats.rendered),
        [
            "demo/index.html",
            "demo/print/index.html",
            "demo/slides/index.html"
        ]
        .map(String::from)
        .to_vec()
    );
    assert_eq!(files(&site), full_build(&t.site()));
}

#[test]
fn data_config_and_theme_changes_rebuild_everything() {
    let t = TestSite::from_fixture("basic");
    let mut site = Site::load(&t.site()).unwrap();
    t.edit("content/networks/demo/network.yaml", "1-2 days", "3 days");
    let stats = site
        .rebuild(&[t.path("content/networks/demo/network.yaml")])
        .unwrap();
    assert!(stats.full);
    assert!(
        String::from_utf8_lossy(site.output().get("demo/request-access/index.html").unwrap())
            .contains("3 days")
    );
    t.edit(
        "site.toml",
        "title = \"Fixture portal\"",
        "title = \"Renamed portal\"",
    );
    assert!(site.rebuild(&[t.path("site.toml")]).unwrap().full);
    assert_eq!(files(&site), full_build(&t.site()));
    // not a source: nothing happens
    let stats = site
        .rebuild(&[
            t.path("notes.txt"),
            t.path("content/guides/demo/.01-x.md.swp"),
        ])
        .unwrap();
    assert!(!stats.changed_output());
}

#[test]
fn paths_may_be_relative_to_the_current_folder_or_absolute() {
    let t = TestSite::from_fixture("basic");
    let site = Site::load(&t.site()).unwrap();
    let rel = site.relative(&t.path("content/shared/request.md")).unwrap();
    assert_eq!(rel, PathBuf::from("content/shared/request.md"));
    assert_eq!(site.relative(Path::new("/somewhere/else.md")), None);
    // a deleted file still maps
    let gone = t
        .site()
        .canonicalize()
        .unwrap()
        .join("content/guides/demo/09-gone.md");
    assert_eq!(
        site.relative(&gone).unwrap(),
        PathBuf::from("content/guides/demo/09-gone.md")
    );
    let deep = t
        .site()
        .canonicalize()
        .unwrap()
        .join("content/shared/gone/deeper/x.md");
    assert_eq!(
        site.relative(&deep).unwrap(),
        PathBuf::from("content/shared/gone/deeper/x.md")
    );
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_site_and_is_retried() {
    let t = TestSite::from_fixture("basic");
    let mut site = Site::load(&t.site()).unwrap();
    let good = files(&site);
    // break the shared fragment, then fix it by editing a step that no longer includes it
    t.write("content/shared/request.md", "{{ no_such_variable }}\n");
    let err = site
        .rebuild(&[t.path("content/shared/request.md")])
        .unwrap_err();
    assert!(
        ernguide::error::report(&err).contains("request.md:1"),
        "{err:#}"
    );
    assert_eq!(files(&site), good, "the last good site is kept");
    t.edit(
        "content/guides/demo/02-request-access.md",
        "{% include \"request.md\" %}",
        "Request access.",
    );
    // only the step is reported now; the fragment's change is remembered
    let stats = site
        .rebuild(&[t.path("content/guides/demo/02-request-access.md")])
        .unwrap();
    assert!(stats
        .rendered
        .contains(&"demo/request-access/index.html".to_string()));
    assert_eq!(files(&site), full_build(&t.site()));
}

/// Every file of a fixture folder, relative to it.
fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

/// Serve's view of the broken corpus: from a good site, each mistake fails the rebuild with
/// the corpus' message (what the overlay shows) and keeps the last good site; undoing it
/// rebuilds exactly the site there was.
#[test]
fn every_broken_fixture_fails_a_rebuild_and_undoing_it_restores_the_site() {
    let basic = fixtures().join("basic");
    let names = common::broken_fixtures();
    let mut failures = Vec::new();
    for name in &names {
        let t = TestSite::from_fixture("basic");
        let mut site = Site::load(&t.site()).unwrap();
        let good = files(&site);
        let broken = fixtures().join(name);
        let expected = std::fs::read_to_string(broken.join("expected.txt")).unwrap();
        let mut changed = Vec::new();
        for rel in fixture_files(&broken) {
            if rel == Path::new("expected.txt") || rel == Path::new("REMOVE") {
                continue;
            }
            t.write_bytes(&rel, &std::fs::read(broken.join(&rel)).unwrap());
            changed.push(t.site().join(&rel));
        }
        let removed: Vec<String> = std::fs::read_to_string(broken.join("REMOVE"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        for rel in &removed {
            let p = t.path(rel);
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap();
            }
            changed.push(p);
        }
        match site.rebuild(&changed) {
            Ok(_) => failures.push(format!("{name}: the rebuild succeeded")),
            Err(e) => {
                let report =
                    ernguide::error::report(&e).replace(&format!("{}/", t.site().display()), "");
                let first = report.lines().next().unwrap_or("");
                if !first.contains(expected.trim()) {
                    failures.push(format!(
                        "{name}: first line\n  {first}\ndoes not contain\n  {}",
                        expected.trim()
                    ));
                }
            }
        }
        if files(&site) != good {
            failures.push(format!("{name}: the last good site changed"));
        }
        // undo: the fixture's files back to basic's (or gone), removed files back
        for rel in fixture_files(&broken) {
            let p = t.site().join(&rel);
            if basic.join(&rel).is_file() {
                t.write_bytes(&rel, &std::fs::read(basic.join(&rel)).unwrap());
                continue;
            }
            // remove the file and the folders the fixture added
            let top = rel
                .ancestors()
                .filter(|a| !a.as_os_str().is_empty() && !basic.join(a).exists())
                .last()
                .unwrap();
            let top = t.site().join(top);
            if top.is_dir() {
                std::fs::remove_dir_all(&top).unwrap();
            } else if p.exists() {
                std::fs::remove_file(&p).unwrap();
            }
            changed.push(top);
        }
        for rel in &removed {
            if basic.join(rel).is_file() {
                t.write_bytes(rel, &std::fs::read(basic.join(rel)).unwrap());
            } else {
                common::copy_dir(&basic.join(rel), &t.path(rel));
            }
        }
        match site.rebuild(&changed) {
            Ok(_) if files(&site) == good => {}
            Ok(_) => failures.push(format!("{name}: undoing it did not give the same site")),
            Err(e) => failures.push(format!("{name}: undoing it still fails: {e:#}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn a_first_code_block_added_by_a_step_edit_brings_the_highlight_stylesheet() {
    let t = TestSite::from_fixture("basic");
    let mut site = Site::load(&t.site()).unwrap();
    assert!(site.output().get("static/highlight.css").is_none());
    t.edit(
        "content/guides/demo/01-create-eu-login.md",
        "Type your name.",
        "Type your name.\n\n```yaml\nkey: value\n```\n",
    );
    let stats = site
        .rebuild(&[t.path("content/guides/demo/01-create-eu-login.md")])
        .unwrap();
    assert!(!stats.full);
    assert!(site.output().get("static/highlight.css").is_some());
    assert_eq!(files(&site), full_build(&t.site()));
}

/// A rebuild checks the links of the pages it rendered and of the pages that link into them:
/// renaming a heading of one step breaks a link of another step, which was not rendered again.
#[test]
fn a_changed_anchor_fails_the_pages_that_link_to_it() {
    let t = TestSite::from_fixture("basic");
    let request = "content/guides/demo/02-request-access.md";
    let create = "content/guides/demo/01-create-eu-login.md";
    t.edit(
        request,
        "{% include \"request.md\" %}",
        "{% include \"request.md\" %}\n\nForgot a field? See [the form](../create-eu-login/index.html#fill-in-the-form).",
    );
    let mut site = Site::load(&t.site()).unwrap();
    let good = files(&site);
    t.edit(create, "# Fill in the form", "# Complete the form");
    let err = site.rebuild(&[t.path(create)]).unwrap_err();
    let report = ernguide::error::report(&err);
    assert!(
        report.contains(&format!("{request}:7")) && report.contains("fill-in-the-form"),
        "{report}"
    );
    assert_eq!(files(&site), good, "the last good site is kept");
    // fixing the link builds again
    t.edit(request, "#fill-in-the-form", "#complete-the-form");
    let stats = site.rebuild(&[t.path(request)]).unwrap();
    assert!(!stats.full);
    assert_eq!(files(&site), full_build(&t.site()));
    // and breaking it from the linking side fails too
    t.edit(request, "#complete-the-form", "#no-such-heading");
    let err = site.rebuild(&[t.path(request)]).unwrap_err();
    assert!(
        ernguide::error::report(&err).contains(&format!("{request}:7")),
        "{err:#}"
    );
}

/// The bundled portal (three languages): steps edited one after the other render again each
/// edited step's part of its guide's slides and handout (the parts of the other steps are
/// kept between rebuilds), and every file, pages in each language and search indexes
/// included, is what a fresh build makes.
#[test]
fn step_edits_on_the_bundled_portal_match_a_full_build_in_every_language() {
    let t = TestSite::bundled();
    // Site::load runs in this process: the bundled tests' shared image cache.
    std::env::set_var("ERNGUIDE_CACHE_DIR", common::shared_image_cache());
    let mut site = Site::load(&t.site()).unwrap();
    let two = "content/guides/paedcan/02-two-factor.md";
    let one = "content/guides/paedcan/01-create-eu-login.md";
    let original = std::fs::read_to_string(t.path(two)).unwrap();
    let rebuild = |site: &mut Site, rel: &str| {
        let stats = site.rebuild(&[t.path(rel)]).unwrap();
        assert!(!stats.full);
        stats
    };
    let show = |site: &Site, rel: &str| {
        String::from_utf8_lossy(site.output().get(rel).unwrap()).into_owned()
    };

    // The notes are on the slides only; the paragraph on the step's page and the handout.
    t.edit(
        two,
        "Ask everyone to have their smartphone",
        "Ask each trainee to have a smartphone",
    )
    .edit(
        two,
        "you confirm every sign-in on your phone.",
        "you confirm each sign-in on a phone.",
    );
    let stats = rebuild(&mut site, two);
    for lang in ["", "de/", "it/"] {
        for page in ["two-factor", "slides", "print"] {
            let rel = format!("{lang}paedcan/{page}/index.html");
            assert!(
                stats.changed.contains(&rel),
                "{rel} not changed: {:?}",
                stats.changed
            );
        }
        let search = format!(
            "search/{}.js",
            if lang.is_empty() { "en" } else { &lang[..2] }
        );
        assert!(stats.changed.contains(&search), "{search}");
    }
    assert!(
        show(&site, "paedcan/slides/index.html").contains("Ask each trainee to have a smartphone")
    );
    assert!(
        show(&site, "de/paedcan/print/index.html").contains("you confirm each sign-in on a phone.")
    );
    assert_eq!(files(&site), full_build(&t.site()));

    // Another step: the first edit's parts are kept, this step's are made anew.
    t.edit(
        one,
        "```notes\n",
        "```notes\nA first line of notes for the test.\n",
    );
    rebuild(&mut site, one);
    assert!(
        show(&site, "it/paedcan/slides/index.html").contains("A first line of notes for the test.")
    );
    assert!(
        show(&site, "paedcan/slides/index.html").contains("Ask each trainee to have a smartphone")
    );
    assert_eq!(files(&site), full_build(&t.site()));

    // A step of the template guide (`network: "*"`): every network's guide made from it
    // shows the edit (a rebuild keeps the guides whose folders did not change, and the
    // template's guides only while the template is the same).
    let template_step = "content/guides/cpms2/01-create-eu-login.md";
    t.edit(
        template_step,
        "CPMS 2.0 has no accounts of its own",
        "CPMS 2.0 keeps no accounts of its own",
    );
    rebuild(&mut site, template_step);
    let instances: Vec<String> = site
        .output()
        .files()
        .map(|(rel, _)| rel.to_string())
        .filter(|rel| rel.ends_with("-cpms2/create-eu-login/index.html"))
        .collect();
    assert!(instances.len() > 3, "{instances:?}");
    for rel in &instances {
        assert!(
            show(&site, rel).contains("keeps no accounts of its own"),
            "{rel}"
        );
    }
    assert_eq!(files(&site), full_build(&t.site()));

    // Undone: the step's parts as they were (not the kept ones of the edited text).
    std::fs::write(t.path(two), &original).unwrap();
    rebuild(&mut site, two);
    assert!(!show(&site, "paedcan/slides/index.html").contains("Ask each trainee"));
    assert!(
        show(&site, "paedcan/slides/index.html").contains("A first line of notes for the test.")
    );
    assert_eq!(files(&site), full_build(&t.site()));

    // A page template, a data file and the configuration edited: everything is rebuilt with
    // them, and a step edit after that renders with them too (the page templates, the data and
    // the site's template values a rebuild keeps are the new ones).
    let template = "themes/default/templates/step.html";
    let data = "content/data/links.yaml";
    let config = "site.toml";
    t.edit(
        config,
        "title = \"ERN CPMS registration help\"",
        "title = \"ERN CPMS registration help, renamed\"",
    )
    .edit(
        template,
        "<div class=\"eg-prose\">",
        "<div class=\"eg-prose\" data-edited>",
    )
    .edit(
        data,
        "The EU Login sign-up form.",
        "The EU Login sign-up form, edited.",
    );
    for rel in [template, data, config] {
        assert!(site.rebuild(&[t.path(rel)]).unwrap().full);
    }
    assert!(show(&site, "de/paedcan/two-factor/index.html").contains("data-edited"));
    assert!(show(&site, "paedcan/links/index.html").contains("sign-up form, edited."));
    t.edit(
        one,
        "A first line of notes for the test.",
        "Notes written after the template edit.",
    );
    rebuild(&mut site, one);
    assert!(show(&site, "it/paedcan/create-eu-login/index.html").contains("data-edited"));
    // (the site's values, kept by step edits, are the new configuration's)
    assert!(
        show(&site, "paedcan/create-eu-login/index.html").contains("registration help, renamed")
    );
    assert!(show(&site, "paedcan/links/index.html").contains("sign-up form, edited."));
    assert_eq!(files(&site), full_build(&t.site()));
}
