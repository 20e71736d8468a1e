"""audits/documents.py: PDF/UA basics on PDFs made here with pikepdf."""

from __future__ import annotations

import io

import pikepdf
import pytest

from a11y_audit.audits.documents import check_document


def make_pdf(*, tagged: bool = True, lang: str | None = "en-GB", title: str | None = "Annual report 2024",
             display_title: bool = True, xmp_title: str | None = None, password: str | None = None) -> bytes:
    """A one-page PDF with exactly the accessibility properties asked for."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if tagged:
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    if lang:
        pdf.Root.Lang = pikepdf.String(lang)
    if title:
        pdf.docinfo["/Title"] = title
    if display_title:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    if xmp_title:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = xmp_title
    out = io.BytesIO()
    encryption = pikepdf.Encryption(user=password, owner=password + "-owner") if password else False
    pdf.save(out, encryption=encryption)
    return out.getvalue()


def outcomes(results: list[dict]) -> dict[str, str]:
    return {r["check"]: r["outcome"] for r in results}


def test_accessible_pdf_passes_every_check_with_evidence():
    results = check_document("application/pdf", make_pdf())
    assert outcomes(results) == {"pdf-tagged": "pass", "pdf-language": "pass", "pdf-title": "pass"}
    by_check = {r["check"]: r for r in results}
    assert by_check["pdf-tagged"]["wcag"] == ["1.3.1"]
    assert by_check["pdf-language"] == {"check": "pdf-language", "outcome": "pass", "wcag": ["3.1.1"],
                                        "evidence": "/Lang en-GB"}
    assert by_check["pdf-title"]["wcag"] == ["2.4.2"]
    assert "Annual report 2024" in by_check["pdf-title"]["evidence"]
    assert "DisplayDocTitle true" in by_check["pdf-title"]["evidence"]


def test_untagged_pdf_without_language_or_title_fails_each():
    results = check_document("application/pdf", make_pdf(tagged=False, lang=None, title=None, display_title=False))
    assert outcomes(results) == {"pdf-tagged": "violation", "pdf-language": "violation", "pdf-title": "violation"}
    tagged = next(r for r in results if r["check"] == "pdf-tagged")
    assert "MarkInfo/Marked missing or false; StructTreeRoot missing" in tagged["evidence"]


def test_marked_without_structure_tree_is_not_tagged():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    out = io.BytesIO()
    pdf.save(out)
    assert outcomes(check_document("application/pdf", out.getvalue()))["pdf-tagged"] == "violation"


def test_title_from_xmp_counts_and_missing_display_doc_title_needs_review():
    results = check_document("application/pdf", make_pdf(title=None, xmp_title="Charges scheme", display_title=False))
    title = next(r for r in results if r["check"] == "pdf-title")
    assert title["outcome"] == "needs-review"
    assert "Charges scheme" in title["evidence"] and "XMP dc:title" in title["evidence"]
    assert "DisplayDocTitle is not true" in title["evidence"]


def test_encrypted_pdf_is_recorded_as_not_checkable():
    assert check_document("application/pdf", make_pdf(password="secret")) == [
        {"check": "pdf-open", "outcome": "error", "wcag": [], "evidence": "encrypted, not checkable: a password is needed to open it"}
    ]


def test_truncated_pdf_is_recorded_and_still_checked_or_reported_broken():
    body = make_pdf()
    results = check_document("application/pdf", body[: len(body) * 2 // 3])
    opened = [r for r in results if r["check"] == "pdf-open"]
    assert len(opened) == 1 and opened[0]["outcome"] in ("needs-review", "error")
    assert opened[0]["evidence"].startswith(("damaged or truncated", "broken"))
    assert "0x" not in opened[0]["evidence"], "no memory addresses in stored evidence"


@pytest.mark.parametrize("body", [b"", b"%PDF-1.7\n garbage", b"%PDF-" + b"\x00" * 100])
def test_garbage_never_raises(body):
    results = check_document("application/pdf", body)
    assert results and all(r["outcome"] in ("error", "needs-review", "violation", "pass") for r in results)
    assert any(r["check"] == "pdf-open" for r in results)


def test_other_documents_give_no_results():
    assert check_document("application/msword", b"\xd0\xcf\x11\xe0 word document") == []


def test_pdf_recognised_by_its_signature_whatever_the_content_type():
    assert outcomes(check_document("application/octet-stream", make_pdf()))["pdf-tagged"] == "pass"
