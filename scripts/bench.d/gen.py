"""Synthetic sites for the benchmark: the same guides laid out for ernguide, Hugo and mdBook.

A site of N pages has N Markdown sources: guides of one overview (`_index.md`) plus
STEPS_PER_GUIDE steps, spread round-robin over NETWORKS networks. Every step has front matter,
`##` headings, a bulleted and a numbered list, a table, an admonition (`> [!NOTE]`), a fenced
YAML block, internal links to other steps of its guide, per-network variables and an include
of one of SHARED shared fragments. Hugo and mdBook get the same text with their own syntax:

| ernguide                         | Hugo                                   | mdBook                       |
|----------------------------------|----------------------------------------|------------------------------|
| `{{ step_url("x") }}`            | `{{< relref "NN-x.md" >}}`             | `NN-x.md` (rewritten .html)  |
| `{{ network.name }}` etc.        | `{{< net "name" >}}` (site data)       | the value, written literally |
| `{{ link("saas").url }}`         | `{{< link "saas" >}}` (site data)      | the URL, written literally   |
| `{% include "f.md" %}`           | `{{% include "f.md" %}}` (readFile +   | `{{#include ../../shared/..}}`|
|                                  |  per-network replace)                  |  (no variables in mdBook)    |

Only the Python standard library is used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

NETWORKS = 24
# "24 networks x several languages x dozens of steps" (issue 6): a guide has 24 steps.
STEPS_PER_GUIDE = 24
SHARED = 8
AS_OF = "2026-11-22"
REVIEWED = "2026-11-01"

# (slug, title, sandbox screen in a SAAS guide or None, sandbox scenario)
STEP_TOPICS = [
    ("before-you-start", "Before you start", None, None),
    ("create-eu-login", "Create your EU Login", "eul-create", "new-user"),
    ("confirm-email", "Confirm your e-mail address", None, None),
    ("set-password", "Choose your password", "eul-password", "new-user"),
    ("sign-in", "Sign in to EU Login", "eul-signin", "has-eulogin"),
    ("two-factor", "Set up two-factor authentication", "eul-myaccount", "has-eulogin"),
    ("add-phone", "Add your mobile phone", "eul-phone-add", "has-eulogin"),
    ("install-app", "Install the EU Login app", "eul-device-add", "phone-linked"),
    ("scan-qr", "Initialise the app", "eul-device-qr", "phone-linked"),
    ("request-access", "Request CPMS access", "saas-app", "app-initialised"),
    ("choose-network", "Choose your network", "saas-org", "app-initialised"),
    ("choose-profile", "Choose your access profile", "saas-profile", "app-initialised"),
    ("check-request", "Check your request", "saas-recap", "app-initialised"),
    ("wait-approval", "Wait for approval", "saas-pending", "access-pending"),
    ("approval-email", "The approval e-mail", None, None),
    ("first-login", "First login", "cpms-login", "access-approved"),
    ("preferences", "Set your preferences", "cpms-preferences", "access-approved"),
    ("field-of-expertise", "Your field of expertise", None, None),
    ("notifications", "Choose your notifications", None, None),
    ("find-panel", "Find a panel", None, None),
    ("join-panel", "Join a panel", None, None),
    ("create-panel", "Create a panel", None, None),
    ("sign-out", "Sign out safely", None, None),
    ("get-help", "Get help", None, None),
]
assert len(STEP_TOPICS) == STEPS_PER_GUIDE
# The same steps' sandbox screens in a CPMS 2.0 guide (screens exist per system).
CPMS2_SCREENS = {
    "saas-app": "cpms2-signup-1", "saas-org": "cpms2-signup-1", "saas-profile": "cpms2-signup-2",
    "saas-recap": "cpms2-signup-3", "saas-pending": "cpms2-submitted",
    "cpms-login": "cpms2-home", "cpms-preferences": "cpms2-home",
}

ERN_NAMES = [
    "Bone Disorders", "Rare Cancers", "Craniofacial Anomalies", "Endocrine Conditions",
    "Epilepsies", "Rare Eye Diseases", "Rare Liver Diseases", "Rare Kidney Diseases",
    "Rare Haematological Diseases", "Rare Adult Cancers", "Hereditary Cancer Syndromes",
    "Rare Multisystemic Vascular Diseases", "Immunodeficiency and Autoinflammatory Diseases",
    "Congenital Malformations", "Neuromuscular Diseases", "Rare Respiratory Diseases",
    "Rare Skin Disorders", "Urogenital Diseases", "Rare Hepatological Diseases",
    "Paediatric Cancer", "Rare Neurological Diseases", "Connective Tissue Diseases",
    "Transplantation in Children", "Rare Heart Diseases",
]


def network(i: int) -> dict:
    """The i-th synthetic network (0-based)."""
    nid = f"net{i + 1:02d}"
    return {
        "id": nid,
        "ern": f"ERN{i + 1:02d}",
        "ern_name": ERN_NAMES[i % len(ERN_NAMES)],
        "name": f"ERN Network {i + 1:02d}",
        "helpdesk_name": f"Network {i + 1:02d} CPMS Helpdesk",
        "email": f"cpmshelpdesk@{nid}.example.org",
        "approval_time": f"{1 + i % 3} to {3 + i % 4} working days",
        "institutions": [
            (f"IT{j + 1:02d}", f"Hospital {j + 1} of network {i + 1}, Rome") for j in range(4)
        ] + [
            (f"AT{j + 1:02d}", f"Klinikum {j + 1} of network {i + 1}, Wien") for j in range(3)
        ],
    }


def layout(pages: int) -> list[dict]:
    """Guides for a site of `pages` sources: (guide index + steps) each, networks round-robin."""
    per_guide = 1 + STEPS_PER_GUIDE
    n_guides = max(1, round(pages / per_guide))
    guides = []
    counters = [0] * NETWORKS
    for gi in range(n_guides):
        ni = gi % NETWORKS
        counters[ni] += 1
        net = network(ni)
        guides.append({
            "slug": f"{net['id']}-g{counters[ni]:03d}",
            "title": f"Registration guide {counters[ni]} for {net['name']}",
            "net": net,
            "order": gi,
            "system": "saas" if gi % 3 else "cpms2",
            # a SAAS guide points at the CPMS 2.0 guide before it
            "related": guides[gi - gi % 3]["slug"] if gi % 3 else None,
        })
    return guides


# ---------------------------------------------------------------------------------------------
# Text, written once with placeholders and rendered per tool.
#   @STEP(slug)@      link to another step of the guide
#   @NET(path)@       a network variable (name, ern, ern_name, helpdesk.email, approval_time)
#   @LINK(id)@        URL of a reference link
#   @INCLUDE(file)@   include of a shared fragment (on its own line)

def shared_fragment(k: int) -> str:
    return f"""## Shared part {k}: what the screen asks

