"""gate/baseline.py: page patterns, entry matching and expiry, the file format, updates."""

from __future__ import annotations

import json
from datetime import date

import pytest

from a11y_audit.audits.grouping import group_findings
from a11y_audit.config.errors import ConfigError
from a11y_audit.gate.baseline import (
    SNIPPET_LIMIT,
    Baseline,
    Entry,
    dump_baseline,
    entry_for,
    load_baseline,
    page_path,
    page_pattern,
    update_baseline,
)
from tests.unit.gate_builders import finding, org

TODAY = date(2026, 3, 15)


def group(fingerprint: str, *paths: str, org_id: str = "shop", **changes):
    """The one grouped violation of *fingerprint* on *paths*."""
    [g] = group_findings(org(org_id, {p: [finding(fingerprint, **changes)] for p in paths}).pages)
    return g


def entry(fingerprint: str = "fp1", organisation: str = "shop", page_pattern: str = "/products/*", **changes) -> Entry:
    values = dict(organisation=organisation, fingerprint=fingerprint, engine="axe", rule="image-alt",
                  impact="critical", page_pattern=page_pattern, selector="img.hero", snippet='<img class="hero">')
    values.update(changes)
    return Entry(**values)


# -- page_path / page_pattern ----------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://shop.example/products/1?colour=red#reviews", "/products/1?colour=red"),
    ("https://shop.example/about", "/about"),
    ("https://shop.example/", "/"),
    ("http://127.0.0.1:8080/signup?step=2", "/signup?step=2"),
])
def test_page_path_is_path_and_query_without_host_or_fragment(url, expected):
    assert page_path(url) == expected


def test_page_pattern_of_one_page_is_its_path_including_query():
    assert page_pattern(["https://shop.example/products/1?colour=red"]) == "/products/1?colour=red"


def test_page_pattern_of_several_pages_is_common_prefix_and_star():
    urls = ["https://shop.example/products/shoes", "https://shop.example/products/hats",
            "https://shop.example/products/hats?page=2"]

    assert page_pattern(urls) == "/products/*"
    assert page_pattern(list(reversed(urls))) == "/products/*"


def test_page_pattern_of_one_page_in_two_states_is_its_path():
    # A pytest session stores a page audited twice as ...#a11y-state-2: still one page.
    urls = ["http://127.0.0.1:8000/stores.html", "http://127.0.0.1:8000/stores.html#a11y-state-2"]

    assert page_pattern(urls) == "/stores.html"


def test_page_pattern_of_unrelated_pages_is_root_star():
    assert page_pattern(["https://shop.example/about", "https://shop.example/contact"]) == "/*"


# -- Entry -----------------------------------------------------------------------------------


def test_entry_matches_same_organisation_fingerprint_and_covered_page():
    e = entry("fp1", page_pattern="/products/*")

    assert e.matches("shop", group("fp1", "/products/1"))
    assert e.matches("shop", group("fp1", "/products/a/b?x=1"))
    # One covered page among others is enough.
    assert e.matches("shop", group("fp1", "/about", "/products/2"))


def test_entry_does_not_match_a_page_outside_its_pattern():
    e = entry("fp1", page_pattern="/products/*")

    assert not e.matches("shop", group("fp1", "/about"))
    assert not e.matches("shop", group("fp1", "/blog/products/1"))
    assert not e.matches("shop", group("fp1", "/Products/1"))  # case-sensitive


def test_entry_does_not_match_another_organisation_or_fingerprint():
    e = entry("fp1", page_pattern="*")

    assert e.matches("shop", group("fp1", "/"))
    assert not e.matches("blog", group("fp1", "/", org_id="blog"))
    assert not e.matches("shop", group("fp2", "/"))


def test_baseline_find_returns_the_matching_entry():
    wanted = entry("fp2", page_pattern="/checkout*")
    b = Baseline(entries=[entry("fp1"), entry("fp2", page_pattern="/products/*"), wanted])

    assert b.find("shop", group("fp2", "/checkout/pay")) is wanted
    assert b.find("shop", group("fp3", "/checkout/pay")) is None


def test_entry_expired_only_after_its_date():
    assert not entry(expires=None).expired(TODAY)
    assert not entry(expires=date(2026, 3, 16)).expired(TODAY)
    assert not entry(expires=TODAY).expired(TODAY)  # valid through its last day
    assert entry(expires=date(2026, 3, 14)).expired(TODAY)


def test_to_json_omits_unset_optional_fields():
    data = entry().to_json()

    assert data == {
        "organisation": "shop", "fingerprint": "fp1", "engine": "axe", "rule": "image-alt", "impact": "critical",
        "page_pattern": "/products/*", "selector": "img.hero", "snippet": '<img class="hero">',
    }


def test_to_json_keeps_set_optional_fields():
    data = entry(reason="replaced in Q3", owner="web-team", expires=date(2027, 3, 31)).to_json()

    assert (data["reason"], data["owner"], data["expires"]) == ("replaced in Q3", "web-team", "2027-03-31")


