"""Language of page (WCAG 3.1.1) and of parts (3.1.2): declared lang versus the text.

The visible text is read per block with the language that applies to it (the
nearest ``lang`` attribute). The offline detector `lingua
<https://github.com/pemistahl/lingua-py>`_ judges only text of at least
:data:`PAGE_MIN_LETTERS` letters (page) or :data:`PART_MIN_LETTERS` (one block),
and only when it is confident; languages it cannot detect are never judged, and
close relatives (Norwegian Bokmål/Nynorsk, Bosnian/Croatian/Serbian,
Malay/Indonesian) count as the same, and share their confidence. A missing or invalid ``lang`` is axe's
``html-has-lang`` / ``html-lang-valid``; here a declared language that differs
from the text's needs review. Declared and detected language are kept as facts.
"""

from __future__ import annotations

import asyncio
import threading
from functools import lru_cache
from typing import Any, Optional

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.model import NEEDS_REVIEW

PAGE_MIN_LETTERS = 200
PART_MIN_LETTERS = 150
PAGE_MIN_CONFIDENCE = 0.9
PART_MIN_CONFIDENCE = 0.95
MAX_PARTS = 40
PAGE_MAX_CHARACTERS = 20_000

#: Languages the detector cannot tell apart reliably, and old codes: treated as one.
_SAME = [frozenset({"no", "nb", "nn"}), frozenset({"hr", "bs", "sr", "sh"}), frozenset({"ms", "id"})]
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "fil": "tl", "nob": "nb", "nno": "nn", "nor": "no"}

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import LanguageDetectorBuilder

    # Low accuracy mode (trigrams): ~110 MB and milliseconds per text, where the high accuracy
    # mode loads ~1 GB of models in seconds; only long texts (150+ letters) are judged anyway.
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    from lingua import Language

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


def primary(tag: str) -> Optional[str]:
    """``en-GB`` → ``en``; 3-letter codes as their 2-letter equivalent; None when unknown."""
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    code = _LEGACY.get(code, code)
    if len(code) == 3:
        from lingua import IsoCode639_3, Language

        try:
            code = Language.from_iso_code_639_3(IsoCode639_3.from_str(code)).iso_code_639_1.name.lower()
        except (ValueError, KeyError, AttributeError):
            return None
    return code if len(code) == 2 and code.isalpha() else None


def same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME)


def judgeable(code: Optional[str]) -> bool:
    """Can the detector recognise this language at all? (Otherwise its text is never judged.)"""
    return bool(code) and (code in _supported() or any(code in g for g in _SAME))


def detect(text: str) -> Optional[tuple[str, float]]:
    """The language of *text* as (ISO 639-1 code, confidence), or None for too little text."""
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    code = values[0].language.iso_code_639_1.name.lower()
    # Close relatives share the confidence: "Croatian 0.85, Bosnian 0.15" is certainly one of them.
    confidence = sum(float(v.value) for v in values if same_language(code, v.language.iso_code_639_1.name.lower()))
    return code, min(1.0, confidence)


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def verdict(declared: Optional[str], text: str, minimum: int, confidence: float) -> Optional[dict[str, Any]]:
    """Detected language of *text* when it can be judged against *declared*: a dict with
    ``detected``, ``confidence``, ``letters`` and ``differs``; None when there is too little
    text, the declared language cannot be detected, or the detector is not confident."""
    count = letters(text)
    if count < minimum or not judgeable(declared):
        return None
    found = detect(text)
    if found is None or found[1] < confidence:
        return None
    code, value = found
    return {"detected": code, "confidence": round(value, 2), "letters": count,
            "differs": not same_language(declared or "", code)}


def excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "\u2026"


class LanguageEngine(CheckEngine):
    name = "language"
    rules = ("page-language", "part-language")

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        found = await page.evaluate(js.function("lang"), {"partMin": PART_MIN_LETTERS, "pageMax": PAGE_MAX_CHARACTERS,
                                                         "maxParts": MAX_PARTS})
        return await asyncio.to_thread(self.judge, found, rules)

    def judge(self, found: dict, rules: dict[str, Rule]) -> CheckOutput:
        """The verdicts on what the page script read (pure: also used on recorded input)."""
        output = CheckOutput()
        declared_tag = found.get("declared") or ""
        declared = primary(declared_tag) if declared_tag else None
        facts: dict[str, Any] = {"declared": declared_tag or None, "detected": None, "confidence": None}
        page_text = found.get("page") or ""
        page = verdict(declared, page_text, PAGE_MIN_LETTERS, PAGE_MIN_CONFIDENCE) if declared else None
        if page is None and not declared and letters(page_text) >= PAGE_MIN_LETTERS:
            detected = detect(page_text)
            if detected and detected[1] >= PAGE_MIN_CONFIDENCE:
                page = {"detected": detected[0], "confidence": round(detected[1], 2), "differs": False}
        if page:
            facts.update(detected=page["detected"], confidence=page["confidence"])
        if "page-language" in rules:
            if page is None or not declared:
                output.not_applicable.add("page-language")
            elif page["differs"]:
                output.findings.append(rules["page-language"].finding(
                    self.name, NEEDS_REVIEW, "html", f'<html lang="{declared_tag}">',
                    f"declared {declared_tag}, detected {page['detected']} ({page['confidence']:.2f}) "
                    f"from {page['letters']} letters of visible text", "html"))
        if "part-language" in rules:
            judged = 0
            for part in found.get("parts", []):
                applies = part.get("lang") or ""
                code = primary(applies) if applies else None
                result = verdict(code, part.get("text", ""), PART_MIN_LETTERS, PART_MIN_CONFIDENCE)
                if result is None:
                    continue
                judged += 1
                if result["differs"] and not (page and page["detected"] == result["detected"] and part["fromRoot"]):
                    source = "the page's lang" if part.get("fromRoot") else "its lang attribute"
                    output.findings.append(rules["part-language"].on(
                        self.name, NEEDS_REVIEW, part,
                        f"{applies} applies (from {source}), detected {result['detected']} "
                        f"({result['confidence']:.2f}) from {result['letters']} letters: "
                        f"\u201c{excerpt(part['text'])}\u201d"))
            facts["parts_judged"] = judged
            if not judged:
                output.not_applicable.add("part-language")
        output.facts = facts
        return output
