"""Template-aware sampling: template keys, admission (structured + random share), records."""

from __future__ import annotations

import math

import pytest

from a11y_audit.audits.model import SiteRecord
from a11y_audit.audits.templates import signature
from a11y_audit.config.errors import ConfigError
from a11y_audit.config.loader import config_from_data
from a11y_audit.crawler.sampling import FULL, SAMPLE, Sampler, template_key
from a11y_audit.reports.i18n import translator
from a11y_audit.reports.sampling import sample_views

ORIGIN = "http://shop.test"


@pytest.mark.parametrize("url, key", [
    ("/products/item-17.html", "/products/*.html"),
    ("/", "/"),
    ("/news/", "/news/"),
    ("/about/team", "/about/team"),
    ("/blog/2024/05/my-first-post", "/blog/*/*/*"),
    ("/u/3f2a9c0d1e7b", "/u/*"),
    ("/u/123e4567-e89b-12d3-a456-426614174000/edit", "/u/*/edit"),
    ("/search?q=shoes&page=2", "/search?page&q"),
    ("/search?page=3&q=hats", "/search?page&q"),
])
def test_template_key_generalises_id_like_parts_and_drops_query_values(url, key):
    assert template_key(ORIGIN + url) == key


def group_urls(section: str, count: int) -> list[str]:
    return [f"{ORIGIN}/{section}/item-{i}.html" for i in range(1, count + 1)]


def sample(urls: list[str], per_template: int = 5, share: float = 0.1, seed: int = 1) -> tuple[Sampler, set[str]]:
    sampler = Sampler(per_template, share, seed)
    assert sampler.offer(ORIGIN + "/", 0)  # a start URL: at once
    assert not any(sampler.offer(url, 1) for url in urls)  # the others wait for the round
    admitted = {url for url, _ in sampler.next_round()}
    return sampler, admitted


def test_small_group_is_audited_whole():
    sampler, admitted = sample(group_urls("help", 4))
    assert admitted == set(group_urls("help", 4))
    assert sampler.next_round() == []


def test_large_group_gets_first_pages_in_url_order_plus_a_random_share():
    urls = group_urls("products", 200)
    sampler, admitted = sample(urls, per_template=5, share=0.1)
    group = sampler.groups["/products/*.html"]
    assert group.structured == urls[:5]  # item-1 … item-5: numbers compared as numbers
    assert set(group.random) <= set(urls[5:])
    assert 10 <= len(group.random) <= 35  # about 10 % of 195
    assert admitted == set(group.structured) | set(group.random)
    assert group.sampled_out == 200 - len(admitted)


def test_random_sample_is_never_below_ten_percent_of_the_structured_sample():
    for seed in range(40):
        sampler, _ = sample(group_urls("news", 30), per_template=20, share=0.0, seed=seed)
        group = sampler.groups["/news/*.html"]
        assert len(group.structured) == 20
        assert len(group.random) == math.ceil(0.1 * 20)  # WCAG-EM minimum, with no share at all


def test_minimum_needs_extra_pages():
    sampler, admitted = sample(group_urls("news", 5), per_template=5, share=0.0)
    assert sampler.groups["/news/*.html"].random == [] and len(admitted) == 5


def test_same_seed_same_sample_other_seed_other_sample():
    urls = group_urls("products", 300)
    first = sample(urls, seed=1)[1]
    assert sample(list(reversed(urls)), seed=1)[1] == first  # discovery order does not matter
    assert sample(urls, seed=2)[1] != first


def test_admitted_url_is_admitted_again_and_sampled_out_stays_out():
    urls = group_urls("products", 50)
    sampler, admitted = sample(urls)
    out = next(url for url in urls if url not in admitted)
    assert sampler.offer(next(iter(admitted)), 1)  # e.g. a URL deferred by the page budget
    assert not sampler.offer(out, 1)
    assert sampler.next_round() == []


