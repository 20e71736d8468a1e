"""Checks of documents a site links to (PDF first), run on the fetched bytes.

In: content type and body. Out: a list of check results
``{"check", "outcome", "wcag", "evidence"}`` stored with the document, where
``outcome`` is ``"pass"``, ``"violation"``, ``"needs-review"`` or ``"error"``
(the document could not be checked) and ``wcag`` lists success criteria.

PDFs are read with pikepdf (no rendering), for the PDF/UA basics:

=================  =========  ==============================================================
check              WCAG       passes when
=================  =========  ==============================================================
``pdf-tagged``     1.3.1      the catalog's MarkInfo/Marked is true and a StructTreeRoot exists
``pdf-language``   3.1.1      the catalog has a non-empty /Lang
``pdf-title``      2.4.2      a title (Info /Title or XMP dc:title) exists (else a violation) and
                              ViewerPreferences/DisplayDocTitle is true (else needs review:
                              viewers show the file name instead)
``pdf-open``       –          only reported when something is wrong: encrypted with a password
                              ("encrypted, not checkable", error), unreadable (error), or
                              damaged and repaired on opening (needs review; the other checks
                              still run)
=================  =========  ==============================================================

Nothing here raises: a document that breaks a check becomes an ``error`` result.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from typing import Any

logger = logging.getLogger(__name__)

PDF_TYPES = ("application/pdf", "application/x-pdf")
PASS, VIOLATION, NEEDS_REVIEW, ERROR = "pass", "violation", "needs-review", "error"


def _message(exc: object) -> str:
    """pikepdf's message without the in-memory stream's name (``stream <_io.BytesIO object at 0x…>:``)."""
    text = re.sub(r"^(stream\s+)?<[^>]* object at 0x[0-9a-f]+>:?\s*", "", str(exc).strip())
    return text[:200] or type(exc).__name__


def _result(check: str, outcome: str, wcag: list[str], evidence: str) -> dict[str, Any]:
    return {"check": check, "outcome": outcome, "wcag": wcag, "evidence": evidence}


def check_document(content_type: str, body: bytes) -> list[dict]:
    """Check one document; an unknown type gives no results."""
    is_pdf = (content_type or "").split(";")[0].strip().lower() in PDF_TYPES or body[:1024].lstrip().startswith(b"%PDF-")
    if not is_pdf:
        return []
    try:
        return check_pdf(body)
    except Exception as exc:  # noqa: BLE001 - a hostile document is a result, never a crash
        logger.info("PDF could not be checked: %s", exc)
        return [_result("pdf-open", ERROR, [], f"could not be checked: {_message(exc)}")]


def check_pdf(body: bytes) -> list[dict]:
    """The PDF/UA basics of one PDF (see the module docstring)."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(body))
    except pikepdf.PasswordError:
        return [_result("pdf-open", ERROR, [], "encrypted, not checkable: a password is needed to open it")]
    except pikepdf.PdfError as exc:
        return [_result("pdf-open", ERROR, [], f"broken, not checkable: {_message(exc)}")]
    with pdf:
        results = []
        damage = pdf.get_warnings()
        if damage:
            more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
            results.append(_result("pdf-open", NEEDS_REVIEW, [],
                                   f"damaged or truncated, repaired when opened: {_message(damage[0])}{more}"))
        root = pdf.Root
        results.append(_tagged(root))
        results.append(_language(root))
        results.append(_title(pdf, root))
        return results


def _get(dictionary: Any, key: str) -> Any:
    try:
        return dictionary.get(key)
    except Exception:  # noqa: BLE001 - a damaged object is treated as missing
        return None


def _tagged(root: Any) -> dict:
    mark_info = _get(root, "/MarkInfo")
    marked = bool(_get(mark_info, "/Marked")) if mark_info is not None else False
    structure = _get(root, "/StructTreeRoot") is not None
    evidence = (f"MarkInfo/Marked {'true' if marked else 'missing or false'}; "
                f"StructTreeRoot {'present' if structure else 'missing'}")
    if marked and structure:
        return _result("pdf-tagged", PASS, ["1.3.1"], evidence)
    return _result("pdf-tagged", VIOLATION, ["1.3.1"],
                   evidence + ": the PDF is not tagged, so headings, lists and tables are lost to assistive technology")


def _language(root: Any) -> dict:
    lang = _get(root, "/Lang")
    value = str(lang).strip() if lang is not None else ""
    if value:
        return _result("pdf-language", PASS, ["3.1.1"], f"/Lang {value}")
    return _result("pdf-language", VIOLATION, ["3.1.1"], "no /Lang in the document catalog: screen readers guess the language")


def _title(pdf: Any, root: Any) -> dict:
    title, source = "", ""
    info = _get(pdf.trailer, "/Info")
    if info is not None and _get(info, "/Title") is not None:
        title, source = str(_get(info, "/Title")).strip(), "Info /Title"
    if not title:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                meta = pdf.open_metadata()
                title, source = str(meta.get("dc:title") or "").strip(), "XMP dc:title"
            except Exception:  # noqa: BLE001 - unreadable XMP counts as no title
                title = ""
    preferences = _get(root, "/ViewerPreferences")
    display = bool(_get(preferences, "/DisplayDocTitle")) if preferences is not None else False
    if not title:
        return _result("pdf-title", VIOLATION, ["2.4.2"], "no title (neither Info /Title nor XMP dc:title)")
    shown = title if len(title) <= 80 else title[:79] + "\u2026"
    if display:
        return _result("pdf-title", PASS, ["2.4.2"], f"title \u201c{shown}\u201d ({source}); DisplayDocTitle true")
    return _result("pdf-title", NEEDS_REVIEW, ["2.4.2"],
                   f"title \u201c{shown}\u201d ({source}), but ViewerPreferences/DisplayDocTitle is not true: "
                   f"viewers show the file name instead")
