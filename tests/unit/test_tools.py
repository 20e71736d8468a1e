"""Where the npm-distributed engines are found, and which versions are reported."""

from __future__ import annotations

import json

from click.testing import CliRunner

from a11y_audit.config.tools import TOOLS, engines_dir, find_tool, npm_specs, tool_version


def _install_fake(folder, package, version, entry):
    root = folder / "node_modules" / package
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": package, "version": version}), encoding="utf-8")
    target = folder / "node_modules" / entry
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_text("/* bundle */", encoding="utf-8")


def test_the_engines_folder_comes_from_the_flag_then_the_environment_then_the_user_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("A11Y_AUDIT_ENGINES_DIR", raising=False)
    assert engines_dir().parts[-2:] == ("a11y-audit", "engines")
    monkeypatch.setenv("A11Y_AUDIT_ENGINES_DIR", str(tmp_path / "env"))
    assert engines_dir() == tmp_path / "env"
    assert engines_dir(tmp_path / "flag") == tmp_path / "flag"


def test_an_installed_tool_is_found_with_its_version(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_AUDIT_ENGINES_DIR", str(tmp_path))
    monkeypatch.delenv("A11Y_AUDIT_ACE", raising=False)
    assert find_tool("ibm") is None and tool_version("ibm") is None
    _install_fake(tmp_path, "accessibility-checker-engine", "4.0.34", TOOLS["ibm"].entry)
    assert find_tool("ibm") == tmp_path / "node_modules" / "accessibility-checker-engine" / "ace.js"
    assert tool_version("ibm") == "4.0.34"


def test_the_tools_own_variable_wins_and_a_missing_file_is_not_found(tmp_path, monkeypatch):
    monkeypatch.setenv("A11Y_AUDIT_ENGINES_DIR", str(tmp_path / "nothing"))
    script = tmp_path / "copy" / "autoconsent.playwright.js"
    script.parent.mkdir()
    script.write_text("/* */", encoding="utf-8")
    monkeypatch.setenv("A11Y_AUDIT_AUTOCONSENT", str(script))
    assert find_tool("autoconsent") == script
    assert tool_version("autoconsent") == "unknown"  # a file outside any npm package
    monkeypatch.setenv("A11Y_AUDIT_AUTOCONSENT", str(tmp_path / "gone.js"))
    assert find_tool("autoconsent") is None


def test_every_package_is_pinned_to_an_exact_version():
    for spec in npm_specs():
        name, _, version = spec.rpartition("@")
        assert name and version.count(".") == 2 and version.replace(".", "").isdigit(), spec


def test_engines_list_says_what_is_missing(tmp_path, monkeypatch):
    from a11y_audit.cli import main

    monkeypatch.setenv("A11Y_AUDIT_ENGINES_DIR", str(tmp_path))
    for tool in TOOLS.values():
        monkeypatch.delenv(tool.env, raising=False)
    result = CliRunner().invoke(main, ["engines", "list"])
    assert result.exit_code == 0
    assert "ibm          not installed (or set A11Y_AUDIT_ACE)" in result.output


def test_engines_install_without_npm_is_one_line_and_exit_3(tmp_path, monkeypatch):
    from a11y_audit.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))  # no npm here
    result = CliRunner().invoke(main, ["engines", "install", "--dir", str(tmp_path / "e")])
    assert result.exit_code == 3
    assert "npm was not found on the PATH" in result.output
