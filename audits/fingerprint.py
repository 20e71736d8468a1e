"""Stable fingerprints for findings: the same problem on the same element.

A fingerprint is built from the rule, the element's place in the document and
the element's opening tag, each normalised so that it survives what does not
change the problem: which page it is on, query strings, generated ids and
classes (``css-1x2y3z``, ``ember123``), whitespace, and the element's text. It
changes when the rule or the element (tag, stable attributes, place) changes.
Findings that share a fingerprint across pages form one grouped issue.

The place is the chain of tag names from the root (``html>body>header>a>img``),
not axe's CSS selector: axe picks the shortest selector unique *on that page*,
so the same template element gets ``img`` on one page and
``img[src$="logo.png"]`` on another.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

_VOLATILE_ATTRS = re.compile(
    r"^(nonce|data-reactid|data-react-checksum|jsaction|jscontroller|jsname|data-v-[0-9a-f]+|_ng\w*-[\w-]+|ng-\w+)$"
)
_HEX = re.compile(r"^[0-9a-f]{6,}$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d{3,}$")


def is_volatile_token(token: str) -> bool:
    """Does a class name, id or attribute word look generated rather than written?

    Generated tokens mix letters and digits in one segment of four or more
    characters (``css-1x2y3z``, ``ember123``, ``a1b2c3``), are long hex runs,
    or long numbers. Hand-written ones (``col-md-6``, ``h1-title``, ``nav``) are kept.
    """
    for segment in re.split(r"[-_:]", token):
        if _HEX.match(segment) and any(ch.isdigit() for ch in segment):
            return True
        if _DIGITS.match(segment):
            return True
        if len(segment) >= 4 and re.search(r"\d", segment) and re.search(r"[a-zA-Z]", segment):
            # A word with a trailing version-like digit ("h1", "col2") is short; long mixes are generated.
            if not re.fullmatch(r"[a-zA-Z]+\d", segment):
                return True
    return False


def _normalise_words(value: str) -> str:
    return " ".join(sorted(word for word in value.split() if not is_volatile_token(word)))


def normalise_selector(selector: str) -> str:
    """Drop generated ids/classes and quoted attribute values from a CSS selector."""

    def ident(match: re.Match[str]) -> str:
        # A placeholder, not nothing: "div > #ember12 > a" must not collapse to "div > > a".
        return match.group(1) + "~" if is_volatile_token(match.group(2)) else match.group(0)

    selector = re.sub(r"([#.])((?:\\.|[\w-])+)", ident, selector)
    selector = re.sub(r'\[([\w:-]+)[~|^$*]?=("[^"]*"|\'[^\']*\'|[^\]]*)\]', _attr_selector, selector)
    return re.sub(r"\s+", " ", selector).strip()


def _attr_selector(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2).strip("\"'")
    if _VOLATILE_ATTRS.match(name) or is_volatile_token(value):
        return f"[{name}]"
    return match.group(0)


class _OpeningTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: str | None = None
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.tag is None:
            self.tag = tag
            self.attrs = [(name, value or "") for name, value in attrs]


def normalise_snippet(html: str) -> str:
    """The element's opening tag with sorted, stable attributes; its text is dropped."""
    parser = _OpeningTag()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed page markup must not break fingerprinting
        pass
    if parser.tag is None:
        return re.sub(r"\s+", " ", html).strip()[:200]
    parts = [parser.tag]
    for name, value in sorted(parser.attrs):
        if _VOLATILE_ATTRS.match(name):
            continue
        if name in ("src", "href", "action", "srcset", "poster", "data"):
            value = value.split("?", 1)[0].split("#", 1)[0]
        elif name in ("style",):
            value = re.sub(r"\s+", "", value)
        else:
            value = _normalise_words(value)
        parts.append(f"{name}={value}" if value else name)
    return " ".join(parts)


def tag_path(ancestry: str) -> str:
    """``html > body > div:nth-child(2) > a.x`` → ``html>body>div>a`` (positions and names dropped)."""
    tags = []
    for step in ancestry.split(">"):
        match = re.match(r"\s*([a-zA-Z][\w-]*)", step)
        tags.append(match.group(1).lower() if match else "*")
    return ">".join(tags)


def fingerprint(rule: str, selector: str, html: str, ancestry: str | None = None) -> str:
    """A 16-hex-digit id for "this rule on this element", independent of the page.

    *ancestry* is the element's full path from the root (frames and shadow roots
    separated as in *selector*); without it the normalised selector stands in.
    """
    place = tag_path(ancestry) if ancestry else normalise_selector(selector)
    key = "\x1f".join((rule, place, normalise_snippet(html)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
