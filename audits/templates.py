"""A rendered page's DOM-structure signature: pages built from one template share it.

In: a live page (the engines' :class:`~audits.engines.base.PageSession`). Out: a short
hash over the document-order sequence of its structural elements (landmarks, headings,
lists, forms, tables, and elements with a landmark role) to a limited depth, with runs of
the same element collapsed, so that a table with 3 rows and one with 9, or a list of 4
items and one of 12, give the same signature, while a page with a form or table that
its URL-pattern group's other pages lack does not. Template-aware sampling
(crawler/sampling.py) records the signatures of each group's audited pages.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Optional

from a11y_audit.audits.engines.base import PageSession

logger = logging.getLogger(__name__)

#: How deep below <body> elements are read, and how many at most.
MAX_DEPTH = 12
MAX_ELEMENTS = 400

READ_STRUCTURE = """
([maxDepth, maxElements]) => {
  const tags = new Set(['HEADER', 'NAV', 'MAIN', 'FOOTER', 'ASIDE', 'SECTION', 'ARTICLE', 'FORM', 'TABLE',
                        'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'DL', 'IFRAME', 'VIDEO', 'AUDIO', 'DIALOG']);
  const out = [];
  const walk = (el, depth) => {
    if (depth > maxDepth || out.length >= maxElements) return;
    for (const child of el.children) {
      const role = child.getAttribute('role');
      const name = tags.has(child.tagName) ? child.tagName.toLowerCase()
        : (role && /^(banner|navigation|main|contentinfo|complementary|search|form|region|dialog)$/.test(role) ? 'role=' + role : null);
      if (name && out[out.length - 1] !== name) out.push(name);
      walk(child, depth + 1);
    }
  };
  if (document.body) walk(document.body, 0);
  return out;
}
"""


def signature(structure: list[str]) -> str:
    """The signature of a structure sequence (12 hex digits)."""
    return hashlib.sha256(" ".join(structure).encode()).hexdigest()[:12]


async def dom_signature(session: PageSession) -> Optional[str]:
    """The page's structure signature; None if the page will not say (never an error)."""
    try:
        structure = await session.evaluate(READ_STRUCTURE, [MAX_DEPTH, MAX_ELEMENTS])
    except Exception as exc:  # noqa: BLE001 - a busy page keeps its audit result
        logger.info("Could not read the structure of %s: %s", session.url, exc)
        return None
    return signature([str(item) for item in structure or []])
