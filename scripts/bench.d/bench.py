"""Runs the benchmark (called by scripts/bench, which installs the tools and builds ernguide).

Generates the synthetic sites (gen.py), builds each with ernguide, Hugo and mdBook in turns,
several runs each, measuring wall time and peak RSS with /usr/bin/time -v; then ernguide's
no-change and one-page-edit rebuilds, the bundled portal's build, and the bytes a guide page
ships. Prints the tables and writes them to a Markdown file. Python standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402
import i18n as i18n_bench  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Measurement:
    def __init__(self, wall: float, rss_kib: int):
        self.wall = wall
        self.rss_kib = rss_kib


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> Measurement:
    """Runs cmd under /usr/bin/time -v; wall time from a monotonic clock, peak RSS from time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        tpath = tf.name
    try:
        full = ["/usr/bin/time", "-v", "-o", tpath] + cmd
        t0 = time.perf_counter()
        p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=env, cwd=cwd, text=True)
        wall = time.perf_counter() - t0
        report = Path(tpath).read_text()
    finally:
        os.unlink(tpath)
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return Measurement(wall, int(m.group(1)) if m else 0)


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def fmt_s(x: float) -> str:
    if x != x:
        return "-"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def fmt_mib(kib: float) -> str:
    return "-" if kib != kib else f"{kib / 1024:.0f} MiB"


def fmt_ratio(a: float, b: float) -> str:
    if a != a or b != b or b == 0:
        return "-"
    return f"{a / b:.3f}x"


