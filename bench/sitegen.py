"""A deterministic synthetic website for benchmarks and large-crawl tests.

``generate_site(folder, pages=N, seed=S)`` writes N HTML pages built from four
shared templates (home, section listing, article, product with a form and a
table), a stylesheet, images, a script that adds DOM after load, a sitemap,
and defects sprinkled at fixed rates so that a crawl finds a known mix of
template-wide and page-specific issues. The same N and seed give the same
bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

SECTIONS = ("news", "products", "help", "about")
CSS = """body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222}header,footer{background:#0b3d5c;color:#fff;padding:1rem}
header a,footer a{color:#fff;display:inline-block;padding:.5rem}main{max-width:60rem;margin:auto;padding:1rem}
.muted{color:#9a9a9a}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem .5rem}
.card{border:1px solid #ccc;margin:.5rem 0;padding:.5rem}a{display:inline-block;padding:4px 0}"""
SCRIPT = """document.addEventListener('DOMContentLoaded', () => {
  const box = document.createElement('aside');
  box.setAttribute('aria-label', 'Related');
  for (let i = 0; i < 5; i++) { const p = document.createElement('p'); p.textContent = 'Related item ' + i; box.appendChild(p); }
  document.querySelector('main').appendChild(box);
});"""
# A 1x1 transparent PNG.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe02fea7000000"
    "0049454e44ae426082"
)


def _page_name(index: int) -> str:
    return "index.html" if index == 0 else f"{SECTIONS[index % len(SECTIONS)]}/item-{index}.html"


def _layout(title: str, body: str, rng: random.Random, lang: bool = True) -> str:
    nav = "".join(f'<a href="/{s}/">{s.title()}</a>' for s in SECTIONS)
    lang_attr = ' lang="en"' if lang else ""
    # Template-wide defect: the footer logo has no alt text on every page.
    return (
        f"<!doctype html><html{lang_attr}><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{title}</title>"
        f"<link rel='stylesheet' href='/site.css'><script src='/site.js' defer></script></head><body>"
        f"<header><a href='/'>Synthetic Org</a><nav aria-label='Main'>{nav}</nav></header>"
        f"<main><h1>{title}</h1>{body}</main>"
        f"<footer><img src='/img/logo.png' width='24' height='24'> <span>© Synthetic Org</span></footer>"
        f"</body></html>"
    )


def _item_body(index: int, pages: int, rng: random.Random) -> str:
    parts = [f"<p>Content of item {index}. " + "Lorem ipsum dolor sit amet. " * rng.randint(2, 8) + "</p>"]
    if index % len(SECTIONS) == 1:  # products: a table and a form
        rows = "".join(f"<tr><td>Option {r}</td><td>{rng.randint(5, 99)} EUR</td></tr>" for r in range(rng.randint(2, 6)))
        parts.append(f"<table><caption>Prices</caption><tr><th>Option</th><th>Price</th></tr>{rows}</table>")
        label = "" if index % 7 == 0 else "<label for='qty'>Quantity</label>"  # defect: unlabelled input
        parts.append(f"<form method='post' action='/basket'>{label}<input id='qty' name='qty' type='number'>"
                     "<button type='submit'>Add to basket</button></form>")
    if index % 11 == 0:
        parts.append("<p class='muted'>Low contrast small print.</p>")  # defect: contrast
    if index % 13 == 0:
        parts.append("<img src='/img/photo.png' width='40' height='40'>")  # defect: image without alt
    links = {(index + step) % pages for step in (1, 2, 5)} - {0, index}
    parts.append("<ul>" + "".join(f"<li><a href='/{_page_name(i)}'>Item {i}</a></li>" for i in sorted(links)) + "</ul>")
    return "".join(parts)


def generate_site(folder: Path, pages: int = 300, seed: int = 7) -> list[str]:
    """Write the site into *folder*; return the URL paths of its pages (sections included)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "img").mkdir(exist_ok=True)
    (folder / "site.css").write_text(CSS)
    (folder / "site.js").write_text(SCRIPT)
    (folder / "img" / "logo.png").write_bytes(PIXEL)
    (folder / "img" / "photo.png").write_bytes(PIXEL)
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: {{ORIGIN}}/sitemap.xml\n")

    paths = ["/"]
    home = "<p>Welcome.</p><ul>" + "".join(f"<li><a href='/{s}/'>{s.title()}</a></li>" for s in SECTIONS) + "</ul>"
    (folder / "index.html").write_text(_layout("Home", home, rng))
    members: dict[str, list[int]] = {s: [] for s in SECTIONS}
    for index in range(1, pages):
        members[SECTIONS[index % len(SECTIONS)]].append(index)
    for section in SECTIONS:
        (folder / section).mkdir(exist_ok=True)
        cards = "".join(f"<div class='card'><a href='/{_page_name(i)}'>Item {i}</a></div>" for i in members[section][:40])
        (folder / section / "index.html").write_text(_layout(section.title(), cards, rng))
        paths.append(f"/{section}/")
    for index in range(1, pages):
        name = _page_name(index)
        lang = index % 17 != 0  # defect: a few pages without lang
        (folder / name).write_text(_layout(f"Item {index}", _item_body(index, pages, rng), rng, lang=lang))
        paths.append("/" + name)
    urls = "".join(f"<url><loc>{{{{ORIGIN}}}}{p}</loc></url>" for p in paths)
    (folder / "sitemap.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return paths
