"""Audits: turn a rendered page into findings.

In: a live page (through :class:`~audits.engines.base.PageSession`) and the
standard to audit against. Out: :class:`~audits.model.EngineResult` objects
whose findings carry rule, outcome, impact, WCAG criteria, selector, snippet and
a stable fingerprint; :mod:`audits.screenshots` pictures the offending elements
for the reports. Depends on ``config`` only; never on a browser library.
"""