The form of part {k} is the same for every network. Check that the header shows
**@NET(name)@** before you go on; if it does not, go back one screen.

- Fill in every field marked with an asterisk.
- Use your professional e-mail address, not a private one.
- Keep this page open until you receive the confirmation e-mail.

| Field | What to enter | Example |
|-------|---------------|---------|
| First name | As on your identity document | Maria |
| Last name | As on your identity document | Rossi |
| E-mail | Your hospital address | maria.rossi@hospital.example.org |

> [!TIP]
> Questions about part {k}? Write to @NET(helpdesk.email)@.

If the confirmation does not arrive within ten minutes, look in your spam folder, then
ask the helpdesk of @NET(name)@ (@NET(helpdesk.email)@).
"""


def step_text(g: dict, si: int) -> str:
    slug, title, _, _ = STEP_TOPICS[si]
    nxt = STEP_TOPICS[(si + 1) % STEPS_PER_GUIDE][0]
    first = STEP_TOPICS[0][0]
    k = (si + g["order"]) % SHARED
    return f"""In this step you {title.lower()} for **@NET(name)@** (@NET(ern)@ - @NET(ern_name)@).
It takes about {5 + si} minutes. If you already did it, go to [the next step](@STEP({nxt})@);
if you have no EU Login yet, start with [the first step](@STEP({first})@).

## Before you start

- An EU Login account with *two-factor authentication*.
- The name of your hospital as [SAAS](@LINK(saas)@) lists it.
- Your access profile: usually `HP` (healthcare professional).

## Do it

1. Open [the CPMS login page](@LINK(cpms_login)@) in a new tab.
2. Choose **@NET(ern)@ - @NET(ern_name)@** in the organisation list.
3. Select your country and your hospital, then press **Next**.
4. Review the summary and press **Submit**.

| Screen | Button | What happens |
|--------|--------|--------------|
| Organisation | Next | the country list opens |
| Country | Next | the hospital list opens |
| Summary | Submit | your request goes to the network |

> [!NOTE]
> Approval can take @NET(approval_time)@. You receive an e-mail when it is done.

The request the screen sends looks like this:

