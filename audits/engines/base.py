"""The engine contract: how an audit engine meets a rendered page.

An engine receives a :class:`PageSession`, a small view of a live browser page
that the crawler provides (for Playwright or Selenium), and returns an
:class:`~audits.model.EngineResult`. Engines never import a browser library:
everything they do in the page goes through the session, so the same engine
runs in every browser back end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol

from a11y_audit.audits.model import EngineResult, Standard


class PageSession(Protocol):
    """A live, rendered page as engines see it."""

    @property
    def url(self) -> str:
        """The document's URL."""

    async def evaluate(self, function: str, arg: Any = None) -> Any:
        """Call the JavaScript *function* (source of a function expression) with *arg*
        in the top document and return its JSON-serialisable result. Bounded by the
        page timeout; raises on timeout or script error."""

    async def inject(self, source: str) -> None:
        """Run the script *source* in the top document and in every frame."""

    async def press(self, key: str) -> None:
        """Send a real key press to the focused element (``"Tab"``, ``"Shift+Tab"``, ``"Enter"``)."""

    async def viewport(self) -> tuple[int, int]:
        """The viewport's width and height in CSS pixels."""

    async def set_viewport(self, width: int, height: int) -> None:
        """Resize the viewport (reflow at 320 px, 200 % zoom as half the width). Engines
        that change it restore it before they return."""

    async def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        """A PNG of the viewport, or of *clip* (``x``, ``y``, ``width``, ``height`` in CSS px)."""


class Engine(ABC):
    """An audit engine registered by :attr:`name` (see :mod:`audits.engines`)."""

    name: ClassVar[str]

    @property
    @abstractmethod
    def version(self) -> str:
        """The engine's version, stored with every run for reproducibility."""

    @abstractmethod
    async def audit(self, page: PageSession, standard: Standard) -> EngineResult:
        """Audit the rendered *page* against *standard*."""
