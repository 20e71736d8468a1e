"""What was audited: the report's view of a run's sampling record (store ``site_samples``).

In: each site's record (crawler/sampling.py ``Sampler.record``). Out: for sites audited by
template sample, the figures the report states next to the results, so that a sample is
never presented as the whole site. A full crawl needs no statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from a11y_audit.audits.model import SiteRecord
from a11y_audit.reports.i18n import Translator

SAMPLE_METHOD = "template sample"


@dataclass
class SampleGroupRow:
    pattern: str
    discovered: int
    structured: int
    random: int
    sampled_out: int
    #: Audited pages per DOM structure, most common first (two or more: the group was split).
    structures: list[int] = field(default_factory=list)


@dataclass
class SampleView:
    site: str
    admitted: int
    discovered: int
    templates: int
    patterns: int
    seed: Optional[int]
    per_template: int
    random_share: str
    min_random_share: str
    groups: list[SampleGroupRow] = field(default_factory=list)


def sample_views(sites: list[SiteRecord], tr: Translator) -> list[SampleView]:
    """One view per site audited by template sample (none for full crawls)."""
    views = []
    for site in sites:
        record = site.sampling or {}
        if record.get("method") != SAMPLE_METHOD:
            continue
        parameters = record.get("parameters") or {}
        views.append(SampleView(
            site=site.url,
            admitted=int(record.get("admitted", 0)),
            discovered=int(record.get("discovered", 0)),
            templates=int(record.get("templates", 0)),
            patterns=int(record.get("patterns", 0)),
            seed=record.get("seed"),
            per_template=int(parameters.get("per_template", 0)),
            random_share=tr.percent(float(parameters.get("random_share", 0))),
            min_random_share=tr.percent(float(parameters.get("min_random_share", 0.1))),
            groups=[
                SampleGroupRow(
                    pattern=str(g.get("pattern", "")), discovered=int(g.get("discovered", 0)),
                    structured=int(g.get("structured", 0)), random=int(g.get("random", 0)),
                    sampled_out=int(g.get("sampled_out", 0)),
                    structures=[int(count) for _, count in g.get("structures") or []],
                )
                for g in record.get("groups") or []
            ],
        ))
    return views