```yaml
organisation: "@NET(ern)@"
country: Italy
institution: IT01
profile: HP
comment: "Step {si + 1} of guide {g['slug']}"
```

@INCLUDE(part-{k}.md)@

## If something goes wrong

Write to the helpdesk at @NET(helpdesk.email)@ with a screenshot of the error. Mention the
step you were on ("{title}") and the time it happened.
"""


def index_text(g: dict) -> str:
    items = "\n".join(
        f"- [{t}](@STEP({s})@)" for s, t, _, _ in STEP_TOPICS[:4]
    )
    return f"""This guide takes you from no account at all to your first sign-in to CPMS for
**@NET(name)@**, in {STEPS_PER_GUIDE} steps. Most people need about an hour in total.

{items}

> [!IMPORTANT]
> Keep your EU Login password safe: the helpdesk (@NET(helpdesk.email)@) cannot reset it.
"""


def net_value(net: dict, path: str) -> str:
    return {
        "name": net["name"], "ern": net["ern"], "ern_name": net["ern_name"],
        "helpdesk.email": net["email"], "approval_time": net["approval_time"],
    }[path]


LINKS = {
    "saas": "https://webgate.ec.europa.eu/saas/home/roleNone/application/0/list.html",
    "cpms_login": "https://cpms.ern-net.eu/login/",
}


def render(text: str, sub) -> str:
    """Replaces every @KIND(arg)@ placeholder with sub(kind, arg)."""
    out = []
    rest = text
    while True:
        i = rest.find("@")
        if i < 0:
            out.append(rest)
            return "".join(out)
        j = rest.find("(", i)
        k = rest.find(")@", j)
        kind = rest[i + 1:j]
        if j < 0 or k < 0 or not kind.isupper():
            out.append(rest[:i + 1])
            rest = rest[i + 1:]
            continue
        out.append(rest[:i])
        out.append(sub(kind, rest[j + 1:k]))
        rest = rest[k + 2:]


def step_file(si: int) -> str:
    return f"{si + 1:02d}-{STEP_TOPICS[si][0]}.md"


def step_index(slug: str) -> int:
    return [s for s, _, _, _ in STEP_TOPICS].index(slug)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------
# ernguide

def gen_ernguide(root: Path, guides: list[dict], repo: Path) -> None:
    fixture = repo / "tests/fixtures/basic/content/data"
    data = root / "content/data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ["countries.yaml", "eu_login.yaml", "facts.yaml", "links.yaml", "profiles.yaml"]:
        shutil.copy(fixture / name, data / name)
    # The real sandbox flow, so that sandbox pages carry their real payload.
    sandbox = repo / "content/data/sandbox.yaml"
    if sandbox.exists():
        shutil.copy(sandbox, data / "sandbox.yaml")
    write(data / "erns.yaml", "".join(
        f"- {{ code: ERN{i + 1:02d}, name: {yaml_str(ERN_NAMES[i])} }}\n" for i in range(NETWORKS)))
    write(root / "site.toml", f"""title = "ERN CPMS registration help (benchmark)"
description = "Synthetic benchmark portal."
language = "en"
as_of = {AS_OF}
review_interval_days = 365

[[contacts]]
id = "it_support"
name = "CPMS IT support"
email = "it-support@example.org"
purpose = "technical questions"
""")
    for i in range(NETWORKS):
        n = network(i)
        insts_it = "".join(f"      - {{ code: \"{c}\", name: {yaml_str(nm)} }}\n"
                           for c, nm in n["institutions"] if c.startswith("IT"))
        insts_at = "".join(f"      - {{ code: \"{c}\", name: {yaml_str(nm)} }}\n"
                           for c, nm in n["institutions"] if c.startswith("AT"))
        write(root / f"content/networks/{n['id']}/network.yaml", f"""id: {n['id']}
ern: {n['ern']}
name: {yaml_str(n['name'])}
helpdesk: {{ name: {yaml_str(n['helpdesk_name'])}, email: {yaml_str(n['email'])} }}
profiles: [HP, Researcher]
guest_access: {{ code: "0000", label: "Guest Access" }}
countries:
  - name: Austria
    institutions:
{insts_at}  - name: Italy
    institutions:
{insts_it}thematic_areas: ["Area one", "Area two", "Area three"]
wording:
  two_factor: "two-factor authentication"
  comment_hint: "It would be useful to write your speciality."
  profession_example: "Paediatrician"