# -- the file --------------------------------------------------------------------------------


def sample_baseline() -> Baseline:
    return Baseline(
        engines={"own": "1.0", "axe": "4.12.1"},
        entries=[
            entry("fp9", organisation="shop", rule="label", impact="serious", reason="für Q3 — ok"),
            entry("fp2", organisation="blog", rule="link-name", page_pattern="/"),
            entry("fp1", organisation="shop", rule="image-alt", owner="web-team", expires=date(2027, 3, 31)),
            entry("fp0", organisation="shop", rule="label", impact=None, page_pattern="*"),
        ],
    )


def test_dump_is_sorted_and_ends_with_one_newline():
    text = dump_baseline(sample_baseline())
    data = json.loads(text)

    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert list(data) == ["a11y_audit_baseline", "engines", "entries"]
    assert data["a11y_audit_baseline"] == 1
    assert list(data["engines"]) == ["axe", "own"]
    assert [(e["organisation"], e["rule"], e["fingerprint"]) for e in data["entries"]] == [
        ("blog", "link-name", "fp2"), ("shop", "image-alt", "fp1"), ("shop", "label", "fp0"), ("shop", "label", "fp9"),
    ]
    assert list(data["entries"][1]) == sorted(data["entries"][1])  # keys sorted too
    assert "für Q3 — ok" in text  # written as is, not \u-escaped


def test_dump_does_not_depend_on_entry_or_engine_order():
    b = sample_baseline()
    shuffled = Baseline(engines=dict(reversed(list(b.engines.items()))), entries=list(reversed(b.entries)))

    assert dump_baseline(shuffled) == dump_baseline(b)


def test_dump_load_dump_is_byte_stable(tmp_path):
    path = tmp_path / "a11y-baseline.json"
    first = dump_baseline(sample_baseline())
    path.write_text(first, encoding="utf-8")

    loaded = load_baseline(path)

    assert dump_baseline(loaded) == first
    assert loaded.engines == {"axe": "4.12.1", "own": "1.0"}
    by_fp = {e.fingerprint: e for e in loaded.entries}
    assert by_fp["fp1"] == entry("fp1", owner="web-team", expires=date(2027, 3, 31))
    assert by_fp["fp9"].reason == "für Q3 — ok"
    assert by_fp["fp0"].impact is None


def test_optional_fields_are_absent_from_the_file_when_unset(tmp_path):
    data = json.loads(dump_baseline(sample_baseline()))
    by_fp = {e["fingerprint"]: e for e in data["entries"]}

    assert {"reason", "owner", "expires"} & set(by_fp["fp2"]) == set()
    assert (by_fp["fp1"]["owner"], by_fp["fp1"]["expires"]) == ("web-team", "2027-03-31")
    assert "reason" not in by_fp["fp1"]
    assert by_fp["fp9"]["reason"] == "für Q3 — ok"
    assert {"owner", "expires"} & set(by_fp["fp9"]) == set()


def test_missing_file_is_an_empty_baseline(tmp_path):
    b = load_baseline(tmp_path / "nope.json")

    assert (b.engines, b.entries) == ({}, [])


def test_loaded_entry_defaults(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"a11y_audit_baseline": 1, "entries": [
        {"organisation": "shop", "fingerprint": "fp1", "engine": "axe", "rule": "image-alt"},
    ]}), encoding="utf-8")

    b = load_baseline(path)

    assert b.engines == {}
    assert b.entries == [Entry(organisation="shop", fingerprint="fp1", engine="axe", rule="image-alt", impact=None,
                               page_pattern="*", selector="", snippet="")]


@pytest.mark.parametrize("text, words", [
    ("{not json", "not a readable baseline file"),
    ("", "not a readable baseline file"),
    ('{"a11y_audit_baseline": 2, "entries": []}', "not an a11y-audit baseline"),
    ('{"entries": []}', "not an a11y-audit baseline"),
    ('[{"a11y_audit_baseline": 1}]', "not an a11y-audit baseline"),
    ('{"a11y_audit_baseline": 1, "entries": [{"organisation": "shop", "engine": "axe", "rule": "r"}]}',
     "entries[0]: KeyError: 'fingerprint'"),
    ('{"a11y_audit_baseline": 1, "entries": [{"organisation": "shop", "fingerprint": "f", "engine": "axe",'
     ' "rule": "r", "expires": "2027-13-45"}]}', "entries[0]: ValueError"),
])
def test_bad_files_raise_config_error_naming_the_file(tmp_path, text, words):
    path = tmp_path / "team-baseline.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        load_baseline(path)

    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "team-baseline.json" in message
    assert words in message
    assert "\n" not in message


def test_second_entry_missing_fingerprint_is_named_by_index(tmp_path):
    path = tmp_path / "b.json"
    good = {"organisation": "shop", "fingerprint": "f", "engine": "axe", "rule": "r"}
    bad = {"organisation": "shop", "engine": "axe", "rule": "r"}
    path.write_text(json.dumps({"a11y_audit_baseline": 1, "entries": [good, bad]}), encoding="utf-8")

    with pytest.raises(ConfigError, match=r"b\.json: entries\[1\]: KeyError: 'fingerprint'"):
        load_baseline(path)


