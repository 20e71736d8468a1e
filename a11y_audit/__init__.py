"""a11y-audit: an accessibility audit crawler.

Every part is installed under this one namespace; the repository keeps them as
top-level folders (``setuptools`` maps them, see ``pyproject.toml``)::

    a11y_audit.config    what to crawl and how          (depends on nothing of ours)
    a11y_audit.audits    engines, WCAG data, findings   (config)
    a11y_audit.store     runs and results in SQL        (config, audits)
    a11y_audit.reports   HTML reports and exports       (config, audits)
    a11y_audit.gate      CI verdicts and their formats  (config, audits)
    a11y_audit.crawler   discovery, rendering, auditing (all of the above)
    a11y_audit.cli       the ``a11y-audit`` command     (everything)
    a11y_audit.demo      the bundled demo sites
    a11y_audit.pytest_plugin  the ``a11y`` fixture     (all but cli)

Importing this package imports nothing else: pytest loads the plugin in every
test run of an environment that has a11y-audit installed, and must not pay for it.
"""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from a11y_audit.config.defaults import TOOL_VERSION

        return TOOL_VERSION
    raise AttributeError(f"module 'a11y_audit' has no attribute {name!r}")
