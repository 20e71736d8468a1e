"""Audit engines, registered by name.

An engine is enabled by listing its name in the config (``crawl.engines``).
New engines (our own browser checks, Selenium-backed axe) register here.
"""

from __future__ import annotations

from importlib import import_module

from audits.engines.base import Engine, PageSession

#: name → "module:Class"; imported only when used.
REGISTRY: dict[str, str] = {
    "axe": "audits.engines.axe:AxeEngine",
}


def get_engine(name: str) -> Engine:
    """A new engine instance by registered *name*."""
    try:
        module_name, _, class_name = REGISTRY[name].partition(":")
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
    return getattr(import_module(module_name), class_name)()


__all__ = ["Engine", "PageSession", "REGISTRY", "get_engine"]
