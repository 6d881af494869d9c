"""Benchmark of the portal in three languages with search (issue 14).

Takes the generated ernguide site of one size, adds `languages = ["de", "it"]`, writes the
catalogs with `ernguide i18n extract` and fills them with pseudo-translations (each English
unit with its words reversed letter by letter, Jinja and {placeholders} kept), so every page
is fully "translated" and the build does all the per-language work. Then it times full builds
and reads the search index sizes the build reports on stderr:

    search index de: 812345 bytes, 301234 words (2.70 bytes/word)

and times search queries in Chromium on the built site (`query.js`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

LANGUAGES = ["de", "it"]
STATS = re.compile(r"^search index (\S+): (\d+) bytes, (\d+) words")
PIECE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[a-z_]+\}|`[^`]*`|\]\([^)]*\)|https?://\S+|\*\*)", re.S)


def pseudo(text: str) -> str:
    """A stand-in translation: words reversed, markup and placeholders kept."""
    out = []
    for i, part in enumerate(PIECE.split(text)):
        if i % 2 == 1:
            out.append(part)
        else:
            out.append(re.sub(r"[^\W\d_]{2,}", lambda m: m.group(0)[::-1], part))
    return "".join(out)


def po_unescape(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def po_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def fill_po(path: Path) -> int:
    """Fills every empty msgstr of a PO file with a pseudo-translation; returns how many."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    filled = 0
    out = []
    for b in blocks:
        if "msgctxt" in b:
            lines = b.split("\n")
            i = next(j for j, l in enumerate(lines) if l.startswith("msgstr"))
            k = next(j for j, l in enumerate(lines) if l.startswith("msgid"))
            msgid = po_unescape("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines[k:i]))))
            msgstr = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines[i:])))
            if not msgstr:
                lines = lines[:i] + ['msgstr "%s"' % po_escape(pseudo(msgid))]
                filled += 1
            b = "\n".join(lines)
        out.append(b)
    path.write_text("\n\n".join(out), encoding="utf-8")
    return filled


def prepare(site: Path, dest: Path, ernguide: Path) -> dict:
    """A copy of `site` in three languages, catalogs filled."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(site, dest)
    toml = dest / "site.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('language = "en"\n', 'language = "en"\nlanguages = %s\n' % (
        "[" + ", ".join(f'"{l}"' for l in LANGUAGES) + "]"), 1)
    toml.write_text(text, encoding="utf-8")
    subprocess.run([str(ernguide), "i18n", "extract", "--site", str(dest)], check=True,
                   capture_output=True, text=True)
    return {lang: fill_po(dest / "i18n" / f"{lang}.po") for lang in LANGUAGES}


def index_stats(stderr: str) -> dict:
    """`search index <lang>: ...` lines of a build's stderr."""
    stats = {}
    for line in stderr.splitlines():
        m = STATS.match(line.strip())
        if m:
            lang, size, words = m.group(1), int(m.group(2)), int(m.group(3))
            stats[lang] = {"bytes": size, "words": words,
                           "bytes_per_word": (size / words) if words else 0.0}
    return stats


def query_times(site: Path, langs: list[str]) -> dict:
    """Query times in headless Chromium on the built `site`, per language (`query.js`); on
    failure {"error": why} (e.g. no Chromium or npm packages on this machine)."""
    script = Path(__file__).with_name("query.js")
    try:
        p = subprocess.run(["node", str(script), str(site), *langs], capture_output=True,
                           text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": str(e)}
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines()
        return {"error": lines[0] if lines else f"exit {p.returncode}"}
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": "unreadable output: " + p.stdout[:200]}


# Hugo on the same three-language corpus: the comparison issue 14 asks for ("the 10,000-page
# build with search and two languages ... 0.3x Hugo's wall time on the same corpus"). Hugo gets
# the same pseudo-translations as ernguide's catalogs, as translated content files (one content
# folder per language, Hugo's "translation by content directory"), translated shared fragments
# picked by the page's language, and builds the three languages in one run. It builds no search
# index (ernguide does): an advantage to Hugo.

HUGO_INCLUDE = """{{- $net := index site.Data.networks (.Page.Params.network) -}}
{{- $dir := cond (eq .Page.Language.Lang "en") "shared" (printf "shared.%s" .Page.Language.Lang) -}}
{{- $t := readFile (printf "%s/%s" $dir (.Get 0)) -}}
{{- $t = replace $t "@NET(name)@" $net.name -}}
{{- replace $t "@NET(helpdesk.email)@" $net.helpdesk.email | safeHTML -}}
"""
FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
TRANSLATED_KEYS = ("title", "summary")


def pseudo_markdown(text: str) -> str:
    """A Markdown file with its front matter's title and summary and its body pseudo-translated
    (code blocks kept, as ernguide keeps them)."""
    m = FRONT.match(text)
    head, body = (m.group(1), text[m.end():]) if m else ("", text)
    lines = []
    for line in head.splitlines(keepends=True):
        key, sep, value = line.partition(": ")
        lines.append(f"{key}{sep}{pseudo(value)}" if sep and key in TRANSLATED_KEYS else line)
    out, in_code = [], False
    for line in body.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            out.append(line)
        else:
            out.append(line if in_code else pseudo(line))
    return ("---\n" + "".join(lines) + "---\n" if m else "") + "".join(out)


def prepare_hugo(site: Path, dest: Path) -> int:
    """A copy of the Hugo site `site` in English plus LANGUAGES; returns the files translated."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(site, dest)
    config = dest / "hugo.toml"
    text = config.read_text(encoding="utf-8")
    top = 'defaultContentLanguage = "en"\ndefaultContentLanguageInSubdir = false\n'
    langs = '\n[languages.en]\ncontentDir = "content"\nweight = 1\n' + "".join(
        f'\n[languages.{l}]\ncontentDir = "content.{l}"\nweight = {i + 2}\n' for i, l in enumerate(LANGUAGES))
    config.write_text(top + text + langs, encoding="utf-8")
    baseof = dest / "layouts/_default/baseof.html"
    baseof.write_text(baseof.read_text(encoding="utf-8").replace(
        '<html lang="en">', '<html lang="{{ site.Language.Lang }}">'), encoding="utf-8")
    (dest / "layouts/shortcodes/include.html").write_text(HUGO_INCLUDE, encoding="utf-8")
    translated = 0
    for lang in LANGUAGES:
        for folder in ("content", "shared"):
            src = dest / folder
            for path in sorted(src.rglob("*.md")):
                target = dest / f"{folder}.{lang}" / path.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(pseudo_markdown(path.read_text(encoding="utf-8")), encoding="utf-8")
                translated += 1
    return translated
