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
