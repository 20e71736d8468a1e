"""Template-aware sampling: audit a structured sample of each page template plus a random share.

Large sites are mostly a few templates. In: each URL the crawler discovers (and, once a
page is rendered, its DOM-structure signature, audits/templates.py). Out: which URLs are
audited, and a record of the method, parameters, seed and every group for the run.

- A URL's **template key** is its path with id-like parts generalised (a segment holding
  a digit, a hex or UUID id, a slug with ``-``/``_`` or over 24 characters becomes ``*``;
  a file extension is kept) and its query keys kept with their values dropped:
  ``/products/item-17.html?page=2`` → ``/products/*.html?page``.
- **Rounds**: start URLs (depth 0) are audited at once; other URLs wait until the crawl
  runs out of work, then each group decides on the URLs it gained in that round, and their
  pages' links form the next round. The decisions therefore do not depend on timing or
  concurrency: the same site and seed give the same sample.
- **Structured sample**: the first ``per_template`` URLs of each group, in URL order
  (numbers compared as numbers). A group of at most ``per_template`` pages is audited whole.
- **Random sample**: of the rest, each URL by a seeded draw (a hash of seed and URL)
  with probability ``random_share``, and never fewer than 10 % of the group's structured
  sample, rounded up, while the group has URLs left (WCAG-EM: a random sample of at
  least 10 % of the structured one); the extra ones are those with the lowest draws.
- URLs not chosen are *sampled out*: never requested, no budget spent, not an error.

Pure Python, no crawler imports: unit tests build a :class:`Sampler` directly.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import parse_qsl, urlsplit

FULL, SAMPLE = "full", "template sample"
#: WCAG-EM: the random sample is at least this share of the structured sample.
MIN_RANDOM_SHARE = 0.1

_HEX_ID = re.compile(r"^[0-9a-f]{8,}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _general(segment: str) -> bool:
    return (any(ch.isdigit() for ch in segment) or bool(_HEX_ID.match(segment))
            or "-" in segment or "_" in segment or len(segment) > 24)


def template_key(url: str) -> str:
    """The URL's path pattern and query keys: pages of one template share it."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    out = []
    for index, segment in enumerate(segments):
        stem, dot, ext = segment.rpartition(".") if index == len(segments) - 1 and "." in segment else (segment, "", "")
        if stem and _general(stem):
            stem = "*"
        out.append(stem + dot + ext)
    path = "/".join(out) or "/"
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def draw(seed: int, url: str) -> float:
    """A deterministic number in [0, 1) for *url* under *seed*."""
    digest = hashlib.sha256(f"{seed}\n{url}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def url_order(url: str) -> list:
    """Sort key: numbers in the URL compared as numbers (item-2 before item-10)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", url) if part]


@dataclass
class Group:
    """The URLs of one template key."""

    pattern: str
    discovered: int = 0
    structured: list[str] = field(default_factory=list)
    random: list[str] = field(default_factory=list)
    sampled_out: int = 0
    #: URLs waiting for the next round, with the smallest depth they were found at.
    pending: dict[str, int] = field(default_factory=dict)
    #: Pages rendered and audited (a start URL that redirected elsewhere is not one).
    audited: int = 0
    #: DOM-structure signature → audited URLs that showed it.
    structures: dict[str, list[str]] = field(default_factory=dict)


class Sampler:
    """Decides which discovered URLs of one site are audited; keeps the figures for the run.

    With ``enabled=False`` (a full crawl) every URL is admitted at once and only the
    groups are counted, so the run records the same figures either way.
    """

    def __init__(self, per_template: int = 5, random_share: float = 0.1, seed: int = 1, enabled: bool = True) -> None:
        self.per_template = per_template
        self.random_share = random_share
        self.seed = seed
        self.enabled = enabled
        self.groups: dict[str, Group] = {}
        #: url → "structured" | "random" | "pending" | "out"
        self.status: dict[str, str] = {}
        self.rounds = 0

    @classmethod
    def from_settings(cls, sample: Any) -> "Sampler":
        """From a site's ``sample`` setting (config.schema.SampleConfig, or None: full crawl)."""
        if sample is None:
            return cls(enabled=False)
        return cls(sample.per_template, sample.random_share, sample.seed)

    def group(self, url: str) -> Group:
        key = template_key(url)
        if key not in self.groups:
            self.groups[key] = Group(key)
        return self.groups[key]

    def offer(self, url: str, depth: int) -> bool:
        """A URL was discovered: True if it is to be audited now (a start URL, a full crawl,
        or one admitted before), else it waits for :meth:`next_round` or was sampled out."""
        status = self.status.get(url)
        if status in ("structured", "random"):
            return True
        if status == "pending":
            group = self.group(url)
            group.pending[url] = min(depth, group.pending[url])
            return False
        if status == "out":
            return False
        group = self.group(url)
        group.discovered += 1
        if depth == 0 or not self.enabled:
            group.structured.append(url)
            self.status[url] = "structured"
            return True
        group.pending[url] = depth
        self.status[url] = "pending"
        return False

    def next_round(self) -> list[tuple[str, int]]:
        """Decide on every waiting URL, group by group: the (url, depth) pairs admitted."""
        admitted: list[tuple[str, int]] = []
        for group in self.groups.values():
            if not group.pending:
                continue
            waiting = sorted(group.pending, key=url_order)
            depth_of = group.pending
            chosen: list[tuple[str, str]] = []
            room = max(0, self.per_template - len(group.structured))
            chosen += [(url, "structured") for url in waiting[:room]]
            rest = waiting[room:]
            drawn = [url for url in rest if draw(self.seed, url) < self.random_share]
            minimum = math.ceil(MIN_RANDOM_SHARE * (len(group.structured) + min(room, len(waiting))) - 1e-9)
            short = minimum - len(group.random) - len(drawn)
            if short > 0:
                taken_by_draw = set(drawn)
                extra = sorted((url for url in rest if url not in taken_by_draw), key=lambda u: (draw(self.seed, u), u))
                drawn += extra[:short]
            chosen += [(url, "random") for url in sorted(drawn, key=url_order)]
            for url, how in chosen:
                getattr(group, how).append(url)
                self.status[url] = how
                admitted.append((url, depth_of[url]))
            taken = {url for url, _ in chosen}
            for url in rest:
                if url not in taken:
                    self.status[url] = "out"
                    group.sampled_out += 1
            group.pending = {}
        if admitted:
            self.rounds += 1
        return admitted

    def admitted(self) -> set[str]:
        return {url for url, how in self.status.items() if how in ("structured", "random")}

    def observe(self, url: str, structure: Optional[str]) -> None:
        """A page was rendered and showed DOM-structure signature *structure* (None: unknown)."""
        group = self.group(url)
        group.audited += 1
        if structure:
            group.structures.setdefault(structure, []).append(url)

    def record(self) -> dict[str, Any]:
        """What was audited, for the run: method, parameters, seed and every group.

        A group whose audited pages showed two or more DOM structures is listed once, with
        each structure and its page count (``structures``); ``templates`` counts such a
        group once per structure.
        """
        groups = []
        for group in sorted(self.groups.values(), key=lambda g: g.pattern):
            groups.append({
                "pattern": group.pattern,
                "discovered": group.discovered,
                "structured": len(group.structured),
                "random": len(group.random),
                "sampled_out": group.sampled_out + len(group.pending),
                "audited": group.audited,
                "structures": sorted(([sig, len(urls)] for sig, urls in group.structures.items()),
                                     key=lambda item: (-item[1], item[0])),
            })
        counts = Counter()
        for g in groups:
            counts["discovered"] += g["discovered"]
            counts["admitted"] += g["structured"] + g["random"]
            counts["audited"] += g["audited"]
            counts["templates"] += max(1, len(g["structures"]))
        return {
            "method": SAMPLE if self.enabled else FULL,
            "parameters": ({"per_template": self.per_template, "random_share": self.random_share,
                            "min_random_share": MIN_RANDOM_SHARE} if self.enabled else {}),
            "seed": self.seed if self.enabled else None,
            "discovered": counts["discovered"],
            "admitted": counts["admitted"],
            "audited": counts["audited"],
            "patterns": len(groups),
            "templates": counts["templates"],
            "groups": groups,
        }