def test_later_rounds_fill_the_structured_sample_then_draw():
    sampler = Sampler(3, 0.0, 1)
    sampler.offer(f"{ORIGIN}/a/item-1.html", 1)
    assert len(sampler.next_round()) == 1
    for url in group_urls("a", 10)[1:]:
        sampler.offer(url, 2)
    second = sampler.next_round()
    group = sampler.groups["/a/*.html"]
    assert len(group.structured) == 3 and len(group.random) == 1 and len(second) == 3


def test_full_crawl_admits_everything_and_still_counts_groups():
    sampler = Sampler.from_settings(None)
    assert all(sampler.offer(url, 1) for url in group_urls("news", 12))
    record = sampler.record()
    assert record["method"] == FULL and record["seed"] is None
    assert record["groups"][0]["discovered"] == 12 and record["groups"][0]["structured"] == 12


def test_record_counts_groups_and_splits_by_dom_structure():
    sampler, admitted = sample(group_urls("products", 40), per_template=4, seed=3)
    table, plain = signature(["main", "h1", "table", "form"]), signature(["main", "h1"])
    for n, url in enumerate(sorted(admitted)):
        if url != ORIGIN + "/":
            sampler.observe(url, table if n % 2 else plain)
    sampler.observe(ORIGIN + "/", plain)
    record = sampler.record()
    assert record["method"] == SAMPLE and record["seed"] == 3
    assert record["parameters"] == {"per_template": 4, "random_share": 0.1, "min_random_share": 0.1}
    assert record["discovered"] == 41 and record["admitted"] == len(admitted) + 1
    products = next(g for g in record["groups"] if g["pattern"] == "/products/*.html")
    assert products["discovered"] == 40
    assert products["structured"] + products["random"] + products["sampled_out"] == 40
    assert len(products["structures"]) == 2 and sum(c for _, c in products["structures"]) == len(admitted)
    assert record["patterns"] == 2 and record["templates"] == 3  # the products group counts twice


def test_report_states_the_sample_and_never_a_full_crawl():
    sampler, _ = sample(group_urls("products", 40), seed=5)
    sampled = SiteRecord(url=ORIGIN + "/", settings={}, sampling=sampler.record())
    full = SiteRecord(url="http://other.test/", settings={}, sampling=Sampler(enabled=False).record())
    views = sample_views([sampled, full, SiteRecord(url="http://old.test/", settings={})], translator("en"))
    assert [v.site for v in views] == [ORIGIN + "/"]
    assert views[0].seed == 5 and views[0].discovered == 41 and views[0].random_share == "10%"


def config(**crawl):
    return {"crawl": crawl, "organisations": [{"id": "a", "name": "A", "sites": [{"url": ORIGIN + "/"}]}]}


def test_config_sample_true_flags_and_parameters():
    assert config_from_data(config()).sites[0].sample is None
    assert config_from_data(config(sample=True)).sites[0].sample.per_template == 5
    merged = config_from_data(config(sample={"random_share": 0.2, "seed": 4}), overrides={"sample_per_template": 2})
    assert (merged.sites[0].sample.per_template, merged.sites[0].sample.random_share, merged.sites[0].sample.seed) == (2, 0.2, 4)
    assert config_from_data(config(), overrides={"sample_seed": 9}).sites[0].sample.seed == 9
    assert config_from_data(config(), overrides={"sample": True}).sites[0].sample.seed == 1


@pytest.mark.parametrize("value, message", [
    ({"per_template": 0}, "crawl > sample: per_template: Input should be greater than 0"),
    ({"random_share": 2}, "crawl > sample: random_share: Input should be less than or equal to 1"),
    ({"per_page": 3}, "crawl > sample: per_page: unknown key"),
    ("yes", "crawl > sample: expected true, false or a mapping"),
])
def test_config_errors_are_one_line(value, message):
    with pytest.raises(ConfigError, match=message) as info:
        config_from_data(config(sample=value))
    assert "\n" not in str(info.value)


def test_bad_flag_names_the_flag():
    with pytest.raises(ConfigError, match="command line: --sample-per-template: Input should be greater than 0"):
        config_from_data(config(), overrides={"sample_per_template": 0})