def test_entry_that_is_not_an_object_raises_config_error(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{"a11y_audit_baseline": 1, "entries": ["image-alt"]}', encoding="utf-8")

    with pytest.raises(ConfigError, match=r"b\.json: entries\[0\]"):
        load_baseline(path)


def test_file_that_is_not_utf8_raises_config_error(tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(b'{"a11y_audit_baseline": 1, "entries": [], "x": "\xff\xfe"}')

    with pytest.raises(ConfigError, match=r"b\.json"):
        load_baseline(path)


# -- entry_for / update_baseline -------------------------------------------------------------


def test_entry_for_a_new_group_has_pattern_and_collapsed_truncated_snippet():
    html = "<div\n   class='x'>" + "y" * 400 + "</div>"
    g = group("fp1", "/products/a", "/products/b", rule="label", impact="serious", selector="div.x", html=html)

    e = entry_for("shop", g)

    assert e == Entry(organisation="shop", fingerprint="fp1", engine="axe", rule="label", impact="serious",
                      page_pattern="/products/*", selector="div.x",
                      snippet=(" ".join(html.split()))[:SNIPPET_LIMIT])
    assert len(e.snippet) == SNIPPET_LIMIT == 160
    assert e.snippet.startswith("<div class='x'>yyy")


def test_update_keeps_people_fields_and_reports_added_kept_removed_exactly():
    kept_old = entry("fp-kept", page_pattern="/products/*", reason="hero images are replaced in Q3",
                     owner="web-team", expires=date(2027, 3, 31), selector="old selector", snippet="old")
    fixed_old = entry("fp-fixed", page_pattern="/cart", rule="label")
    old = Baseline(engines={"axe": "4.0.0"}, entries=[fixed_old, kept_old])
    kept_group = group("fp-kept", "/products/1", "/products/2", "/about", selector="img.hero-new")
    new_group = group("fp-new", "/contact", rule="link-name", impact="serious")

    change = update_baseline(old, {"shop": [kept_group, new_group]}, {"axe": "4.12.1"})

    assert change.kept == [Entry(
        organisation="shop", fingerprint="fp-kept", engine="axe", rule="image-alt", impact="critical",
        page_pattern="/products/*", selector="img.hero-new", snippet='<div id="el-fp-kept"></div>',
        reason="hero images are replaced in Q3", owner="web-team", expires=date(2027, 3, 31),
    )]
    assert change.added == [Entry(
        organisation="shop", fingerprint="fp-new", engine="axe", rule="link-name", impact="serious",
        page_pattern="/contact", selector="#el-fp-new", snippet='<div id="el-fp-new"></div>',
    )]
    assert change.removed == [fixed_old]
    assert change.baseline.entries == change.kept + change.added
    assert change.baseline.engines == {"axe": "4.12.1"}
    # The old baseline is not modified.
    assert old.entries == [fixed_old, kept_old] and old.engines == {"axe": "4.0.0"}


def test_update_of_nothing_found_removes_everything_of_that_organisation():
    old = Baseline(entries=[entry("fp1"), entry("fp2")])

    change = update_baseline(old, {"shop": []}, {"axe": "4.12.1"})

    assert (change.added, change.kept, change.removed) == ([], [], old.entries)
    assert change.baseline.entries == []


def test_update_from_empty_baseline_adds_every_group_in_organisation_order():
    change = update_baseline(Baseline(), {"shop": [group("s1", "/")], "blog": [group("b1", "/", org_id="blog")]}, {})

    assert [(e.organisation, e.fingerprint) for e in change.added] == [("blog", "b1"), ("shop", "s1")]
    assert (change.kept, change.removed) == ([], [])


def test_update_then_dump_then_load_accepts_the_same_groups(tmp_path):
    groups = [group("fp1", "/products/1", "/products/2"), group("fp2", "/?q=1")]
    path = tmp_path / "b.json"
    path.write_text(dump_baseline(update_baseline(Baseline(), {"shop": groups}, {"axe": "4.12.1"}).baseline),
                    encoding="utf-8")

    loaded = load_baseline(path)

    assert [loaded.find("shop", g) is not None for g in groups] == [True, True]


def test_update_keeps_entries_of_organisations_not_in_the_run():
    other = entry("fp-blog", organisation="blog", page_pattern="/")
    old = Baseline(entries=[other, entry("fp1", page_pattern="*")])

    change = update_baseline(old, {"shop": [group("fp1", "/")]}, {"axe": "4.12.1"})

    assert other not in change.removed
    assert [e.fingerprint for e in change.baseline.entries if e.organisation == "blog"] == ["fp-blog"]


def test_an_entry_made_for_a_page_with_brackets_matches_that_page():
    g = group("fp1", "https://shop.example/wiki/File[1].png")

    assert entry_for("shop", g).matches("shop", g)
