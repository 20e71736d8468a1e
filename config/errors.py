"""The tool's exception tree, drawn once.

    A11yAuditError            base of everything we raise on purpose
    ├── ConfigError           bad config file, field, value or flag     (exit 2)
    ├── StoreError            database unreachable or inconsistent      (exit 3 / 2)
    ├── RenderError           the browser could not render a page      (page error)
    ├── EngineError           an audit engine threw on a page          (page error)
    └── ReportError           a report could not be written             (exit 3)

Page-level errors (render, engine) never end a crawl: they are stored as the
page's error. Exit codes are mapped from these classes in ``a11y_audit.cli.common``.
"""

from __future__ import annotations


class A11yAuditError(Exception):
    """Base class of every error this tool raises deliberately."""


class ConfigError(A11yAuditError):
    """The configuration (file, field, value or command-line flag) is invalid.

    The message is one line that names the file, the place in it and the field.
    """


class StoreError(A11yAuditError):
    """The result store cannot be opened, or does not hold what was asked for."""


class RenderError(A11yAuditError):
    """The browser could not load or render a page."""


class EngineError(A11yAuditError):
    """An audit engine failed on a page."""


class ReportError(A11yAuditError):
    """A report or export could not be written."""