approval_time: {yaml_str(n['approval_time'])}
""")

    def sub(kind: str, arg: str) -> str:
        if kind == "STEP":
            return '{{ step_url("%s") }}' % arg
        if kind == "NET":
            return "{{ network.%s }}" % arg
        if kind == "LINK":
            return '{{ link("%s").url }}' % arg
        if kind == "INCLUDE":
            return '{%% include "%s" %%}' % arg
        raise ValueError(kind)

    for k in range(SHARED):
        write(root / f"content/shared/part-{k}.md", render(shared_fragment(k), sub))
    for g in guides:
        d = root / "content/guides" / g["slug"]
        write(d / "_index.md", f"""---
title: {yaml_str(g['title'])}
network: {g['net']['id']}
system: {g['system']}
source: "synthetic benchmark guide"
summary: "From no account to your first CPMS sign-in."
reviewed: {REVIEWED}
order: {g['order']}
{"related: " + g["related"] + chr(10) if g["related"] else ""}shortcuts:
  - {{ label: "Already have an EU Login", step: request-access }}
---
""" + render(index_text(g), sub))
        for si, (slug, title, screen, scenario) in enumerate(STEP_TOPICS):
            if screen and g["system"] == "cpms2":
                screen = CPMS2_SCREENS.get(screen, screen)
            sandbox_fm = f"sandbox: {screen}\nscenario: {scenario}\n" if screen else ""
            write(d / step_file(si), f"""---
title: {yaml_str(title)}
summary: "What step {si + 1} achieves, in one line."
reviewed: {REVIEWED}
{sandbox_fm}---
""" + render(step_text(g, si), sub))


# ---------------------------------------------------------------------------------------------
# Hugo: one page per source, a navigation list of the section's pages, chroma highlighting
# (Hugo's default), includes through a shortcode that reads content/../shared and fills in the
# network's values from site data.

HUGO_BASEOF = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} &ndash; {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "site.css" | relURL }}">
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<nav aria-label="Pages of this section">
<ol>
{{ range .CurrentSection.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
</nav>
<footer>Content as of {{ site.Params.as_of }}.</footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<p>{{ .CurrentSection.Title }} &middot; Step {{ .Params.number }}</p>
<h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p>
{{ .Content }}
<nav>{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<p>Last reviewed {{ .Params.reviewed }}.</p>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ol>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
{{ end }}
"""

HUGO_SC_INCLUDE = """{{- $net := index site.Data.networks (.Page.Params.network) -}}
{{- $t := readFile (printf "shared/%s" (.Get 0)) -}}
{{- $t = replace $t "@NET(name)@" $net.name -}}
{{- replace $t "@NET(helpdesk.email)@" $net.helpdesk.email | safeHTML -}}
"""

HUGO_SC_NET = """{{- $v := index site.Data.networks (.Page.Params.network) -}}
{{- range split (.Get 0) "." }}{{ $v = index $v . }}{{ end -}}
{{- $v -}}
"""

HUGO_SC_LINK = """{{- range where site.Data.links "id" (.Get 0) }}{{ .url }}{{ end -}}"""


def gen_hugo(root: Path, guides: list[dict], repo: Path) -> None:
    write(root / "hugo.toml", f"""baseURL = "http://localhost/"
title = "ERN CPMS registration help (benchmark)"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[params]
as_of = "{AS_OF}"
""")
    write(root / "layouts/_default/baseof.html", HUGO_BASEOF)
    write(root / "layouts/_default/single.html", HUGO_SINGLE)
    write(root / "layouts/_default/list.html", HUGO_LIST)
    write(root / "layouts/shortcodes/include.html", HUGO_SC_INCLUDE)
    write(root / "layouts/shortcodes/net.html", HUGO_SC_NET)
    write(root / "layouts/shortcodes/link.html", HUGO_SC_LINK)
    # The same stylesheet as ernguide's pages.
    (root / "static").mkdir(parents=True, exist_ok=True)
    for css in ("site.css", "base.css"):  # site.css imports base.css
        shutil.copy(repo / "themes/default/static" / css, root / "static" / css)
    for i in range(NETWORKS):
        n = network(i)
        write(root / f"data/networks/{n['id']}.yaml", f"""name: {yaml_str(n['name'])}
ern: {n['ern']}
ern_name: {yaml_str(n['ern_name'])}
helpdesk: {{ name: {yaml_str(n['helpdesk_name'])}, email: {yaml_str(n['email'])} }}
approval_time: {yaml_str(n['approval_time'])}
""")
    write(root / "data/links.yaml", "".join(
        f"- {{ id: {k}, url: {yaml_str(v)} }}\n" for k, v in LINKS.items()))

    def shared_sub(kind: str, arg: str) -> str:
        return f"@{kind}({arg})@"  # filled in by the include shortcode

    for k in range(SHARED):
        write(root / f"shared/part-{k}.md", render(shared_fragment(k), shared_sub))

    def sub(kind: str, arg: str) -> str:
        if kind == "STEP":
            return '{{< relref "%s" >}}' % step_file(step_index(arg))
        if kind == "NET":
            return '{{< net "%s" >}}' % arg
        if kind == "LINK":
            return '{{< link "%s" >}}' % arg
        if kind == "INCLUDE":
            return '{{%% include "%s" %%}}' % arg
        raise ValueError(kind)

    write(root / "content/_index.md", "---\ntitle: \"Guides\"\n---\n")
    for g in guides:
        d = root / "content" / g["slug"]
        write(d / "_index.md", f"""---
title: {yaml_str(g['title'])}
weight: {g['order']}
cascade:
  network: {g['net']['id']}
---
""" + render(index_text(g), sub))
        for si, (slug, title, _, _) in enumerate(STEP_TOPICS):
            write(d / step_file(si), f"""---
title: {yaml_str(title)}
summary: "What step {si + 1} achieves, in one line."
reviewed: {REVIEWED}
number: {si + 1}
weight: {si + 1}
---
""" + render(step_text(g, si), sub))


