"""In-page scripts of the checks: each ``js/<name>.js`` is the body of a function
``(arg) => { … }`` with the helpers of ``js/dom.js`` in scope.

Scripts are passed whole to :meth:`PageSession.evaluate` (a function expression),
so nothing is left behind in the page between calls unless a check keeps state
on ``window`` on purpose and removes it itself.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def _read(name: str) -> str:
    return resources.files("a11y_audit.audits.engines.checks").joinpath("js", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def function(name: str) -> str:
    """The function expression for ``js/<name>.js`` (async: bodies may ``await``)."""
    return "async (arg) => {\n" + _read("dom.js") + "\n" + _read(name + ".js") + "\n}"
