"""Audit engines, registered by name.

An engine is enabled by listing its name in the config (``crawl.engines``).
New engines (our own browser checks, Selenium-backed axe) register here.
"""

from __future__ import annotations

from importlib import import_module

from a11y_audit.audits.engines.base import Engine, PageSession

#: name → "module:Class"; imported only when used.
REGISTRY: dict[str, str] = {
    "axe": "a11y_audit.audits.engines.axe:AxeEngine",
    # Our own checks (audits/engines/checks): one engine per check.
    "reflow": "a11y_audit.audits.engines.checks.reflow:ReflowEngine",
    "text-spacing": "a11y_audit.audits.engines.checks.text_spacing:TextSpacingEngine",
    "resize-text": "a11y_audit.audits.engines.checks.resize_text:ResizeTextEngine",
    "language": "a11y_audit.audits.engines.checks.language:LanguageEngine",
    "media": "a11y_audit.audits.engines.checks.media:MediaEngine",
    "navigation": "a11y_audit.audits.engines.checks.navigation:NavigationEngine",
    "page-title": "a11y_audit.audits.engines.checks.page_title:PageTitleEngine",
    "statement": "a11y_audit.audits.engines.checks.statement:StatementEngine",
    "focus-visible": "a11y_audit.audits.engines.checks.focus_visible:FocusVisibleEngine",
    "keyboard-trap": "a11y_audit.audits.engines.checks.keyboard_trap:KeyboardTrapEngine",
    "keyboard-reach": "a11y_audit.audits.engines.checks.keyboard_reach:KeyboardReachEngine",
}

#: Our checks in the order they run by default: the keyboard ones last, since key
#: presses (Tab, Escape) cannot be taken back.
CHECK_ENGINES: tuple[str, ...] = (
    "reflow", "text-spacing", "resize-text", "language", "media", "navigation", "page-title", "statement",
    "focus-visible", "keyboard-trap", "keyboard-reach",
)


def get_engine(name: str) -> Engine:
    """A new engine instance by registered *name*."""
    try:
        module_name, _, class_name = REGISTRY[name].partition(":")
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
    return getattr(import_module(module_name), class_name)()


__all__ = ["CHECK_ENGINES", "Engine", "PageSession", "REGISTRY", "get_engine"]
