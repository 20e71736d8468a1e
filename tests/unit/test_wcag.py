"""audits/wcag.py: axe tags to success criteria, runOnly tags, and criteria per standard."""

from __future__ import annotations

import pytest

from a11y_audit.audits.model import Standard
from a11y_audit.audits.wcag import criteria_for, criteria_from_tags, sc_from_tag, tags_for


@pytest.mark.parametrize(
    ("tag", "sc"),
    [
        ("wcag143", "1.4.3"),
        ("wcag1412", "1.4.12"),
        ("wcag111", "1.1.1"),
        ("wcag412", "4.1.2"),
        ("wcag2411", "2.4.11"),
        ("wcag2aa", None),
        ("wcag21aa", None),
        ("wcag22a", None),
        ("best-practice", None),
        ("EN-9.1.1.1", None),
        ("cat.color", None),
        ("section508", None),
    ],
)
def test_sc_from_tag(tag, sc):
    assert sc_from_tag(tag) == sc


def test_criteria_from_tags_numeric_order_without_duplicates():
    tags = ["wcag1412", "wcag2aa", "wcag143", "best-practice", "wcag143", "wcag111", "wcag412"]

    assert criteria_from_tags(tags) == ("1.1.1", "1.4.3", "1.4.12", "4.1.2")


def test_criteria_from_tags_empty():
    assert criteria_from_tags(["best-practice", "wcag2a"]) == ()


@pytest.mark.parametrize(
    ("wcag", "level", "tags"),
    [
        ("2.2", "AA", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]),
        ("2.2", "A", ["wcag2a", "wcag21a", "wcag22a"]),
        ("2.1", "AA", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]),
        ("2.1", "A", ["wcag2a", "wcag21a"]),
        ("2.0", "AA", ["wcag2a", "wcag2aa"]),
        ("2.0", "A", ["wcag2a"]),
    ],
)
def test_tags_for(wcag, level, tags):
    assert tags_for(Standard(wcag, level)) == tags


def test_tags_for_unknown_version():
    with pytest.raises(ValueError, match=r"unknown WCAG version '3\.0'"):
        tags_for(Standard("3.0", "AA"))


@pytest.mark.parametrize(
    ("wcag", "level", "count"),
    [("2.0", "A", 25), ("2.0", "AA", 38), ("2.1", "A", 30), ("2.1", "AA", 50), ("2.2", "A", 31), ("2.2", "AA", 55)],
)
def test_criteria_for_counts(wcag, level, count):
    assert len(criteria_for(Standard(wcag, level))) == count


def numbers(wcag: str, level: str = "AA") -> set[str]:
    return {c.sc for c in criteria_for(Standard(wcag, level))}


def test_parsing_4_1_1_removed_in_2_2():
    assert "4.1.1" in numbers("2.1")
    assert "4.1.1" in numbers("2.0", "A")
    assert "4.1.1" not in numbers("2.2")
    assert "4.1.1" not in numbers("2.2", "A")


def test_levels_and_versions_nest():
    assert "1.4.3" in numbers("2.0", "AA") and "1.4.3" not in numbers("2.0", "A")
    assert "1.4.10" in numbers("2.1") and "1.4.10" not in numbers("2.0")
    assert "2.5.8" in numbers("2.2") and "2.5.8" not in numbers("2.1")
