//! Builds the real bundled portal into a temp dir and checks real content.

mod common;

use common::TestSite;

/// Visible text of an HTML page's <main> (tags stripped, entities left as they are).
fn main_text(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn step_titles(site: &TestSite, guide: &str) -> Vec<String> {
    let overview = site.read(&format!("{guide}/index.html"));
    let list = &overview[overview
        .find("class=\"eg-overview\"")
        .expect("overview list")..];
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<li><a href=\"")
        .skip(1)
        .map(|item| {
            let t = &item[item.find('>').unwrap() + 1..];
            t[..t.find("</a>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn bundled_portal_has_the_four_guides_with_their_steps() {
    let site = TestSite::bundled();
    site.build().success();
    let home = site.read("index.html");
    for g in [
        "paedcan",
        "paedcan-cpms2",
        "reconnet",
        "ern-rnd",
        "reconnet-cpms2",
        "ern-rnd-cpms2",
    ] {
        assert!(
            home.contains(&format!("href=\"{g}/index.html\"")),
            "home links {g}"
        );
        for page in ["index.html", "links/index.html", "sandbox/index.html"] {
            assert!(site.out().join(g).join(page).is_file(), "{g}/{page}");
        }
    }
    assert_eq!(
        step_titles(&site, "paedcan"),
        [
            "Create your EU Login",
            "Set up two-factor authentication",
            "Request CPMS access",
            "First login and preferences"
        ]
    );
    assert_eq!(step_titles(&site, "reconnet").len(), 4);
    assert_eq!(
        step_titles(&site, "ern-rnd")[2],
        "Set up your 3-factor verification"
    );
    let cpms2 = step_titles(&site, "paedcan-cpms2");
    assert!(cpms2.len() >= 5, "{cpms2:?}");
    assert!(cpms2.iter().any(|t| t.contains("Sign up")), "{cpms2:?}");

    let step3 = site.read("paedcan/request-access/index.html");
    assert!(step3.contains("Step 3 of 4"));
    // SAAS wizard text comes from network data
    assert!(step3.contains("PaedCAN - Paediatric Cancer"));
}

/// `(code, name)` of every ERN in the bundled content/data/erns.yaml (`- { code: "X", name: "Y" }`).
fn bundled_erns() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::repo_root().join("content/data/erns.yaml")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("- {"))
        .map(|l| {
            let field = |key: &str| {
                let rest = &l[l.find(&format!("{key}: \"")).unwrap() + key.len() + 3..];
                rest[..rest.find('"').unwrap()].to_string()
            };
            (field("code"), field("name"))
        })
        .collect()
}

#[test]
fn every_ern_has_a_cpms2_guide_on_the_home_page_with_its_own_contacts_only() {
    let site = TestSite::bundled();
    site.build().success();
    let erns = bundled_erns();
    assert_eq!(erns.len(), 24);
    let home = site.read("index.html");
    let home_text = main_text(&home);
    // CPMS 2.0 first, the SAAS guides after it as older documents
    let cpms2_at = home_text.find("CPMS 2.0").unwrap();
    let older_at = home_text.find("Older documents of your network").unwrap();
    assert!(cpms2_at < older_at, "{home_text}");
    let own_helpdesks = [
        ("paedcan", "cpmshelpdesk@paedcan.ern-net.eu"),
        ("reconnet", "helpdesk.reconnet@ao-pisa.toscana.it"),
    ];
    for (code, name) in &erns {
        let id = code.to_lowercase();
        let slug = format!("{id}-cpms2");
        assert!(
            home.contains(&format!("href=\"{slug}/index.html\"")),
            "home links {slug}"
        );
        let overview = main_text(&site.read(&format!("{slug}/index.html")));
        assert!(overview.contains(name.as_str()), "{slug} names {name}");
        assert!(overview.contains("CPMS 2.0"), "{slug}");
        assert_eq!(step_titles(&site, &slug).len(), 6, "{slug}");
        for page in [
            "links/index.html",
            "sandbox/index.html",
            "submit-request/index.html",
        ] {
            assert!(site.out().join(&slug).join(page).is_file(), "{slug}/{page}");
        }
        // never another network's helpdesk
        for (net, address) in own_helpdesks {
            if net != id {
                for page in [
                    "index.html",
                    "submit-request/index.html",
                    "links/index.html",
                ] {
                    let html = site.read(&format!("{slug}/{page}"));
                    assert!(
                        !html.contains(address),
                        "{slug}/{page} shows {net}'s helpdesk"
                    );
                }
            }
        }
    }
    // a network known only from erns.yaml: its name, and the honest unknown-helpdesk text
    let vascern = main_text(&site.read("vascern-cpms2/index.html"));
    assert!(
        vascern.contains(
            "VASCERN has not published a CPMS helpdesk address here: ask your VASCERN coordinator"
        ),
        "{vascern}"
    );
    let submit = main_text(&site.read("vascern-cpms2/submit-request/index.html"));
    assert!(submit.contains("ask your VASCERN coordinator"), "{submit}");
    assert!(!submit.contains("PaedCAN"), "{submit}");
}

#[test]
fn the_saas_guides_point_to_their_own_networks_cpms2_guide() {
    let site = TestSite::bundled();
    site.build().success();
    for (g, step) in [
        ("reconnet", "request-access"),
        ("ern-rnd", "request-access"),
        ("paedcan", "request-access"),
    ] {
        let html = site.read(&format!("{g}/{step}/index.html"));
        assert!(html.contains(&format!("../../{g}-cpms2/index.html")), "{g}");
        if g != "paedcan" {
            assert!(
                !html.contains("paedcan-cpms2"),
                "{g} sends readers to PaedCAN's guide"
            );
        }
    }
}

#[test]
fn a_screen_that_is_the_same_for_every_network_is_captured_once() {
    let shots = common::repo_root().join("screenshots");
    let mut seen: std::collections::HashMap<Vec<u8>, String> = std::collections::HashMap::new();
    let mut copies = Vec::new();
    for entry in walkdir::WalkDir::new(&shots)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if entry.path().extension().is_some_and(|x| x == "png") {
            let bytes = std::fs::read(entry.path()).unwrap();
            let rel = entry
                .path()
                .strip_prefix(&shots)
                .unwrap()
                .display()
                .to_string();
            if let Some(first) = seen.insert(bytes, rel.clone()) {
                copies.push(format!("{rel} = {first}"));
            }
        }
    }
    assert!(seen.len() >= 20, "only {} screenshots", seen.len());
    assert!(copies.is_empty(), "identical screenshots (use one shared capture, see scripts/capture-screenshots.js SHARED):\n{}", copies.join("\n"));
}

#[test]
fn network_variants_come_from_data() {
    let site = TestSite::bundled();
    site.build().success();
    let rnd = main_text(&site.read("ern-rnd/request-access/index.html"));
    assert!(
        rnd.contains("It would be useful to write your speciality"),
        "ERN-RND comment hint"
    );
    assert!(
        rnd.contains("DE22 - Universitätsklinikum Tübingen"),
        "ERN-RND institutions"
    );
    let reconnet = main_text(&site.read("reconnet/request-access/index.html"));
    assert!(reconnet.contains("Panel Manager ERN"), "ReCONNET profiles");
    assert!(!reconnet.contains("It would be useful to write your speciality"));
    let prefs = main_text(&site.read("ern-rnd/sign-in-and-preferences/index.html"));
    assert!(prefs.contains("Leukodystrophies"), "ERN-RND thematic areas");
}

#[test]
fn each_practice_page_shows_its_own_networks_screens() {
    // The mock screens are made once per language, system and network and reused by every
    // guide of that network: each page must still show its own network's, never another's.
    let site = TestSite::bundled();
    site.build().success();
    let saas = [
        ("ern-rnd", "ERN-RND"),
        ("reconnet", "ReCONNET"),
        ("paedcan", "PaedCAN"),
    ];
    for lang in ["", "de/", "it/"] {
        for (slug, ern) in saas {
            let page = site.read(&format!("{lang}{slug}/sandbox/index.html"));
            for (_, other) in saas {
                let line = format!("<p class=\"sbx-small\">{other} &middot; USER");
                assert_eq!(
                    page.contains(&line),
                    other == ern,
                    "{lang}{slug}/sandbox: CPMS screen line {line}"
                );
            }
        }
        for (slug, rnd) in [
            ("ern-rnd-cpms2", true),
            ("reconnet-cpms2", false),
            ("ern-rnd", true),
        ] {
            let page = site.read(&format!("{lang}{slug}/sandbox/index.html"));
            assert_eq!(
                page.contains("Leukodystrophies"),
                rnd,
                "{lang}{slug}/sandbox: ERN-RND's thematic areas"
            );
        }
    }
}

#[test]
fn links_pages_come_from_data() {
    let site = TestSite::bundled();
    site.build().success();
    let links = site.read("paedcan/links/index.html");
    assert!(links.contains("mailto:cpmshelpdesk@paedcan.ern-net.eu"));
    assert!(links.contains(
        "href=\"https://webgate.ec.europa.eu/saas/home/roleNone/application/0/list.html\""
    ));
    assert!(links.contains("mailto:sante-ern-cpms-itsupport@ec.europa.eu"));
    let reconnet = site.read("reconnet/links/index.html");
    assert!(reconnet.contains("helpdesk.reconnet@ao-pisa.toscana.it"));
}

#[test]
fn saas_guides_carry_the_dated_cpms2_note() {
    let site = TestSite::bundled();
    site.build().success();
    for g in ["paedcan", "reconnet", "ern-rnd"] {
        let text = main_text(&site.read(&format!("{g}/index.html")));
        assert!(text.contains("An older document: CPMS before 2.0"), "{g}");
        assert!(
            text.contains("In 2024 CPMS was upgraded to CPMS 2.0"),
            "{g}"
        );
    }
    let text = main_text(&site.read("paedcan-cpms2/index.html"));
    assert!(
        !text.contains("An older document"),
        "the CPMS 2.0 guide has no SAAS note"
    );
}

/// Every guide step page (`<guide>/<step>/index.html`) of the output: (relative path, HTML).
/// Whether an output path is a page of another language (`de/...`): the content checks here
/// read the English pages; tests/i18n.rs and tests/browser/i18n.test.js cover the others.
fn translated(rel: &str) -> bool {
    rel.split('/').next().is_some_and(|first| first.len() == 2) && rel.contains('/')
}

fn step_pages(site: &TestSite) -> Vec<(String, String)> {
    common::walk(&site.out())
        .into_iter()
        .filter(|(rel, _)| {
            !translated(rel)
                && rel.matches('/').count() == 2
                && rel.ends_with("/index.html")
                && !["/links/", "/sandbox/", "/slides/", "/print/"]
                    .iter()
                    .any(|p| rel.contains(p))
        })
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn every_step_page_shows_review_date_and_sends_no_portal_feedback_to_helpdesks() {
    let site = TestSite::bundled();
    site.build().success();
    let pages = step_pages(&site);
    assert!(pages.len() >= 18, "only {} step pages", pages.len());
    for (rel, html) in pages {
        assert!(html.contains("last reviewed on <time"), "{rel}");
        assert!(html.contains("This portal is independent"), "{rel}");
        assert!(!html.contains("Found a mistake"), "{rel}");
    }
}

#[test]
fn no_published_page_names_a_placeholder_contact_or_internal_words() {
    let site = TestSite::bundled();
    site.build().success();
    for (rel, html) in guide_pages(&site) {
        // Sample people (maria.example@example.org) are text; a contact is a mailto: link.
        for part in html.split("mailto:").skip(1) {
            let addr: String = part.chars().take_while(|c| *c != '"').collect();
            assert!(
                !addr.ends_with("example.org") && !addr.ends_with("example.com"),
                "{rel}: placeholder contact {addr}"
            );
        }
        let text = main_text(&html).to_lowercase();
        for word in ["seed 0", "(seed", "placeholder", "todo", "1.x"] {
            assert!(!text.contains(word), "{rel} says \"{word}\"");
        }
    }
}

#[test]
fn countries_cut_off_in_a_screenshot_are_not_presented_as_complete() {
    let site = TestSite::bundled();
    site.build().success();
    for g in ["paedcan", "reconnet"] {
        let text = main_text(&site.read(&format!("{g}/request-access/index.html")));
        assert!(!text.contains("SAAS lists:"), "{g}");
        assert!(text.contains("shows every EU and EEA country"), "{g}");
    }
    let rnd = main_text(&site.read("ern-rnd/request-access/index.html"));
    assert!(rnd.contains("Slovenia, Spain."), "ERN-RND's complete list");
    assert!(!rnd.contains("United Kingdom"));
}

#[test]
fn a_network_without_a_published_helpdesk_says_so() {
    let site = TestSite::bundled();
    site.build().success();
    let text = main_text(&site.read("ern-rnd/index.html"));
    assert!(
        text.contains(
            "ERN-RND has not published a CPMS helpdesk address here: ask your ERN-RND coordinator"
        ),
        "{text}"
    );
    let links = main_text(&site.read("ern-rnd/links/index.html"));
    assert!(links.contains("Not published"), "{links}");
}

/// Guide pages (not the sandbox, whose data lists every dated method) at `site`.
fn guide_pages(site: &TestSite) -> Vec<(String, String)> {
    walkdir::WalkDir::new(site.out())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| {
            e.path()
                .strip_prefix(site.out())
                .is_ok_and(|rel| !translated(&rel.to_string_lossy()))
        })
        .map(|e| {
            (
                e.path()
                    .strip_prefix(site.out())
                    .unwrap()
                    .display()
                    .to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .filter(|(rel, _)| !rel.contains("/sandbox/"))
        .collect()
}

const ENDED: &[&str] = &[
    "no longer",
    "1 July 2025",
    "30 June 2025",
    "retired",
    "stopped",
    "ended",
];

#[test]
fn at_default_as_of_sms_is_only_mentioned_as_ended() {
    let site = TestSite::bundled();
    site.build().success();
    let mut mentions = 0;
    for (rel, html) in guide_pages(&site) {
        let text = main_text(&html);
        if text.contains("SMS") {
            mentions += 1;
            assert!(
                ENDED.iter().any(|w| text.contains(w)),
                "{rel} mentions SMS without saying it ended"
            );
        }
        assert!(
            !text.contains("choose Mobile Phone + SMS"),
            "{rel} recommends SMS"
        );
    }
    assert!(mentions > 0, "guides should tell readers SMS ended");
}

#[test]
fn before_the_sms_retirement_the_sms_steps_come_back() {
    let now = TestSite::bundled();
    now.build().success();
    let then = TestSite::bundled();
    then.edit("site.toml", "as_of = 2026-11-22", "as_of = 2025-05-01");
    then.build().success();
    let count = |site: &TestSite, needle: &str| {
        guide_pages(site)
            .iter()
            .filter(|(_, html)| main_text(html).contains(needle))
            .count()
    };
    // The phone-number screens of the seeds appear only while SMS was offered.
    assert_eq!(count(&now, "Manage my mobile phone numbers"), 0);
    assert!(count(&then, "Manage my mobile phone numbers") > 0);
    assert!(count(&then, "Mobile Phone + SMS") > count(&now, "Mobile Phone + SMS"));
}

/// `(guide, step file, sandbox screen)` of every step with `sandbox:` in its front matter, for
/// every guide of the built portal: a guide generated from a template folder (`network: "*"`)
/// has the template's steps.
fn steps_with_screens(site: &TestSite) -> Vec<(String, String, String)> {
    let guides = common::repo_root().join("content/guides");
    let folders: Vec<String> = std::fs::read_dir(&guides)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut out = Vec::new();
    for g in std::fs::read_dir(site.out())
        .unwrap()
        .filter_map(|e| e.ok())
    {
        let guide = g.file_name().to_string_lossy().into_owned();
        if !g.path().join("sandbox/index.html").is_file() {
            continue;
        }
        let folder = folders
            .iter()
            .find(|f| **f == guide)
            .or_else(|| folders.iter().find(|f| guide.ends_with(&format!("-{f}"))))
            .unwrap_or_else(|| panic!("no content folder for guide {guide}"));
        for f in std::fs::read_dir(guides.join(folder))
            .unwrap()
            .filter_map(|e| e.ok())
        {
            let name = f.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") || name.starts_with('_') {
                continue;
            }
            let text = std::fs::read_to_string(f.path()).unwrap();
            let front = text.split("---").nth(1).unwrap_or("");
            if let Some(screen) = front.lines().find_map(|l| l.strip_prefix("sandbox:")) {
                out.push((
                    guide.clone(),
                    format!("{folder}/{name}"),
                    screen.trim().trim_matches('"').to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_screen_a_step_shows_has_a_screenshot_and_its_regions() {
    let site = TestSite::bundled();
    site.build().success();
    let steps = steps_with_screens(&site);
    assert!(steps.len() >= 24 * 6, "{steps:?}");
    let shots = common::repo_root().join("screenshots");
    let mut missing = Vec::new();
    for (guide, file, screen) in &steps {
        // the guide's own capture, else the one shared by its system
        let system = if guide.ends_with("-cpms2") {
            "cpms2"
        } else {
            "saas"
        };
        for f in [format!("{screen}.png"), format!("{screen}.regions.json")] {
            if !shots.join(guide).join(&f).is_file() && !shots.join(system).join(&f).is_file() {
                missing.push(format!("content/guides/{file} (sandbox: {screen}) of {guide}: no screenshots/{guide}/{f} nor screenshots/{system}/{f}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "run scripts/screenshots:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_step_page_shows_figures_with_alt_text_and_call_outs() {
    let site = TestSite::bundled();
    site.build().success();
    let pages = step_pages(&site);
    assert!(pages.len() >= 18, "only {} step pages", pages.len());
    for (rel, html) in &pages {
        let guide = rel.split('/').next().unwrap();
        let figures: Vec<&str> = html
            .split("<figure class=\"eg-figure\">")
            .skip(1)
            .map(|f| &f[..f.find("</figure>").unwrap()])
            .collect();
        assert!(!figures.is_empty(), "{rel} shows no figure");
        assert!(html.contains("static/figure.js"), "{rel}");
        for f in figures {
            // the guide's own screenshots (or the capture shared by its system), described,
            // captioned, with numbered call-outs
            let system = if guide.ends_with("-cpms2") {
                "cpms2"
            } else {
                "saas"
            };
            assert!(
                f.contains(&format!("images/{guide}-")) || f.contains(&format!("images/{system}-")),
                "{rel}: a figure of another guide:\n{f}"
            );
            let alt = &f[f.find(" alt=\"").unwrap() + 6..];
            let alt = &alt[..alt.find('"').unwrap()];
            assert!(alt.len() > 40, "{rel}: alt text too short: {alt:?}");
            assert!(!alt.contains("{{") && !alt.contains("{%"), "{rel}: {alt}");
            assert!(
                f.contains("<span class=\"eg-figure-caption\">"),
                "{rel}: no caption:\n{f}"
            );
            assert!(f.contains("<li value=\"1\">"), "{rel}: no call-outs:\n{f}");
        }
    }
}

/// The SAAS practice page lists each access profile the network offers with its description
/// from `content/data/profiles.yaml` (read here, not repeated), and no profile it does not offer.
#[test]
fn saas_practice_pages_show_each_offered_profile_with_its_description() {
    let site = TestSite::bundled();
    site.build().success();
    let yaml = std::fs::read_to_string(site.path("content/data/profiles.yaml")).unwrap();
    let mut profiles: Vec<(String, String)> = Vec::new();
    for line in yaml.lines() {
        let value = |l: &str| {
            l.split_once(':')
                .unwrap()
                .1
                .trim()
                .trim_matches('"')
                .to_string()
        };
        if line.starts_with("- name:") {
            profiles.push((value(line), String::new()));
        } else if line.trim_start().starts_with("description:") {
            profiles.last_mut().unwrap().1 = value(line);
        }
    }
    assert_eq!(profiles.len(), 6, "{profiles:?}");
    for (guide, offered) in [("paedcan", 6), ("ern-rnd", 4)] {
        let page = site.read(&format!("{guide}/sandbox/index.html"));
        let rows = page.matches("data-s-field=\"profiles\"").count();
        assert_eq!(rows, offered, "{guide}: profile rows");
        for (name, description) in &profiles {
            let row = format!("value=\"{name}\"");
            if page.contains(&row) {
                let at = page.find(&row).unwrap();
                let end = at + page[at..].find("</tr>").unwrap();
                assert!(
                    page[at..end].contains(description.as_str()),
                    "{guide}: {name} without \"{description}\""
                );
            }
        }
    }
}

/// `name="value"` of the first element with `name` after `from` in `html`.
fn attr_after<'h>(html: &'h str, from: &str, name: &str) -> Option<&'h str> {
    let rest = &html[html.find(from)?..];
    let start = rest.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&rest[start..start + rest[start..].find('"')?])
}

/// `rel` (relative to the folder of page `page`) as a path from the output's root.
fn from_root(page: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[test]
fn every_page_has_its_own_languages_search_box_and_footer() {
    // The search form and the footer are made once per folder depth and language (`memo`):
    // every page, at any depth and in any language, must still point at its own files.
    let site = TestSite::bundled();
    site.build().success();
    let mut seen = std::collections::BTreeSet::new();
    for (rel, bytes) in common::walk(&site.out()) {
        if !rel.ends_with(".html") || rel.contains("/print/") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let Some(index) = attr_after(&html, "class=\"eg-search\"", "data-index") else {
            continue;
        };
        let lang = if translated(&rel) { &rel[..2] } else { "en" };
        assert_eq!(from_root(&rel, index), format!("search/{lang}.js"), "{rel}");
        assert_eq!(
            attr_after(&html, "class=\"eg-search\"", "data-lang"),
            Some(lang),
            "{rel}"
        );
        let base = attr_after(&html, "class=\"eg-search\"", "data-base").unwrap();
        let lang_root = if lang == "en" {
            String::new()
        } else {
            format!("{lang}/")
        };
        assert_eq!(
            from_root(&rel, &format!("{base}x")),
            format!("{lang_root}x"),
            "{rel}"
        );
        let accessibility = attr_after(&html, "class=\"eg-footer\"", "href").unwrap();
        assert_eq!(
            from_root(&rel, accessibility),
            format!("{lang_root}accessibility/index.html"),
            "{rel}"
        );
        seen.insert((lang.to_string(), rel.matches('/').count()));
    }
    // pages at three depths in each of the three languages
    assert!(seen.len() >= 9, "{seen:?}");
}
