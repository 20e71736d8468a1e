"""audits/fingerprint.py: the same problem on the same element keeps one fingerprint."""

from __future__ import annotations

import re

import pytest

from a11y_audit.audits.fingerprint import fingerprint, is_volatile_token

HEADER_IMG = "html > body > header > a > img"


def fp(rule: str = "image-alt", selector: str = "img", html: str = '<img src="/logo.png">', ancestry: str | None = None):
    return fingerprint(rule, selector, html, ancestry)


def test_fingerprint_is_16_hex_digits():
    assert re.fullmatch(r"[0-9a-f]{16}", fp())
    assert re.fullmatch(r"[0-9a-f]{16}", fp(ancestry=HEADER_IMG))


def test_fingerprint_is_deterministic():
    assert fp() == fp()


SAME = [
    pytest.param(
        dict(rule="link-name", selector="a", html='<a href="/x">Hello</a>'),
        dict(rule="link-name", selector="a", html='<a href="/x">Goodbye, world</a>'),
        id="text-inside-changes",
    ),
    pytest.param(
        dict(html='<a  href="/x"\n   class="btn   primary">Go</a>', selector="a"),
        dict(html='<a href="/x" class="primary btn">Go</a>', selector="a"),
        id="whitespace-and-class-order",
    ),
    pytest.param(
        dict(selector="div.card.css-1x2y3z", html='<div class="card css-1x2y3z">'),
        dict(selector="div.card.css-9q8w7e", html='<div class="card css-9q8w7e">'),
        id="generated-class",
    ),
    pytest.param(
        dict(selector="#ember123", html='<div id="ember123" class="menu">'),
        dict(selector="#ember456", html='<div id="ember456" class="menu">'),
        id="generated-id",
    ),
    pytest.param(
        dict(selector="a", html='<a href="/product?id=1">'),
        dict(selector="a", html='<a href="/product?id=2&amp;ref=home">'),
        id="href-query",
    ),
    pytest.param(
        dict(selector="img", html='<img src="/logo.png">', ancestry=HEADER_IMG),
        dict(selector='img[src$="logo.png"]', html='<img src="/logo.png">', ancestry=HEADER_IMG),
        id="axe-selector-differs-same-ancestry",
    ),
    pytest.param(
        dict(selector="a", html='<a href="/p">', ancestry="html > body > div:nth-child(2) > a"),
        dict(selector="a", html='<a href="/p">', ancestry="html > body > div:nth-child(5) > a"),
        id="nth-child-differs",
    ),
    pytest.param(
        dict(selector="a", html='<a href="/p">', ancestry="html > body > div.css-1x2y3z > a"),
        dict(selector="a", html='<a href="/p">', ancestry="html > body > div.main > a"),
        id="class-in-ancestry-differs",
    ),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_fingerprint_survives(one, other):
    assert fp(**one) == fp(**other)


DIFFERENT = [
    pytest.param(dict(rule="image-alt"), dict(rule="role-img-alt"), id="rule"),
    pytest.param(dict(html='<span class="x">'), dict(html='<div class="x">'), id="tag"),
    pytest.param(dict(html='<input type="text">'), dict(html='<input type="email">'), id="type-attribute"),
    pytest.param(dict(html='<img src="/a.png">'), dict(html='<img src="/b.png">'), id="src-path"),
    pytest.param(
        dict(ancestry="html > body > header > img"), dict(ancestry="html > body > footer > img"), id="ancestry-tags"
    ),
    pytest.param(dict(selector="header > img"), dict(selector="footer > img"), id="selector-without-ancestry"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_fingerprint_changes(one, other):
    assert fp(**one) != fp(**other)


@pytest.mark.parametrize(
    ("token", "volatile"),
    [
        ("col-md-6", False),
        ("h1-title", False),
        ("nav", False),
        ("item-3", False),
        ("col2", False),
        ("btn-primary", False),
        ("ember123", True),
        ("css-1x2y3z", True),
        ("a1b2c3", True),
        ("5f3a9c2e", True),
        ("post-12345", True),
    ],
)
def test_is_volatile_token(token, volatile):
    assert is_volatile_token(token) is volatile