def sh(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "nproc": sh(["nproc"]),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def tool_versions(ernguide: Path, tools: list[str]) -> dict:
    v = {"ernguide": sh([str(ernguide), "--version"]) + f" (git {sh(['git', '-C', str(REPO), 'rev-parse', '--short', 'HEAD'])}"
         + (", uncommitted changes" if sh(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"]) else "") + ")"}
    if "hugo" in tools:
        v["hugo"] = sh(["hugo", "version"])
    if "mdbook" in tools:
        v["mdbook"] = sh(["mdbook", "--version"])
    v["rustc"] = sh(["rustc", "--version"])
    v["python"] = platform.python_version()
    return v


def build_cmd(tool: str, ernguide: Path, site: Path, out: Path) -> list[str]:
    if tool == "ernguide":
        return [str(ernguide), "build", "--site", str(site), "--out", str(out)]
    if tool == "hugo":
        return ["hugo", "--quiet", "--source", str(site), "--destination", str(out)]
    if tool == "mdbook":
        return ["mdbook", "build", str(site), "--dest-dir", str(out)]
    raise ValueError(tool)


def rm(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)


def count_files(d: Path, suffix: str = ".html") -> int:
    return sum(1 for p in d.rglob(f"*{suffix}")) if d.exists() else 0


# ---------------------------------------------------------------------------------------------
# Bytes shipped by a page: the HTML plus every stylesheet and script it references.

ASSET_RE = re.compile(
    r"""<link\b[^>]*\brel=["']?stylesheet["']?[^>]*\bhref=["']([^"']+)["']"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)["'][^>]*\brel=["']?stylesheet"""
    r"""|<script\b[^>]*\bsrc=["']([^"']+)["']""",
    re.I,
)


def page_bytes(out: Path, page: Path) -> tuple[int, int, list[str]]:
    """(total bytes, HTML bytes, referenced asset paths) for `page` inside site root `out`."""
    html = page.read_text(encoding="utf-8", errors="replace")
    total = len(html.encode("utf-8"))
    assets = []
    seen = set()
    # (a page's late scripts are ordinary <script src> inside its <template data-eg-late>: counted)
    refs = [next(g for g in m.groups() if g) for m in ASSET_RE.finditer(html)]
    for ref in refs:
        ref = ref.split("#")[0].split("?")[0]
        if re.match(r"^[a-z]+:", ref, re.I) or not ref:
            continue
        path = (out / ref.lstrip("/")) if ref.startswith("/") else (page.parent / ref)
        path = path.resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        total += path.stat().st_size
        assets.append(os.path.relpath(path, out))
    return total, len(html.encode("utf-8")), assets


# ---------------------------------------------------------------------------------------------


def run_size(pages: int, runs: int, mdbook_runs: int, tools: list[str], ernguide: Path,
             work: Path, rebuild_runs: int, kept: list[Path]) -> dict:
    """The full builds of a site of `pages` sources by each tool; the folder of their outputs
    is added to `kept` (deleted by `main` once every timed run is done)."""
    dest = work / f"site-{pages}"
    log(f"\n== {pages} pages: generating sites in {dest}")
    info = gen.generate(dest, pages, REPO, tools)
    res: dict = {"pages": pages, "info": info, "tools": {}, "outputs": {}}
    runs_dir = dest / "runs"
    rm(runs_dir)
    kept.append(runs_dir)
    outs: dict[str, Path] = {}
    per_tool_runs = {t: (mdbook_runs if t == "mdbook" else runs) for t in tools}
    samples: dict[str, list[Measurement]] = {t: [] for t in tools}
    # Every run writes into a new folder, and nothing is deleted until all runs are done:
    # ext4 makes creating files slow right after deleting thousands of them, which would
    # charge one tool for the clean-up of another's run.
    # Warm-up (not timed): binaries and sources in the page cache.
    for t in tools:
        if t != "mdbook" or mdbook_runs >= runs:
            measure(build_cmd(t, ernguide, dest / t, runs_dir / f"{t}-warm-up"))
    for r in range(max(per_tool_runs.values())):
        order = tools[r % len(tools):] + tools[: r % len(tools)]  # alternate who goes first
        for t in order:
            if r >= per_tool_runs[t]:
                continue
            outs[t] = runs_dir / f"{t}-{r + 1}"
            os.sync()
            m = measure(build_cmd(t, ernguide, dest / t, outs[t]))
            samples[t].append(m)
            log(f"  run {r + 1} {t:8s} {fmt_s(m.wall):>9s} {fmt_mib(m.rss_kib):>9s}")
    for t in tools:
        res["tools"][t] = {
            "runs": len(samples[t]),
            "wall": med([m.wall for m in samples[t]]),
            "rss": med([m.rss_kib for m in samples[t]]),
            "walls": [round(m.wall, 3) for m in samples[t]],
            "html_files": count_files(outs[t]),
        }

    # ernguide rebuilds (the plain `build` command onto the existing output).
    out = outs["ernguide"]
    site = dest / "ernguide"
    nochange = [measure(build_cmd("ernguide", ernguide, site, out)) for _ in range(rebuild_runs)]
    step = site / "content/guides" / gen.layout(pages)[0]["slug"] / gen.step_file(gen.step_index("request-access"))
    original = step.read_text(encoding="utf-8")
    edits = []
    try:
        for i in range(rebuild_runs):
            step.write_text(original + f"\nEdited for benchmark run {i}.\n", encoding="utf-8")
            edits.append(measure(build_cmd("ernguide", ernguide, site, out)))
    finally:
        step.write_text(original, encoding="utf-8")
    res["nochange"] = {"wall": med([m.wall for m in nochange]), "rss": med([m.rss_kib for m in nochange]),
                       "runs": len(nochange)}
    res["edit"] = {"wall": med([m.wall for m in edits]), "rss": med([m.rss_kib for m in edits]),
                   "runs": len(edits)}
    log(f"  ernguide no-change rebuild {fmt_s(res['nochange']['wall'])}, one-page edit {fmt_s(res['edit']['wall'])}")

    # Stage timings of one ernguide build.
    env = dict(os.environ, ERNGUIDE_TIMINGS="1")
    p = subprocess.run(build_cmd("ernguide", ernguide, site, out), capture_output=True, text=True, env=env)
    res["timings"] = [l for l in p.stderr.splitlines() if l.startswith("timing")]

    # Bytes of one step page ("request-access" of the first guide) in each tool's output.
    g = gen.layout(pages)[0]["slug"]
    si = gen.step_index("request-access")
    step_pages = {
        "ernguide": outs["ernguide"] / g / gen.STEP_TOPICS[si][0] / "index.html",
        "hugo": outs.get("hugo", Path("-")) / g / gen.step_file(si)[:-3] / "index.html",
        "mdbook": outs.get("mdbook", Path("-")) / g / (gen.step_file(si)[:-3] + ".html"),
    }
    res["bytes"] = {}
    for t in tools:
        if step_pages[t].is_file():
            total, html, assets = page_bytes(outs[t], step_pages[t])
            res["bytes"][t] = {"total": total, "html": html, "assets": assets}
    return res


def run_i18n(size: dict, runs: int, ernguide: Path, work: Path, kept: list[Path]) -> dict:
    """The site of `size` in English, German and Italian (pseudo-translated) with search:
    full-build wall time and memory, and each language's search index size (issue 14); Hugo
    on the same corpus in the same languages, its runs alternating with ernguide's. The folder
    of the outputs is added to `kept`, as in `run_size`."""
    pages = size["pages"]
    site = work / f"site-{pages}" / "ernguide"
    dest = work / f"site-{pages}-i18n"
    log(f"\n== {pages} pages in {', '.join(['en'] + i18n_bench.LANGUAGES)} with search")
    if not site.is_dir():
        gen.generate(work / f"site-{pages}", pages, REPO, ["ernguide"])
    filled = i18n_bench.prepare(site, dest, ernguide)
    hugo_site = work / f"site-{pages}" / "hugo"
    hugo_dest = work / f"site-{pages}-i18n-hugo"
    translated = None
    if size["tools"].get("hugo") and hugo_site.is_dir():
        log(f"  Hugo gets the same corpus in {', '.join(['en'] + i18n_bench.LANGUAGES)}")
        translated = i18n_bench.prepare_hugo(hugo_site, hugo_dest)
    sites = {"ernguide": dest, **({"hugo": hugo_dest} if translated is not None else {})}
    tools = list(sites)
    out_base = dest / "runs"
    rm(out_base)
    kept.append(out_base)
    # As for the English sites: every run into a new folder, nothing deleted until all runs
    # are done, who goes first alternating; and each timed run starts after `sync`, so that
    # no run pays for writing back the ~1 GB that the run before it left in the page cache.
    for t in tools:
        measure(build_cmd(t, ernguide, sites[t], out_base / f"{t}-warm-up"))
    samples: dict[str, list[Measurement]] = {t: [] for t in tools}
    for r in range(runs):
        for t in tools[r % len(tools):] + tools[: r % len(tools)]:
            os.sync()
            m = measure(build_cmd(t, ernguide, sites[t], out_base / f"{t}-{r + 1}"))
            samples[t].append(m)
            log(f"  run {r + 1} {t:8s} {fmt_s(m.wall):>9s} {fmt_mib(m.rss_kib):>9s}")
    hugo_html = count_files(out_base / "hugo-1") if "hugo" in sites else 0
    p = subprocess.run(build_cmd("ernguide", ernguide, dest, out_base / "stats"), capture_output=True, text=True)
    stats = i18n_bench.index_stats(p.stderr)
    for lang, st in stats.items():
        log(f"  search/{lang}.js {st['bytes']:,} bytes, {st['words']:,} words, {st['bytes_per_word']:.2f} B/word")
    html = count_files(out_base / "stats")
    queries = i18n_bench.query_times(out_base / "stats", ["en"] + i18n_bench.LANGUAGES)
    if "error" in queries:
        log(f"  query times: not measured ({queries['error']})")
    for lang, q in sorted(queries.items()):
        if lang != "error":
            log(f"  query {lang}: median {q['median_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms, "
                f"max {q['max_ms']:.2f} ms ({q['queries']} queries; index loaded in {q['load_ms']} ms)")
    ours, hugo = samples["ernguide"], samples.get("hugo")
    hugo_i18n = None if not hugo else {
        "runs": len(hugo), "wall": med([m.wall for m in hugo]), "rss": med([m.rss_kib for m in hugo]),
        "walls": [round(m.wall, 3) for m in hugo], "html_files": hugo_html, "translated_files": translated}
    return {"pages": pages, "sources": size["info"]["sources"], "filled": filled, "runs": len(ours),
            "wall": med([m.wall for m in ours]), "rss": med([m.rss_kib for m in ours]),
            "walls": [round(m.wall, 3) for m in ours], "html_files": html, "index": stats,
            "queries": queries,
            "hugo_wall": size["tools"]["hugo"]["wall"] if size["tools"].get("hugo") else None,
            "hugo_i18n": hugo_i18n,
            "english_wall": size["tools"]["ernguide"]["wall"]}


def bundled_portal(ernguide: Path, work: Path, runs: int) -> dict:
    """The bundled portal (repo root): full build, no-change and one-step-edit rebuilds, bytes."""
    log("\n== bundled portal")
    copy = work / "portal"
    rm(copy)
    copy.mkdir(parents=True)
    shutil.copy(REPO / "site.toml", copy / "site.toml")
    for d in ["content", "themes", "screenshots"]:
        if (REPO / d).is_dir():
            shutil.copytree(REPO / d, copy / d)
    out = work / "portal-out"
    cmd = build_cmd("ernguide", ernguide, copy, out)
    rm(out)
    measure(cmd)  # warm-up
    full = []
    for _ in range(runs):
        rm(out)
        full.append(measure(cmd))
    nochange = [measure(cmd) for _ in range(runs)]
    steps = sorted((copy / "content/guides").glob("*/0*.md"))
    edits = []
    if steps:
        original = steps[0].read_text(encoding="utf-8")
        try:
            for i in range(runs):
                steps[0].write_text(original + f"\nEdited for benchmark run {i}.\n", encoding="utf-8")
                edits.append(measure(cmd))
        finally:
            steps[0].write_text(original, encoding="utf-8")
    measure(cmd)
    env = dict(os.environ, ERNGUIDE_TIMINGS="1")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    timings = [l for l in p.stderr.splitlines() if l.startswith("timing")]

    # Bytes per page: every step page and every sandbox page, in every language (the default
    # language's guides at <guide>/, the others' at <lang>/<guide>/; a language folder has a
    # two-letter name, a guide's slug is longer).
    step_sizes, sandbox_sizes = [], []
    langs = {d.name for d in out.iterdir() if d.is_dir() and len(d.name) == 2 and (d / "index.html").is_file()}
    pages = [p for p in out.glob("*/*/index.html") if p.parent.parent.name not in langs]
    pages += [p for p in out.glob("*/*/*/index.html") if p.parent.parent.parent.name in langs]
    for page in sorted(pages):
        kind = page.parent.name
        if page.parent.parent.name == "static":
            continue
        total, html, assets = page_bytes(out, page)
        entry = (total, html, os.path.relpath(page, out), assets)
        if kind == "sandbox":
            sandbox_sizes.append(entry)
        elif kind not in ("links", "slides", "print"):  # a guide's deck and handout are not step pages
            step_sizes.append(entry)
    res = {
        "runs": runs,
        "full": med([m.wall for m in full]),
        "full_rss": med([m.rss_kib for m in full]),
        "nochange": med([m.wall for m in nochange]),
        "edit": med([m.wall for m in edits]),
        "pages": count_files(out),
        "timings": timings,
        "step_max": max(step_sizes, default=None),
        "step_median": med([s[0] for s in step_sizes]),
        "sandbox_max": max(sandbox_sizes, default=None),
    }
    log(f"  full {fmt_s(res['full'])}, no-change {fmt_s(res['nochange'])}, edit {fmt_s(res['edit'])}")
    return res


def bench_reload() -> dict | None:
    script = REPO / "scripts/bench-reload"
    if not (script.is_file() and os.access(script, os.X_OK)):
        return None
    log("\n== scripts/bench-reload")
    p = subprocess.run([str(script), "--binary", str(REPO / "target/release/ernguide")],
                       capture_output=True, text=True, cwd=REPO)
    text = (p.stdout + "\n" + p.stderr).strip()
    m = re.findall(r"median[^0-9]*([0-9.]+)\s*ms", text, re.I)
    return {"rc": p.returncode, "median_ms": float(m[-1]) if m else None,
            "tail": "\n".join(text.splitlines()[-8:])}


def bench_serve() -> dict | None:
    script = REPO / "scripts/bench-serve"
    if not (script.is_file() and os.access(script, os.X_OK)):
        return None
    log("\n== scripts/bench-serve")
    p = subprocess.run([str(script), "--binary", str(REPO / "target/release/ernguide")],
                       capture_output=True, text=True, cwd=REPO)
    text = (p.stdout + "\n" + p.stderr).strip()
    modes = {}
    for m in re.finditer(r"^(keep-alive|new connection per request): .*?errors (\d+), p50 ([0-9.]+) ms, "
                         r"p90 ([0-9.]+) ms, p99 ([0-9.]+) ms", text, re.M):
        modes[m.group(1)] = {"errors": int(m.group(2)), "p50": float(m.group(3)),
                             "p90": float(m.group(4)), "p99": float(m.group(5))}
    return {"rc": p.returncode, "modes": modes, "tail": "\n".join(text.splitlines()[-8:])}


# ---------------------------------------------------------------------------------------------


def targets(sizes, portal, reload, serve=None, i18n=None) -> list[list[str]]:
    """Rows (target, measured, met) for the issue's targets that this run measured."""
    rows = []
    yes = lambda ok: "yes" if ok else "**no**"  # noqa: E731
    if i18n:
        n = i18n["sources"]
        hi = i18n.get("hugo_i18n")
        if hi:
            r = i18n["wall"] / hi["wall"]
            rows.append([f"{n} sources, 3 languages with search: wall time <= 0.3x Hugo's on the same "
                         "3-language corpus (issue 14)",
                         f"{r:.2f}x ({fmt_s(i18n['wall'])} vs {fmt_s(hi['wall'])})", yes(r <= 0.3)])
        if i18n["hugo_wall"]:
            r = i18n["wall"] / i18n["hugo_wall"]
            rows.append([f"{n} sources, 3 languages with search: wall time <= 0.3x Hugo's English-only build "
                         "(the stricter reading, issue 14)",
                         f"{r:.2f}x ({fmt_s(i18n['wall'])} vs {fmt_s(i18n['hugo_wall'])})", yes(r <= 0.3)])
        for lang, st in sorted(i18n["index"].items()):
            rows.append([f"{n} sources: search/{lang}.js <= 1.5 MB and <= 4 bytes per indexed word (issue 14)",
                         f"{st['bytes'] / 1e6:.2f} MB, {st['bytes_per_word']:.2f} B/word",
                         yes(st["bytes"] <= 1_500_000 and st["bytes_per_word"] <= 4.0)])
        for lang, q in sorted(i18n.get("queries", {}).items()):
            if lang == "error":
                rows.append([f"{n} sources: a search query in Chromium < 30 ms (issue 14)",
                             f"not measured: {q}", "**no**"])
                continue
            rows.append([f"{n} sources: a search query in Chromium ({lang}) < 30 ms, 95th percentile (issue 14)",
                         f"median {q['median_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms, max {q['max_ms']:.2f} ms",
                         yes(q["p95_ms"] < 30)])
    big = max(sizes, key=lambda s: s["pages"], default=None)
    if big:
        e = big["tools"]["ernguide"]
        n = big["info"]["sources"]
        h = big["tools"].get("hugo")
        if h:
            r = e["wall"] / h["wall"]
            rows.append([f"{n} sources: wall time <= 0.3x Hugo's", f"{r:.2f}x ({fmt_s(e['wall'])} vs {fmt_s(h['wall'])})", yes(r <= 0.3)])
            r = e["rss"] / h["rss"]
            rows.append([f"{n} sources: peak memory <= 0.5x Hugo's", f"{r:.2f}x ({fmt_mib(e['rss'])} vs {fmt_mib(h['rss'])})", yes(r <= 0.5)])
        m = big["tools"].get("mdbook")
        if m:
            r = e["wall"] / m["wall"]
            rows.append([f"{n} sources: far below mdBook", f"{r:.3f}x ({fmt_s(e['wall'])} vs {fmt_s(m['wall'])})", yes(r <= 0.1)])
    if portal:
        rows.append(["bundled portal: full release build < 0.3 s", fmt_s(portal["full"]), yes(portal["full"] < 0.3)])
        rows.append(["bundled portal: one-step edit rebuilt < 50 ms (plain `build`, whole site)", fmt_s(portal["edit"]), yes(portal["edit"] < 0.05)])
        if reload and reload.get("median_ms") is not None:
            ms = reload["median_ms"]
            rows.append(["bundled portal: edit-to-reload in `serve` (incl. the 10 ms debounce and event delivery)",
                         f"{ms:.0f} ms", "yes" if ms < 50 else "see note"])
        for mode, r in ((serve or {}).get("modes") or {}).items():
            rows.append([f"`serve` under load, {mode} (16 clients, 3 stalling): 0 errors, p99 (keep-alive < 1 ms)",
                         f"{r['errors']} errors, p99 {r['p99']:.2f} ms",
                         yes(r["errors"] == 0 and (mode != "keep-alive" or r["p99"] < 1.0))])
        if portal["step_max"]:
            b = portal["step_max"][0]
            rows.append(["step page <= 60 KB HTML+CSS+JS (largest)", f"{b / 1000:.1f} KB", yes(b <= 60_000)])
        if portal["sandbox_max"]:
            b = portal["sandbox_max"][0]
            rows.append(["sandbox page <= 150 KB HTML+CSS+JS (largest)", f"{b / 1000:.1f} KB", yes(b <= 150_000)])
    return rows


def report(args, machine, versions, loads, sizes, portal, reload, serve=None, i18n=None) -> str:
    L = []
    w = L.append
    w("# Benchmarks\n")
    w("Produced by `scripts/bench` " + ("(quick mode) " if args.quick else "") +
      "on " + machine["date"] + ". Reproduce with:\n")
    w("```sh\n" + args.command + "\n```\n")
    w("## Machine\n")
    w(f"- CPU: {machine['cpu']}, {machine['nproc']} cores (nproc)")
    w(f"- Memory: {machine['memory']}; kernel {machine['kernel']}")
    w(f"- Load average (1/5/15 min) before the run: {loads['before']}; after: {loads['after']}")
    w(f"- {args.load_note}")
    for k, v in versions.items():
        w(f"- {k}: `{v}`")
    w("")
    w("## Method\n")
    w(f"Each site has N Markdown sources: guides of one overview and {gen.STEPS_PER_GUIDE} steps, "
      f"spread over {gen.NETWORKS} networks (see `scripts/bench.d/gen.py`). Every step has front matter, "
      "`##` headings, a bulleted and a numbered list, a table, an admonition, a fenced YAML block "
      "(highlighted at build time by ernguide and Hugo; mdBook's default theme highlights in the browser), "
      "internal links to other steps, per-network variables and an include of a shared fragment. "
      "Hugo gets a minimal theme (base template, one page per source, a navigation list of the "
      "section's pages, shortcodes for includes/variables/links, chroma's default highlighting; "
      "taxonomies, RSS, sitemap and robots.txt disabled). mdBook gets `SUMMARY.md` with a part per network, "
      "`{{#include}}` for the shared fragments (no variables: the values are written into the pages) "
      "and its default theme and search. "
      "ernguide additionally writes a links page and a sandbox page (with the sandbox flow as JSON) per guide.\n")
    w("Tools run one after another, alternating which goes first, each run into a new output "
      "folder (outputs are deleted only after all timed runs, of every size and language: on ext4, creating thousands of "
      "files right after deleting thousands is markedly slower, which would charge one tool for "
      "another's clean-up); each timed run starts after a `sync`, so that none pays for writing back "
      "the output of the run before it. Wall time is measured around `/usr/bin/time -v`, peak memory is its "
      "maximum resident set size; the tables show medians. One untimed warm-up run per tool "
      "precedes the timed runs (not for mdBook when it gets fewer runs). All three tools use both "
      "cores.\n")
    w("## Targets (issue 6)\n")
    w("| Target | Measured | Met |")
    w("|---|---:|:---:|")
    for row in targets(sizes, portal, reload, serve, i18n):
        w("| " + " | ".join(row) + " |")
    w("")
    if i18n:
        w("## Languages and search (issue 14)\n")
        w(f"The {i18n['sources']}-source site built in English, German and Italian (`languages = [\"de\", \"it\"]`; "
          "catalogs written by `ernguide i18n extract` and filled with pseudo-translations, every unit's words "
          "reversed with markup and placeholders kept, so every page is fully translated), with one search "
          "index per language. Median of "
          f"{i18n['runs']} full builds: {fmt_s(i18n['wall'])} (runs: {', '.join(fmt_s(x) for x in i18n['walls'])}), peak RSS {fmt_mib(i18n['rss'])} "
          f"({i18n['html_files']} HTML files; English only: {fmt_s(i18n['english_wall'])}).\n")
        hi = i18n.get("hugo_i18n")
        if hi:
            w(f"Hugo on the same corpus in the same three languages (the same pseudo-translations as translated "
              f"content folders, `content.de/`, `content.it/`, and translated shared fragments; "
              f"`scripts/bench.d/i18n.py` `prepare_hugo`), no search index, its runs alternating with ernguide's: "
              f"median of {hi['runs']} full builds {fmt_s(hi['wall'])} (runs: {', '.join(fmt_s(x) for x in hi['walls'])}), peak RSS {fmt_mib(hi['rss'])} ({hi['html_files']} HTML files).\n")
        w("| Index | Bytes | Indexed words | Bytes per word |")
        w("|---|---:|---:|---:|")
        for lang, st in sorted(i18n["index"].items()):
            w(f"| search/{lang}.js | {st['bytes']:,} | {st['words']:,} | {st['bytes_per_word']:.2f} |")
        w("")
        qs = {k: v for k, v in i18n.get("queries", {}).items() if k != "error"}
        if qs:
            w("Search in headless Chromium from `file://` (`scripts/bench.d/query.js`): each language's home page, "
              "the search box focused (loading `search/<lang>.js`), then words of the page and their first three "
              "letters as queries, each timed 5 times inside the page (input event to results rendered).\n")
            w("| Language | Queries | Median | 95th percentile | Max | Index loaded (focus to first answer) |")
            w("|---|---:|---:|---:|---:|---:|")
            for lang, q in sorted(qs.items()):
                w(f"| {lang} | {q['queries']} | {q['median_ms']:.2f} ms | {q['p95_ms']:.2f} ms | "
                  f"{q['max_ms']:.2f} ms | {q['load_ms']} ms |")
            w("")
        elif "error" in i18n.get("queries", {}):
            w(f"Search query time: not measured ({i18n['queries']['error']}).\n")
    w("## Full builds\n")
    w("| Sources | Tool | Runs | HTML files | Wall (median) | Peak RSS (median) | ernguide / tool, wall | ernguide / tool, RSS |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        e = s["tools"]["ernguide"]
        for t, r in s["tools"].items():
            rw = fmt_ratio(e["wall"], r["wall"]) if t != "ernguide" else ""
            rr = fmt_ratio(e["rss"], r["rss"]) if t != "ernguide" else ""
            w(f"| {s['info']['sources']} | {t} | {r['runs']} | {r['html_files']} | {fmt_s(r['wall'])} | "
              f"{fmt_mib(r['rss'])} | {rw} | {rr} |")
    w("")
    for s in sizes:
        for t, r in s["tools"].items():
            if r["runs"] < args.runs_for(s["pages"]):
                w(f"- {s['info']['sources']} sources: {t} ran {r['runs']} time(s) instead of "
                  f"{args.runs_for(s['pages'])} (each run takes {fmt_s(r['wall'])}).")
    w("")
    w("## ernguide rebuilds (plain `ernguide build` onto the existing output)\n")
    w("| Site | Full build | No-change rebuild | One-page-edit rebuild | Runs |")
    w("|---|---:|---:|---:|---:|")
    for s in sizes:
        w(f"| synthetic, {s['info']['sources']} sources | {fmt_s(s['tools']['ernguide']['wall'])} | "
          f"{fmt_s(s['nochange']['wall'])} | {fmt_s(s['edit']['wall'])} | {s['nochange']['runs']} |")
    if portal:
        w(f"| bundled portal ({portal['pages']} HTML files) | {fmt_s(portal['full'])} | {fmt_s(portal['nochange'])} | "
          f"{fmt_s(portal['edit'])} | {portal['runs']} |")
    w("")
    if reload:
        med_ms = reload["median_ms"]
        w(f"Edit-to-reload latency of `ernguide serve` (`scripts/bench-reload`, exit {reload['rc']}): "
          f"median {med_ms if med_ms is not None else 'not parsed'} ms. Its last lines:\n")
        w("```\n" + reload["tail"] + "\n```\n")
    else:
        w("`scripts/bench-reload` (edit-to-reload latency of `ernguide serve`) did not exist when this ran.\n")
    if serve:
        w(f"Request latency of `ernguide serve` under load (`scripts/bench-serve`, exit {serve['rc']}):\n")
        w("```\n" + serve["tail"] + "\n```\n")
    w("## Bytes shipped per page (HTML + referenced CSS + JS, uncompressed, no images)\n")
    w("| Page | Bytes | HTML | Referenced CSS/JS |")
    w("|---|---:|---:|---|")
    if portal:
        for label, e in [("bundled portal, largest step page", portal["step_max"]),
                         ("bundled portal, largest sandbox page", portal["sandbox_max"])]:
            if e:
                w(f"| {label} (`{e[2]}`) | {e[0]:,} | {e[1]:,} | {', '.join(e[3]) or '-'} |")
        w(f"| bundled portal, median step page | {portal['step_median']:,.0f} | | |")
    for s in sizes[:1]:
        for t, b in s["bytes"].items():
            w(f"| synthetic step page, {t} | {b['total']:,} | {b['html']:,} | {', '.join(b['assets']) or '-'} |")
    w("")
    w("## ernguide stage timings (`ERNGUIDE_TIMINGS=1`, one build)\n")
    for s in sizes:
        w(f"{s['info']['sources']} sources:\n")
        w("```\n" + "\n".join(s["timings"]) + "\n```\n")
    if portal:
        w("Bundled portal:\n")
        w("```\n" + "\n".join(portal["timings"]) + "\n```\n")
    notes = Path(__file__).resolve().parent / "NOTES.md"
    if notes.is_file() and not args.quick:
        w(notes.read_text(encoding="utf-8").rstrip() + "\n")
    w("## Raw wall times (seconds)\n")
    for s in sizes:
        for t, r in s["tools"].items():
            w(f"- {s['info']['sources']} sources, {t}: {r['walls']}")
    w("")
    return "\n".join(L)


LOAD_NOTE = ("The machine is shared with other engineers' builds and tests, so this run was not made "
             "on an otherwise idle machine; the load averages above show how busy it was.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="1000,10000")
    ap.add_argument("--runs", default="5,3", help="timed runs per size (comma list, last repeats)")
    ap.add_argument("--mdbook-runs", default="5,1", help="mdBook needs ~8 min per 10 000-page run here")
    ap.add_argument("--rebuild-runs", type=int, default=5)
    ap.add_argument("--portal-runs", type=int, default=10)
    ap.add_argument("--tools", default="ernguide,hugo,mdbook")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--ernguide", type=Path, default=REPO / "target/release/ernguide")
    ap.add_argument("--work", type=Path, default=REPO / "target/bench")
    ap.add_argument("--output", type=Path, default=None)
    ap.add_argument("--command", default="scripts/bench")
    ap.add_argument("--idle-note", default="", help="replaces the sentence about how busy the machine was")
    ap.add_argument("--report-only", action="store_true", help="rewrite the report from target/bench/results.json")
    ap.add_argument("--i18n-runs", type=int, default=3, help="timed runs of the 3-language build (0: skip)")
    args = ap.parse_args()

    pages = [int(x) for x in args.pages.split(",") if x]
    runs = [int(x) for x in args.runs.split(",") if x]
    mruns = [int(x) for x in args.mdbook_runs.split(",") if x]
    pick = lambda lst, i: lst[min(i, len(lst) - 1)]  # noqa: E731
    args.runs_for = lambda p: pick(runs, pages.index(p))
    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in ("ernguide", "hugo", "mdbook")]
    if unknown:
        raise SystemExit(f"unknown tool(s): {', '.join(unknown)} (ernguide, hugo, mdbook)")
    if "ernguide" not in tools:
        tools.insert(0, "ernguide")  # everything is compared with it
    if args.output is None:
        args.output = (args.work / "BENCHMARKS-quick.md") if args.quick else (REPO / "BENCHMARKS.md")
    args.work.mkdir(parents=True, exist_ok=True)

    if args.report_only:
        # Rewrites the report from the last run's results (after editing NOTES.md, say).
        r = json.loads((args.work / "results.json").read_text())
        args.command, args.quick = r["command"], r["quick"]
        pages, runs = r["pages"], r["runs"]
        args.runs_for = lambda p: pick(runs, pages.index(p))
        if args.output == REPO / "BENCHMARKS.md" and args.quick:
            args.output = args.work / "BENCHMARKS-quick.md"
        args.load_note = args.idle_note or LOAD_NOTE
        md = report(args, r["machine"], r["versions"], r["loads"], r["sizes"], r["portal"], r["reload"],
                    r.get("serve"), r.get("i18n"))
        args.output.write_text(md, encoding="utf-8")
        log(f"wrote {args.output}")
        return

    load_before = os.getloadavg()
    args.load_note = args.idle_note or LOAD_NOTE
    machine = machine_info()
    versions = tool_versions(args.ernguide, tools)
    sizes = []
    kept: list[Path] = []  # the runs' outputs, deleted once every timed run is done
    for i, p in enumerate(pages):
        sizes.append(run_size(p, pick(runs, i), pick(mruns, i), tools, args.ernguide, args.work,
                              args.rebuild_runs, kept))
    i18n = None
    if args.i18n_runs > 0 and sizes:
        i18n = run_i18n(max(sizes, key=lambda s: s["pages"]), args.i18n_runs, args.ernguide, args.work, kept)
    portal = bundled_portal(args.ernguide, args.work, args.portal_runs) if (REPO / "site.toml").exists() else None
    reload = bench_reload()
    serve = bench_serve()
    # The runs' outputs are deleted only now: on ext4 without a journal (as here), creating
    # files within minutes of deleting thousands makes the inode allocator skip each recently
    # deleted inode, and the 3-language runs would pay for the deletion of the English runs
    # (one 10 000-source en/de/it build: 16.6 s, and 22.9 s right after such a deletion).
    for d in kept:
        rm(d)
    load_after = os.getloadavg()
    loads = {"before": " / ".join(f"{x:.2f}" for x in load_before),
             "after": " / ".join(f"{x:.2f}" for x in load_after)}
    (args.work / "results.json").write_text(json.dumps(
        {"sizes": sizes, "portal": portal, "machine": machine, "versions": versions, "loads": loads,
         "reload": reload, "serve": serve, "command": args.command, "quick": args.quick, "runs": runs, "pages": pages,
         "i18n": i18n},
        default=str, indent=1))
    md = report(args, machine, versions, loads, sizes, portal, reload, serve, i18n)
    args.output.write_text(md, encoding="utf-8")
    print(md)
    log(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
