"""``a11y-audit engines install|list``: the npm-distributed engines and helpers.

    a11y-audit engines install               # every tool, pinned, into the per-user data folder
    a11y-audit engines install --dir .tools  # into a folder of your choice (then set A11Y_AUDIT_ENGINES_DIR)
    a11y-audit engines list                  # what is installed where, at which version

The versions are pinned in :mod:`a11y_audit.config.tools`; runs record the versions they used.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Optional

import click

from a11y_audit.cli.common import guard
from a11y_audit.config import ReportError
from a11y_audit.config.tools import ENGINES_DIR_ENV, TOOLS, engines_dir, find_tool, npm_specs, tool_version

NAMES = click.Choice(sorted(TOOLS))


@click.group()
def engines() -> None:
    """Install and list the npm-distributed engines and helpers (autoconsent, IBM, QualWeb)."""


@engines.command()
@click.argument("names", nargs=-1, type=NAMES)
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Install into this folder (default: ${ENGINES_DIR_ENV}, else the per-user data folder).")
@guard
def install(names: tuple[str, ...], folder: Optional[Path]) -> None:
    """Install NAMES (default: all) at their pinned versions with npm."""
    npm = shutil.which("npm")
    target = engines_dir(folder)
    if npm is None:
        raise ReportError("engines install: npm was not found on the PATH; install Node.js with npm "
                          "(e.g. apt-get install npm), or point " +
                          ", ".join(TOOLS[n].env for n in (names or TOOLS)) + " at copies you have")
    target.mkdir(parents=True, exist_ok=True)
    specs = npm_specs(list(names) or None)
    click.echo(f"Installing into {target}: {' '.join(specs)}")
    try:
        proc = subprocess.run([npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--save-exact",
                               "--ignore-scripts", "--loglevel", "error", *specs],
                              capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        raise ReportError("engines install: npm did not finish within 15 minutes") from None
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()
        raise ReportError(f"engines install: npm failed ({proc.returncode}): {last[-1] if last else 'no output'}")
    for name in names or TOOLS:
        click.echo(f"  {name} {tool_version(name, target) or 'MISSING'}: {find_tool(name, target) or 'not found after install'}")
    if folder is not None:
        click.echo(f"Set {ENGINES_DIR_ENV}={target.resolve()} for the crawler to find them there.")


@engines.command(name="list")
def list_tools() -> None:
    """Each tool: its version and where it was found (or that it is missing)."""
    click.echo(f"Engines folder: {engines_dir()}")
    for name, tool in sorted(TOOLS.items()):
        path = find_tool(name)
        state = f"{tool_version(name)} at {path}" if path else f"not installed (or set {tool.env})"
        click.echo(f"  {name:12} {state}  [{tool.purpose}; {tool.licence}]")
