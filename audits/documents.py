"""Checks of documents a site links to (PDF first), run on the fetched bytes.

In: content type and body. Out: a list of check results
``{"check", "outcome", "wcag", "evidence"}`` stored with the document.
"""

from __future__ import annotations


def check_document(content_type: str, body: bytes) -> list[dict]:
    """Check one document; an unknown type gives no results."""
    return []