# ---------------------------------------------------------------------------------------------
# mdBook: SUMMARY.md with a part per network, `{{#include}}` for the shared fragments (mdBook has
# no variables: the network's values are written into each page, and the shared fragments name
# no network), default theme.

def gen_mdbook(root: Path, guides: list[dict], repo: Path) -> None:
    write(root / "book.toml", """[book]
title = "ERN CPMS registration help (benchmark)"
language = "en"
src = "src"
""")

    def shared_sub(kind: str, arg: str) -> str:
        if kind == "NET":
            return {"name": "your network", "helpdesk.email": "your network's helpdesk"}[arg]
        raise ValueError(kind)

    for k in range(SHARED):
        write(root / f"shared/part-{k}.md", render(shared_fragment(k), shared_sub))
    by_net: dict[str, list[dict]] = {}
    for g in guides:
        by_net.setdefault(g["net"]["id"], []).append(g)
    summary = ["# Summary\n"]
    for nid in sorted(by_net):
        summary.append(f"\n# {by_net[nid][0]['net']['name']}\n\n")
        for g in by_net[nid]:
            summary.append(f"- [{g['title']}]({g['slug']}/index.md)\n")
            for si, (_, title, _, _) in enumerate(STEP_TOPICS):
                summary.append(f"  - [{title}]({g['slug']}/{step_file(si)})\n")
    write(root / "src/SUMMARY.md", "".join(summary))
    for g in guides:
        net = g["net"]

        def sub(kind: str, arg: str, net=net) -> str:
            if kind == "STEP":
                return step_file(step_index(arg))
            if kind == "NET":
                return net_value(net, arg)
            if kind == "LINK":
                return LINKS[arg]
            if kind == "INCLUDE":
                return "{{#include ../../shared/%s}}" % arg
            raise ValueError(kind)

        d = root / "src" / g["slug"]
        write(d / "index.md", f"# {g['title']}\n\n" + render(index_text(g), sub))
        for si, (_, title, _, _) in enumerate(STEP_TOPICS):
            write(d / step_file(si), f"# {title}\n\n*What step {si + 1} achieves, in one line.*\n\n"
                  + render(step_text(g, si), sub) + f"\nLast reviewed {REVIEWED}.\n")


def generate(dest: Path, pages: int, repo: Path, tools: list[str]) -> dict:
    """Writes dest/<tool>/ for each tool; returns a description of what was generated."""
    guides = layout(pages)
    gens = {"ernguide": gen_ernguide, "hugo": gen_hugo, "mdbook": gen_mdbook}
    for tool in tools:
        d = dest / tool
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        gens[tool](d, guides, repo)
    return {
        "guides": len(guides),
        "sources": len(guides) * (1 + STEPS_PER_GUIDE),
        "networks": min(NETWORKS, len(guides)),
        "steps_per_guide": STEPS_PER_GUIDE,
    }


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--dest", type=Path, required=True)
    ap.add_argument("--tools", default="ernguide,hugo,mdbook")
    a = ap.parse_args()
    repo_root = Path(__file__).resolve().parents[2]
    print(generate(a.dest, a.pages, repo_root, a.tools.split(",")))
    os.sync()
