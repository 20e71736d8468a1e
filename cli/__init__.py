"""The ``a11y-audit`` command line: the top layer, the only package that imports all the others.

:mod:`~a11y_audit.cli.commands` holds the group ``main`` with crawl, report, export and demo;
:mod:`~a11y_audit.cli.gate` check, baseline and diff; :mod:`~a11y_audit.cli.shared_run`
the shared-run commands. Exit codes are listed once, in :mod:`~a11y_audit.cli.common`.
"""

from a11y_audit.cli.commands import main

__all__ = ["main"]
