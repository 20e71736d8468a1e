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
"""

from a11y_audit.config.defaults import TOOL_VERSION as __version__

__all__ = ["__version__"]
