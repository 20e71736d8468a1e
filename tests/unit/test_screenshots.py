"""Element screenshots without a browser: shrinking and capping, which findings get a
picture, the run's ledger, the capture loop on a fake page (hangs, caps, clean-up), and
the way from the store to the report (data URI, escaped text alternative, JSON export)."""

from __future__ import annotations

import asyncio
import io
import json
import random

import pytest
from PIL import Image, ImageDraw

from a11y_audit.audits import screenshots
from a11y_audit.audits.model import PageResult
from a11y_audit.audits.screenshots import MAX_BYTES, ScreenshotLedger, candidates, capture_screenshots, shrink
from a11y_audit.config import ConfigError, config_from_data
from a11y_audit.reports.exports import export_data
from a11y_audit.reports.html import render_organisation
from a11y_audit.reports.view import organisation_view
from tests.unit.gate_builders import finding, org, review


def png(width: int, height: int, noise: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    if noise:
        rng = random.Random(7)
        image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, width // 2, height // 2), outline="#d0021b", width=3)
    draw.text((20, 20), "Subscribe", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- shrinking -------------------------------------------------------------------------


def test_large_picture_is_scaled_to_fit_the_caps_keeping_its_shape():
    data, media_type, width, height = shrink(png(1600, 1200))
    assert (width, height) == (667, 500)
    assert len(data) <= MAX_BYTES and media_type in ("image/png", "image/webp")
    image = decoded(data)
    assert image.size == (width, height) and image.format == media_type.split("/")[1].upper()


def test_small_picture_keeps_its_size():
    data, _, width, height = shrink(png(240, 120))
    assert (width, height) == (240, 120) and decoded(data).size == (240, 120)


@pytest.mark.parametrize("noise", [False, True])
def test_the_smaller_of_png_and_webp_is_kept(noise):
    source = png(400, 200, noise=noise)
    picture = decoded(source).convert("RGB")
    sizes = {}
    for fmt, options in (("PNG", {}), ("WEBP", {"quality": screenshots.WEBP_QUALITIES[0], "method": 4})):
        out = io.BytesIO()
        picture.save(out, format=fmt, **options)
        sizes[f"image/{fmt.lower()}"] = len(out.getvalue())
    data, media_type, _, _ = shrink(source)
    assert len(data) == min(sizes.values()) and sizes[media_type] == len(data)


def test_byte_cap_lowers_quality_then_size():
    noisy = png(800, 500, noise=True)
    data, media_type, width, height = shrink(noisy, max_bytes=20_000)
    assert len(data) <= 20_000 and media_type == "image/webp"
    assert width < 800 and height < 500 and decoded(data).size == (width, height)


def test_impossible_cap_gives_no_picture():
    assert shrink(png(800, 500, noise=True), max_bytes=100) is None


def test_not_an_image_raises():
    with pytest.raises(Exception):
        shrink(b"<html>")


# -- what is pictured ---------------------------------------------------------------------


def page(*findings) -> PageResult:
    return PageResult(url="https://acme.example/", site_url="https://acme.example/", organisation_id="acme",
                      findings=list(findings))


def test_candidates_are_violations_on_elements_once_each_most_severe_first():
    chosen = candidates(page(
        finding("minor", impact="minor"),
        finding("title", rule="document-title", selector="html"),
        finding("body", selector="body"),
        finding("framed", selector="iframe#a |> img"),
        review("review"),
        finding("shadow", impact="serious", selector="x-widget >>> button"),
        finding("logo", impact="critical"),
        finding("logo", impact="critical", selector="#second-logo"),
    ))
    assert [f.fingerprint for f in chosen] == ["logo", "shadow", "minor"]
    assert chosen[0].selector == "#el-logo"


def test_ledger_one_picture_per_site_and_fingerprint_with_caps():
    ledger = ScreenshotLedger(per_site=2, attempts=2)
    site, other = ("acme", "https://acme.example/"), ("acme", "https://shop.acme.example/")
    a, b, c = finding("a"), finding("b"), finding("c")
    assert ledger.wanted(site, a)
    ledger.claim(site, "a")
    assert not ledger.wanted(site, a) and ledger.wanted(other, a)  # another site pictures its own
    ledger.release(site, "a")  # failed here: another page may try
    assert ledger.wanted(site, a)
    ledger.claim(site, "a")
    ledger.release(site, "a")
    assert not ledger.wanted(site, a)  # failed twice: not tried again
    ledger.claim(site, "b")
    ledger.claim(site, "c")
    assert not ledger.wanted(site, finding("d"))  # two pictures on this site: the cap
    assert not ledger.wanted(site, b) and not ledger.wanted(site, c)


# -- the capture loop on a fake page --------------------------------------------------------


class FakeSession:
    """A page whose elements are all visible (or hidden, or that never answers)."""

    url = "https://acme.example/"

    def __init__(self, hang: bool = False, hidden: set[str] = frozenset(), fail_screenshot: bool = False) -> None:
        self.hang = hang
        self.hidden = hidden
        self.fail_screenshot = fail_screenshot
        self.calls: list[str] = []

    async def evaluate(self, function: str, arg=None):
        self.calls.append(arg["op"])
        if self.hang:
            await asyncio.sleep(3600)
        if arg["op"] != "mark":
            return True
        if arg["selector"] in self.hidden:
            return {"skip": "hidden"}
        return {"clip": {"x": 0, "y": 0, "width": 300, "height": 150}}

    async def screenshot(self, clip=None) -> bytes:
        self.calls.append("screenshot")
        if self.fail_screenshot:
            raise RuntimeError("Target closed")
        return png(int(clip["width"]), int(clip["height"]))


def test_capture_pictures_new_issues_and_cleans_up():
    ledger = ScreenshotLedger()
    result = page(finding("logo"), finding("hidden"), finding("label", rule="label", impact="serious"))
    session = FakeSession(hidden={"#el-hidden"})
    assert asyncio.run(capture_screenshots(session, result, ledger)) == 2
    assert [s.fingerprint for s in result.screenshots] == ["logo", "label"]
    shot = result.screenshots[0]
    assert shot.page_url == result.url and (shot.width, shot.height) == (300, 150)
    assert decoded(shot.data).size == (300, 150)
    assert session.calls[-1] == "done" and session.calls.count("clear") == 2
    # A second page with the same issues adds nothing, and the hidden one is tried again.
    again = page(finding("logo"), finding("hidden"))
    session = FakeSession(hidden={"#el-hidden"})
    assert asyncio.run(capture_screenshots(session, again, ledger)) == 0
    assert again.screenshots == [] and session.calls == ["mark", "done"]


def test_capture_is_capped_per_page():
    result = page(*[finding(f"f{i}") for i in range(25)])
    assert asyncio.run(capture_screenshots(FakeSession(), result, ScreenshotLedger())) == screenshots.PER_PAGE


def test_nothing_to_picture_touches_nothing():
    session = FakeSession()
    result = page(finding("title", rule="document-title", selector="html"), review("r"))
    assert asyncio.run(capture_screenshots(session, result, ScreenshotLedger())) == 0
    assert session.calls == []


def test_a_page_that_never_answers_ends_the_capture_without_failing(monkeypatch):
    monkeypatch.setattr(screenshots, "CALL_TIMEOUT", 0.2)
    ledger = ScreenshotLedger()
    result = page(finding("a"), finding("b"))
    session = FakeSession(hang=True)
    assert asyncio.run(asyncio.wait_for(capture_screenshots(session, result, ledger), 5)) == 0
    assert result.screenshots == [] and result.error is None
    assert session.calls == ["mark", "done"]  # stopped after the first timeout
    assert ledger.wanted(("acme", result.site_url), finding("a"))  # another page may supply it


def test_a_failed_screenshot_is_no_picture(monkeypatch):
    result = page(finding("a"), finding("b"))
    session = FakeSession(fail_screenshot=True)
    assert asyncio.run(capture_screenshots(session, result, ScreenshotLedger())) == 0
    assert session.calls.count("clear") == 2 and session.calls[-1] == "done"


def test_time_budget_bounds_the_page(monkeypatch):
    monkeypatch.setattr(screenshots, "TIME_BUDGET", 0.0)
    session = FakeSession()
    assert asyncio.run(capture_screenshots(session, page(finding("a")), ScreenshotLedger())) == 0
    assert session.calls == []


# -- configuration ---------------------------------------------------------------------------

SITES = [{"id": "o", "name": "O", "sites": [{"url": "http://o/"}]}]


def test_screenshots_are_on_by_default_and_configured_run_wide():
    assert config_from_data({"organisations": SITES}).screenshots is True
    off = config_from_data({"crawl": {"screenshots": False}, "organisations": SITES})
    assert off.screenshots is False
    assert config_from_data({"crawl": {"screenshots": False}, "organisations": SITES},
                            overrides={"screenshots": True}).screenshots is True
    assert config_from_data({"organisations": SITES}, overrides={"screenshots": None}).screenshots is True


def test_screenshots_setting_is_checked():
    with pytest.raises(ConfigError, match=r"crawl > screenshots: Input should be a valid boolean"):
        config_from_data({"crawl": {"screenshots": "sometimes"}, "organisations": SITES})
    with pytest.raises(ConfigError, match=r"screenshots: unknown key"):
        config_from_data({"organisations": [{"id": "o", "name": "O", "screenshots": False, "sites": [{"url": "http://o/"}]}]})


# -- in the report -------------------------------------------------------------------------------


def with_shot(results, fingerprint: str, page_url: str, media_type: str = "image/png"):
    from a11y_audit.audits.model import ElementScreenshot

    data = png(300, 150) if media_type == "image/png" else b"<svg/>"
    results.sites[0].screenshots[fingerprint] = ElementScreenshot(fingerprint, page_url, media_type, 300, 150, data)
    return results


def test_report_shows_the_picture_with_an_escaped_text_alternative():
    evil_page = 'https://acme.example/?q="><script>alert(1)</script>'
    results = with_shot(org("acme", {"/": [finding("logo", help="Images must have <alt> text")],
                                     "/b": [finding("other", rule="label")]}), "logo", evil_page)
    view = organisation_view(results)
    logo, other = sorted(view.issues, key=lambda i: i.fingerprint)
    assert other.screenshot is None
    assert logo.screenshot.data_uri.startswith("data:image/png;base64,iVBORw0KGgo")
    assert logo.screenshot.alt == f"Screenshot of the offending element, outlined: Images must have <alt> text on {evil_page}"
    html = render_organisation(view)
    assert html.count('<img class="shot"') == 1
    assert ('alt="Screenshot of the offending element, outlined: Images must have &lt;alt&gt; text on '
            'https://acme.example/?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"') in html
    assert "<script>alert(1)" not in html

    dutch = organisation_view(results, lang="nl")
    assert next(i for i in dutch.issues if i.fingerprint == "logo").screenshot.alt.startswith(
        "Schermafbeelding van het element met het probleem, omlijnd: ")


def test_report_ignores_types_it_does_not_show():
    results = with_shot(org("acme", {"/": [finding("logo")]}), "logo", "https://acme.example/", "image/svg+xml")
    assert organisation_view(results).issues[0].screenshot is None


def test_json_export_says_a_picture_exists_without_its_bytes():
    results = with_shot(org("acme", {"/": [finding("logo")]}), "logo", "https://acme.example/")
    site = export_data([results])["organisations"][0]["sites"][0]
    size = results.sites[0].screenshots["logo"].size
    assert site["screenshots"] == [{"fingerprint": "logo", "page": "https://acme.example/", "media_type": "image/png",
                                    "width": 300, "height": 150, "bytes": size}]
    json.dumps(site)  # nothing binary in it


@pytest.mark.parametrize("flags, expected", [((), False), (("--screenshots",), True), (("--no-screenshots",), False)])
def test_command_line_flag_wins_over_the_file(tmp_path, monkeypatch, flags, expected):
    from click.testing import CliRunner

    from a11y_audit.cli import commands as cli_main

    config = tmp_path / "a11y.yaml"
    config.write_text("crawl: {screenshots: false}\norganisations: [{id: o, name: O, sites: [{url: 'http://o/'}]}]\n",
                      encoding="utf-8")
    seen = []
    monkeypatch.setattr(cli_main, "_run", lambda config, *args, **kwargs: seen.append(config.screenshots))
    result = CliRunner().invoke(cli_main.main, ["crawl", str(config), *flags])
    assert result.exit_code == 0, result.output
    assert seen == [expected]
