//! Translations (issue 14): the bundled German and Italian catalogs are complete; changing an
//! English paragraph marks its translation stale in `check` (per language, with counts; each
//! finding at the English source and at the catalog entry to edit) and the page shows that
//! paragraph in English, marked; `i18n extract` keeps the earlier translation as fuzzy; a
//! missing unit that `i18n extract` gave an empty entry is also reported at that entry; a
//! translation that drops a placeholder is not used; a malformed catalog is an error naming the
//! file and line.

mod common;

use common::TestSite;

const PARAGRAPH: &str =
    "If everything is filled in correctly, EU Login sends you an e-mail within a few seconds.";
const CHANGED: &str =
    "If everything is filled in correctly, EU Login sends you an e-mail within a minute.";

fn check(site: &TestSite) -> String {
    let out = site.cmd(&["check", "--site", "site"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A count (`stale`, `missing`, `invalid`) of a `translations <lang>: ...` line.
fn count(line: &str, what: &str) -> usize {
    line.split(", ")
        .find_map(|p| p.strip_suffix(&format!(" {what}")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {what} count in {line}"))
}

/// The `translations <lang>: ...` summary line of `check`.
fn summary<'a>(out: &'a str, lang: &str) -> &'a str {
    let prefix = format!("translations {lang}: ");
    out.lines()
        .find(|l| l.contains(&prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{out}"))
}

/// The line (1-based) of the `msgid` of the first entry of a PO text whose msgid starts with
/// `msgid_start` (a long msgid is wrapped over several quoted lines).
fn msgid_line(po: &str, msgid_start: &str) -> usize {
    let lines: Vec<&str> = po.lines().collect();
    (0..lines.len())
        .find(|&i| {
            let Some(first) = lines[i].strip_prefix("msgid ") else {
                return false;
            };
            let rest = lines[i + 1..].iter().take_while(|l| l.starts_with('"'));
            let joined: String = std::iter::once(first)
                .chain(rest.copied())
                .map(|l| l.trim_matches('"'))
                .collect();
            joined.starts_with(msgid_start)
        })
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no msgid starts with {msgid_start}"))
}

/// The first page of a language's output that contains `needle`.
fn step_page(site: &TestSite, lang: &str, needle: &str) -> String {
    let public = site.out().join(lang);
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.file_name() == "index.html" {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if text.contains(needle) {
                return text;
            }
        }
    }
    panic!("no page under {} contains {needle}", public.display());
}

#[test]
fn bundled_translations_are_complete() {
    let site = TestSite::bundled();
    let out = check(&site);
    for lang in ["de", "it"] {
        let line = summary(&out, lang);
        assert!(
            line.contains(" 0 stale, 0 missing, 0 invalid"),
            "{line}\n{out}"
        );
    }
}

#[test]
fn changing_an_english_paragraph_marks_its_translations_stale() {
    let site = TestSite::bundled();
    let before = check(&site);
    let po = |lang: &str| std::fs::read_to_string(site.path(&format!("i18n/{lang}.po"))).unwrap();
    site.edit(
        "content/shared/eu-login/create-account.md",
        PARAGRAPH,
        CHANGED,
    );
    let out = check(&site);
    for lang in ["de", "it"] {
        let (b, a) = (summary(&before, lang), summary(&out, lang));
        assert_eq!(count(a, "stale"), count(b, "stale") + 1, "{a}");
        assert_eq!(count(a, "missing"), count(b, "missing"), "{a}");
        let finding = out
            .lines()
            .find(|l| {
                l.contains(&format!("({lang})"))
                    && l.contains("stale")
                    && l.contains("within a minute")
            })
            .unwrap_or_else(|| panic!("no stale finding for {lang}:\n{out}"));
        assert!(
            finding.starts_with("content/shared/eu-login/create-account.md:")
                || finding.contains("/content/shared/eu-login/create-account.md:"),
            "{finding}"
        );
        assert!(finding.contains("within a minute"), "{finding}");
        // and the entry to edit: the one of the earlier text (the changed one has none yet)
        let line = msgid_line(&po(lang), PARAGRAPH);
        assert!(
            finding.ends_with(&format!(" (to edit: site/i18n/{lang}.po:{line})")),
            "{finding}"
        );
    }
    // The page shows the changed paragraph in English, marked as such, and the rest translated.
    site.build().success();
    // A German page (above the threshold) that includes the changed paragraph.
    let de = site.read("de/paedcan/create-eu-login/index.html");
    assert!(
        de.contains(&format!(
            "<span lang=\"en\" class=\"eg-untranslated\">{CHANGED}</span> <small class=\"eg-untranslated-mark\">(noch nicht übersetzt)</small>"
        )),
        "the changed paragraph is not marked English on the German page"
    );
    assert!(
        de.contains("Ihre Daten eingeben"),
        "the rest of the page is not German"
    );
}

#[test]
fn extract_keeps_the_earlier_translation_as_fuzzy() {
    let site = TestSite::bundled();
    site.edit(
        "content/shared/eu-login/create-account.md",
        PARAGRAPH,
        CHANGED,
    );
    site.cmd(&["i18n", "extract", "--site", "site"])
        .assert()
        .success();
    // Long strings are wrapped over several quoted lines: join them.
    let po = std::fs::read_to_string(site.path("i18n/de.po"))
        .unwrap()
        .replace("\"\n\"", "");
    let entry = po
        .split("\n\n")
        .find(|b| b.contains("within a minute"))
        .expect("the changed unit is in de.po");
    assert!(entry.contains("#, fuzzy"), "{entry}");
    assert!(
        entry.contains("English before the change: If everything is filled in correctly"),
        "{entry}"
    );
    assert!(
        entry.contains("msgstr \"Wenn alles richtig ausgefüllt ist"),
        "{entry}"
    );
    assert!(
        !po.contains(&format!("msgid \"{PARAGRAPH}\"")),
        "the obsolete entry was not dropped"
    );
    assert!(site.path("i18n/messages.pot").is_file());
    // Still stale until a translator confirms it, at its fuzzy entry.
    let out = check(&site);
    assert!(count(summary(&out, "de"), "stale") >= 1);
    let raw = std::fs::read_to_string(site.path("i18n/de.po")).unwrap();
    let line = msgid_line(&raw, CHANGED);
    let finding = (out.lines())
        .find(|l| l.contains("(de) stale") && l.contains("within a minute"))
        .unwrap_or_else(|| panic!("no stale finding:\n{out}"));
    assert!(
        finding.ends_with(&format!(" (to edit: site/i18n/de.po:{line})")),
        "{finding}"
    );
}

#[test]
fn a_new_paragraph_is_missing_at_its_source_and_at_its_empty_entry_after_extract() {
    const NEW: &str = "Keep the e-mail until your account works.";
    let site = TestSite::bundled();
    site.edit(
        "content/shared/eu-login/create-account.md",
        PARAGRAPH,
        &format!("{PARAGRAPH}\n\n{NEW}"),
    );
    let missing = |out: &str| -> String {
        (out.lines())
            .find(|l| l.contains("(de) missing") && l.contains(NEW))
            .unwrap_or_else(|| panic!("no missing finding:\n{out}"))
            .to_string()
    };
    // Before `i18n extract` there is no entry to name.
    let finding = missing(&check(&site));
    assert!(!finding.contains("to edit"), "{finding}");
    assert!(
        finding.contains("content/shared/eu-login/create-account.md:"),
        "{finding}"
    );
    site.cmd(&["i18n", "extract", "--site", "site"])
        .assert()
        .success();
    let raw = std::fs::read_to_string(site.path("i18n/de.po")).unwrap();
    let line = msgid_line(&raw, NEW);
    let finding = missing(&check(&site));
    assert!(
        finding.ends_with(&format!(" (to edit: site/i18n/de.po:{line})")),
        "{finding}"
    );
}

/// Replaces the msgstr of the first entry of a PO text whose msgid starts with `msgid_start`.
fn set_msgstr(po: &str, msgid_start: &str, msgstr: &str) -> String {
    let mut done = false;
    let blocks: Vec<String> = po
        .split("\n\n")
        .map(|b| {
            let joined: String = b
                .lines()
                .skip_while(|l| !l.starts_with("msgid "))
                .take_while(|l| !l.starts_with("msgstr"))
                .map(|l| l.trim_start_matches("msgid ").trim_matches('"'))
                .collect();
            if done || !joined.starts_with(msgid_start) {
                return b.to_string();
            }
            done = true;
            let at = b.find("\nmsgstr").expect("entry has a msgstr");
            format!("{}\nmsgstr \"{msgstr}\"", &b[..at])
        })
        .collect();
    assert!(done, "no entry starts with {msgid_start}");
    blocks.join("\n\n")
}

#[test]
fn a_translation_that_drops_a_placeholder_is_not_used() {
    let site = TestSite::bundled();
    let po = std::fs::read_to_string(site.path("i18n/de.po")).unwrap();
    let po = set_msgstr(
        &po,
        "Already have an EU Login? Go to",
        "Sie haben schon ein EU Login? Dann weiter mit Zwei-Faktor-Authentifizierung.",
    );
    site.write("i18n/de.po", &po);
    let out = check(&site);
    assert_eq!(count(summary(&out, "de"), "invalid"), 1, "{out}");
    assert_eq!(count(summary(&out, "it"), "invalid"), 0, "{out}");
    // at its English source, and at the entry to edit
    let line = msgid_line(&po, "Already have an EU Login? Go to");
    let finding = (out.lines())
        .find(|l| l.contains("(de) not used"))
        .unwrap_or_else(|| panic!("no finding:\n{out}"));
    assert!(finding.contains("/content/"), "{finding}");
    assert!(
        finding.ends_with(&format!(" (to edit: site/i18n/de.po:{line})")),
        "{finding}"
    );
    site.build().success();
    let de = step_page(&site, "de", "Already have an EU Login? Go to");
    assert!(
        de.contains("<span lang=\"en\" class=\"eg-untranslated\">Already have an EU Login?"),
        "the unit with the broken translation is not shown in English"
    );
}

#[test]
fn a_malformed_catalog_is_an_error_with_file_and_line() {
    let site = TestSite::bundled();
    site.build().success();
    let before = site.read("index.html");
    let po = std::fs::read_to_string(site.path("i18n/it.po")).unwrap();
    let line = po.lines().count() + 2;
    site.write(
        "i18n/it.po",
        &format!("{po}\nmsgid \"broken\nmsgstr \"\"\n"),
    );
    let out = site
        .cmd(&["build", "--site", "site", "--out", "public"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("i18n/it.po:{line}:")),
        "expected i18n/it.po:{line} in:\n{stderr}"
    );
    assert_eq!(site.read("index.html"), before, "previous output changed");
}

#[test]
fn figure_texts_are_translated_or_shown_in_english_marked() {
    let site = TestSite::bundled();
    let file = "content/shared/cpms/first-login.md";
    let before = check(&site);
    site.edit(
        file,
        "caption: \"CPMS: the login page (practice sandbox)\"",
        "caption: \"CPMS: the sign-in page (practice sandbox)\"",
    );
    site.edit(
        file,
        "alt: \"The CPMS login page of the European",
        "alt: \"The CPMS sign-in page of the European",
    );
    let out = check(&site);
    for lang in ["de", "it"] {
        let (b, a) = (summary(&before, lang), summary(&out, lang));
        assert_eq!(count(a, "stale"), count(b, "stale") + 2, "{a}");
        assert!(
            out.lines().any(|l| l.contains(&format!("({lang})"))
                && l.contains("stale")
                && l.contains("CPMS: the sign-in page")),
            "no stale finding for the caption in {lang}:\n{out}"
        );
    }
    site.build().success();
    let de = site.read("de/paedcan/first-login/index.html");
    // The changed alt text: English, on an element marked English.
    assert!(
        de.contains("<img lang=\"en\" src=")
            && de.contains("alt=\"The CPMS sign-in page of the European"),
        "the changed alt text is not marked English"
    );
    // The changed caption: English, marked, inside the caption.
    assert!(
        de.contains("<span class=\"eg-figure-caption\"><span lang=\"en\" class=\"eg-untranslated\">CPMS: the sign-in page (practice sandbox)</span> <small class=\"eg-untranslated-mark\">(noch nicht übersetzt)</small></span>"),
        "the changed caption is not marked English"
    );
    // The unchanged call-out label and the other figure: German.
    assert!(
        de.contains("<li value=\"1\">Klicken Sie auf Login via EU Login</li>"),
        "the call-out label is not German"
    );
    assert!(
        de.contains("alt=\"Die CPMS-Seite ERN Preferences für PaedCAN:"),
        "the other figure's alt text is not German"
    );
    assert!(de.contains("(Bild in voller Größe öffnen)"));
    assert!(!de.contains('\u{2E20}') && !de.contains('\u{2E21}'));
    let it = site.read("it/paedcan/first-login/index.html");
    assert!(
        it.contains("<li value=\"1\">Cliccate su Login via EU Login</li>"),
        "the call-out label is not Italian"
    );
}

#[test]
fn sandbox_guidance_is_translated_and_screens_stay_english() {
    let site = TestSite::bundled();
    site.build().success();
    let en = site.read("paedcan/sandbox/index.html");
    let de = site.read("de/paedcan/sandbox/index.html");
    let it = site.read("it/paedcan/sandbox/index.html");
    assert!(en.contains(r#""Click \"Login via EU Login\".""#));
    assert!(
        de.contains(r#""Klicken Sie auf \"Login via EU Login\".""#),
        "the German sandbox's hints are not German"
    );
    assert!(!de.contains(r#""Click \"Login via EU Login\".""#));
    assert!(
        !it.contains(r#""Click \"Login via EU Login\".""#),
        "the Italian sandbox's hints are not Italian"
    );
    // The mock screen keeps the real product's English label.
    for page in [&de, &it] {
        assert!(page.contains(">Login via EU Login</button>"));
    }
}

/// hreflang alternates need full addresses: none without `base_url`, absolute ones with it
/// (the page itself included, the same page in each language).
#[test]
fn hreflang_alternates_are_absolute_and_only_with_a_base_url() {
    let site = TestSite::bundled();
    site.build().success();
    let home = site.read("paedcan/index.html");
    assert!(!home.contains("<link rel=\"alternate\""), "{home}");
    assert!(
        home.contains("hreflang=\"de\""),
        "the switcher keeps its hreflang links"
    );

    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!("base_url = \"https://help.example.org/ern\"\n{toml}"),
    );
    site.build().success();
    for (page, lang) in [
        ("paedcan/index.html", "en"),
        ("de/paedcan/index.html", "de"),
    ] {
        let html = site.read(page);
        for (code, url) in [
            ("en", "https://help.example.org/ern/paedcan/index.html"),
            ("de", "https://help.example.org/ern/de/paedcan/index.html"),
            ("it", "https://help.example.org/ern/it/paedcan/index.html"),
        ] {
            let link = format!("<link rel=\"alternate\" hreflang=\"{code}\" href=\"{url}\">");
            assert!(html.contains(&link), "{lang} page lacks {link}");
        }
    }
}
