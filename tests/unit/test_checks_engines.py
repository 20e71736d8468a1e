"""Our check engines without a browser: gating by standard, undoing page changes,
the Tab walk's decisions, language verdicts, rule data and fingerprints."""

from __future__ import annotations

import asyncio
import json
from importlib import resources

import pytest

from a11y_audit.audits.engines import CHECK_ENGINES, REGISTRY, get_engine
from a11y_audit.audits.engines.checks.language import LanguageEngine, primary, same_language, verdict
from a11y_audit.audits.engines.checks.rules import rule
from a11y_audit.audits.engines.checks.tabwalk import TabWalker
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, Standard
from a11y_audit.config.defaults import RUN_DEFAULTS


def run(coro):
    return asyncio.run(coro)


class NoPage:
    """A session that must not be touched."""

    url = "https://water.example/"

    def __getattr__(self, name):
        raise AssertionError(f"the page was used ({name}) although no rule applies")


class ResizablePage:
    """A session whose scripts fail, to see that the viewport is still restored."""

    url = "https://water.example/"

    def __init__(self, fail_on: str) -> None:
        self.size = (1280, 720)
        self.sizes: list[tuple[int, int]] = []
        self.fail_on = fail_on
        self.scripts: list[str] = []

    async def viewport(self):
        return self.size

    async def set_viewport(self, width, height):
        self.size = (width, height)
        self.sizes.append((width, height))

    async def evaluate(self, function, arg=None):
        self.scripts.append((arg or {}).get("op", "") if isinstance(arg, dict) else "")
        if self.fail_on in function:
            raise RuntimeError("script failed")
        if "scrollX" in function:
            return [0, 0]
        return True


# -- registry, defaults, rule data ---------------------------------------------------------------

def test_every_check_is_registered_under_its_own_name_and_enabled_by_default():
    for name in CHECK_ENGINES:
        engine = get_engine(name)
        assert engine.name == name and engine.version == "1.0"
    assert set(CHECK_ENGINES) == set(REGISTRY) - {"axe"}
    assert RUN_DEFAULTS["engines"] == ["axe", *CHECK_ENGINES]


def test_every_rule_has_criteria_impact_help_and_an_understanding_page():
    data = json.loads(resources.files("a11y_audit.audits").joinpath("data/checks.json").read_text(encoding="utf-8"))
    for name in CHECK_ENGINES:
        for rule_id in get_engine(name).rules:
            r = rule(rule_id)
            assert r.impact in ("serious", "moderate") and len(r.help) > 80
            if r.wcag:
                assert r.help_url == f"https://www.w3.org/WAI/WCAG22/Understanding/{data['slugs'][r.wcag[0]]}.html"
                assert f"wcag{r.wcag[0].replace('.', '')}" in r.tags
    assert rule("reflow").tags == ("wcag21aa", "wcag1410", "a11y-audit")
    assert rule("keyboard-trap").tags == ("wcag2a", "wcag212", "a11y-audit")


def test_fingerprint_follows_the_element_not_the_page():
    element = {"selector": "#main > div:nth-of-type(2)", "html": '<div class="wide">Text one</div>',
               "ancestry": "html>body>main>div"}
    elsewhere = {"selector": "#content > div", "html": '<div class="wide">Other text</div>',
                 "ancestry": "html>body>main>div"}
    r = rule("reflow")
    assert r.on("reflow", VIOLATION, element, "a").fingerprint == r.on("reflow", VIOLATION, elsewhere, "b").fingerprint
    assert r.on("reflow", VIOLATION, element, "a").fingerprint != rule("text-spacing").on("x", NEEDS_REVIEW, element, "a").fingerprint
    assert r.on("reflow", VIOLATION, element, "a", key="1").fingerprint != r.on("reflow", VIOLATION, element, "a", key="2").fingerprint


# -- the configured standard decides what runs ----------------------------------------------------

@pytest.mark.parametrize("name, standard", [
    ("reflow", Standard("2.0", "AA")),         # 1.4.10 is new in 2.1
    ("text-spacing", Standard("2.0", "AA")),   # 1.4.12 likewise
    ("resize-text", Standard("2.2", "A")),     # 1.4.4 is level AA
    ("focus-visible", Standard("2.2", "A")),   # 2.4.7 is level AA
    ("navigation", Standard("2.1", "A")),      # 3.2.3 is level AA
])
def test_engine_outside_the_standard_finds_nothing_and_leaves_the_page_alone(name, standard):
    result = run(get_engine(name).audit(NoPage(), standard))
    assert (result.findings, result.passes, result.inapplicable, result.error, result.facts) == ([], 0, 0, None, {})


def test_language_of_parts_is_not_judged_at_level_a():
    engine = LanguageEngine()
    found = {"declared": "en", "page": "", "parts": [{"lang": "en", "fromRoot": True, "selector": "p", "html": "<p>",
                                                    "ancestry": "html>body>p", "text": DUTCH}]}
    assert engine.judge(found, {"page-language": rule("page-language")}).findings == []


# -- changes are undone even when a check fails --------------------------------------------------------

def test_reflow_restores_the_viewport_when_its_script_fails():
    page = ResizablePage(fail_on="Reflow at the current")
    result = run(_audit_or_error("reflow", page))
    assert result == "script failed"
    assert page.sizes == [(320, 720), (1280, 720)] and page.size == (1280, 720)


def test_resize_text_restores_the_viewport_and_forgets_its_marks_when_it_fails():
    page = ResizablePage(fail_on="NEVER")
    calls = []

    async def failing_compare(function, arg=None):
        calls.append((arg or {}).get("op") if isinstance(arg, dict) else None)
        if isinstance(arg, dict) and arg.get("op") == "compare":
            raise RuntimeError("script failed")
        return [0, 0] if "scrollX" in function else True

    page.evaluate = failing_compare
    assert run(_audit_or_error("resize-text", page)) == "script failed"
    assert page.sizes == [(640, 360), (1280, 720)]
    assert calls.index("forget") > calls.index("compare")


async def _audit_or_error(name, page):
    try:
        await get_engine(name).audit(page, Standard())
    except RuntimeError as exc:
        return str(exc)
    return None


# -- the Tab walk's decisions ------------------------------------------------------------------

class KeyboardPage:
    """A page of focusable elements driven by real key names; *order* maps (element, key) → next."""

    url = "https://water.example/"

    def __init__(self, names, order=None, dialog=(), style_changes=True, pixels_change=True, tabbable=None):
        self.names = list(names)
        self.order = order or {}
        self.focus = None
        self.dialog = set(dialog)
        self.style_changes = style_changes
        self.pixels_change = pixels_change
        self.tabbable = len(self.names) if tabbable is None else tabbable
        self.pressed = []
        self.ended = False
        self.shots = 0
        self.blurred = False

    async def press(self, key):
        self.pressed.append(key)
        if (self.focus, key) in self.order:
            self.focus = self.order[(self.focus, key)]
            return
        step = -1 if key == "Shift+Tab" else 1
        if key not in ("Tab", "Shift+Tab"):
            return
        sequence = [None, *self.names]
        self.focus = sequence[(sequence.index(self.focus) + step) % len(sequence)]

    async def screenshot(self, clip=None):
        self.shots += 1
        return b"focused" if (self.pixels_change and not self.blurred) else b"same"

    async def evaluate(self, function, arg=None):
        if arg is None:
            return True  # the engines' "are you there?" probe
        op = arg["op"]
        if op == "start":
            return {"tabbable": self.tabbable}
        if op == "step":
            if self.focus is None:
                return {"kind": "document"}
            info = {"kind": "element", "id": self.names.index(self.focus), "selector": f"#{self.focus}",
                    "html": f'<a id="{self.focus}">', "ancestry": "html>body>a", "textEntry": False,
                    "dialog": self.focus in self.dialog}
            if arg["compare"]:
                info.update(rect={"x": 10, "y": 10, "width": 50, "height": 20}, viewport=[1280, 720],
                            styleChanged=self.style_changes, refocused=True)
            return info
        if op in ("blur", "refocus"):
            self.blurred = op == "blur"
            return True
        if op == "cycle":
            cycle = [self.names[i] for i in arg["ids"]]
            return {"others": self.tabbable - len(cycle), "dialog": all(c in self.dialog for c in cycle),
                    "container": {"selector": "#widget", "html": '<div id="widget">', "ancestry": "html>body>div"},
                    "names": [f"#{c}" for c in cycle]}
        if op == "end":
            self.ended = True
            return {"unreached": []}
        raise AssertionError(op)


def walk(page, **kwargs):
    return run(TabWalker(page, **kwargs).run())


def test_a_walk_through_the_whole_page_is_complete_and_cleans_up():
    page = KeyboardPage(["a", "b", "c"])
    result = walk(page)
    assert result.complete and not result.cycle and result.trap is None
    assert [s.element["selector"] for s in result.stops] == ["#a", "#b", "#c"]
    assert all(s.style_changed for s in result.stops) and page.shots == 0 and page.ended


def test_focus_cycling_in_a_widget_that_nothing_releases_is_a_trap():
    trap = {("c", "Tab"): "b", ("b", "Shift+Tab"): "c", ("c", "Shift+Tab"): "b"}
    page = KeyboardPage(["a", "b", "c", "d", "e"], order=trap)
    result = walk(page)
    assert result.cycle == ["el1", "el2"] and result.trap == {
        "container": {"selector": "#widget", "html": '<div id="widget">', "ancestry": "html>body>div"},
        "names": ["#b", "#c"], "others": 3, "stops": 2}
    assert "Shift+Tab" in page.pressed and "Escape" in page.pressed and page.ended


def test_a_cycle_that_shift_tab_leaves_is_no_trap():
    page = KeyboardPage(["a", "b", "c", "d"], order={("c", "Tab"): "b"})
    result = walk(page)
    assert result.cycle and result.trap is None and result.trap_cleared == "Shift+Tab leaves"


def test_a_cycle_that_escape_releases_is_no_trap():
    trap = {("c", "Tab"): "b", ("b", "Shift+Tab"): "c", ("c", "Shift+Tab"): "b"}
    page = KeyboardPage(["a", "b", "c", "d"], order=trap)
    original = page.press

    async def press(key):
        if key == "Escape":
            page.order = {}
        await original(key)

    page.press = press
    result = walk(page)
    assert result.trap is None and result.trap_cleared == "Escape releases"


def test_a_modal_dialogs_own_focus_loop_is_no_trap():
    trap = {("c", "Tab"): "b", ("b", "Shift+Tab"): "c", ("c", "Shift+Tab"): "b"}
    result = walk(KeyboardPage(["a", "b", "c", "d"], order=trap, dialog={"b", "c"}))
    assert result.trap is None and result.trap_cleared == "modal dialog"


def test_a_page_whose_only_elements_cycle_is_no_trap():
    trap = {("b", "Tab"): "a", ("a", "Shift+Tab"): "b", ("b", "Shift+Tab"): "a"}
    result = walk(KeyboardPage(["a", "b"], order=trap))
    assert result.trap is None and result.trap_cleared == "nothing else to reach"


def test_the_walk_is_capped():
    result = walk(KeyboardPage([f"e{i}" for i in range(100)]), max_stops=10)
    assert len(result.stops) == 10 and not result.complete and result.cut_short == "stops"


def test_focus_visible_needs_both_style_and_pixels_unchanged_for_a_violation():
    from a11y_audit.audits.engines.checks.focus_visible import FocusVisibleEngine

    unchanged = KeyboardPage(["a", "b"], style_changes=False, pixels_change=False)
    findings = run(FocusVisibleEngine().audit(unchanged, Standard())).findings
    assert [(f.selector, f.outcome) for f in findings] == [("#a", VIOLATION), ("#b", VIOLATION)]
    assert "identical focused and unfocused" in findings[0].summary

    ring_drawn_elsewhere = KeyboardPage(["a", "b"], style_changes=False, pixels_change=True)
    assert run(FocusVisibleEngine().audit(ring_drawn_elsewhere, Standard())).findings == []

    styled = KeyboardPage(["a", "b"])
    result = run(FocusVisibleEngine().audit(styled, Standard()))
    assert result.findings == [] and result.passes == 1 and styled.shots == 0


def test_focus_visible_without_clipped_screenshots_needs_review():
    from a11y_audit.audits.engines.checks.focus_visible import FocusVisibleEngine

    page = KeyboardPage(["a"], style_changes=False)

    async def no_clips(clip=None):
        raise NotImplementedError("clipped screenshots need the Playwright engine")

    page.screenshot = no_clips
    [finding] = run(FocusVisibleEngine().audit(page, Standard())).findings
    assert finding.outcome == NEEDS_REVIEW and "clipped screenshots need the Playwright engine" in finding.summary


def test_the_keyboard_engines_share_one_walk_per_page():
    from a11y_audit.audits.engines.checks.focus_visible import FocusVisibleEngine
    from a11y_audit.audits.engines.checks.keyboard_reach import KeyboardReachEngine
    from a11y_audit.audits.engines.checks.keyboard_trap import KeyboardTrapEngine

    page = KeyboardPage(["a", "b", "c"])

    async def all_three():
        for engine in (FocusVisibleEngine(), KeyboardTrapEngine(), KeyboardReachEngine()):
            await engine.audit(page, Standard())

    run(all_three())
    assert page.pressed.count("Tab") == 4  # three elements, then back to the document: once


# -- language verdicts ------------------------------------------------------------------------

ENGLISH = ("Civic Fixture Water supplies drinking water to the towns along the river. We look after the reservoirs, "
           "the treatment works and four hundred kilometres of pipes, and we publish what we measure every month, so "
           "that anyone can check the quality of the water that reaches their tap.")
DUTCH = ("Tijdens een droogte vragen wij iedereen om de tuin 's avonds te sproeien, regenwater op te vangen in een "
         "regenton en korter te douchen. Elke liter die u bespaart, houdt de stuwmeren voller voor de zomer.")


def test_language_tags_and_relatives():
    assert [primary(t) for t in ("en-GB", "NL", "nld", "iw", "x-klingon", "zh-Hant-TW")] == ["en", "nl", "nl", "he", None, "zh"]
    assert same_language("nb", "no") and same_language("hr", "sr") and not same_language("nl", "de")


def test_verdicts_only_with_enough_text_and_a_detectable_declared_language():
    assert verdict("nl", ENGLISH, 200, 0.9)["detected"] == "en"
    assert verdict("nl", ENGLISH, 200, 0.9)["differs"] is True
    assert verdict("en", ENGLISH, 200, 0.9)["differs"] is False
    assert verdict("nl", ENGLISH[:150], 200, 0.9) is None        # too little text
    assert verdict("mt", ENGLISH, 200, 0.9) is None              # Maltese: the detector does not know it
    assert verdict(None, ENGLISH, 200, 0.9) is None


def test_page_language_mismatch_needs_review_with_evidence_and_facts():
    engine = LanguageEngine()
    rules = {r: rule(r) for r in engine.rules}
    output = engine.judge({"declared": "nl-NL", "page": ENGLISH, "parts": []}, rules)
    [finding] = output.findings
    assert (finding.rule, finding.outcome, finding.selector) == ("page-language", NEEDS_REVIEW, "html")
    assert finding.summary.startswith("declared nl-NL, detected en (1.00) from ")
    assert output.facts == {"declared": "nl-NL", "detected": "en", "confidence": 1.0, "parts_judged": 0}


def test_parts_in_another_language_need_review_unless_marked_up():
    engine = LanguageEngine()
    rules = {r: rule(r) for r in engine.rules}
    part = {"selector": "#main > p", "html": "<p>", "ancestry": "html>body>main>p", "text": DUTCH}
    unmarked = engine.judge({"declared": "en", "page": ENGLISH, "parts": [{**part, "lang": "en", "fromRoot": True}]}, rules)
    assert [(f.rule, f.selector) for f in unmarked.findings] == [("part-language", "#main > p")]
    assert unmarked.findings[0].summary.startswith("en applies (from the page's lang), detected nl (1.00)")
    marked = engine.judge({"declared": "en", "page": ENGLISH, "parts": [{**part, "lang": "nl", "fromRoot": False}]}, rules)
    assert marked.findings == []


def test_no_declared_language_is_left_to_axe_but_recorded():
    engine = LanguageEngine()
    output = engine.judge({"declared": "", "page": ENGLISH, "parts": []}, {r: rule(r) for r in engine.rules})
    assert output.findings == [] and output.facts["detected"] == "en" and output.facts["declared"] is None


def test_a_page_that_does_not_answer_is_skipped_by_every_check_without_waiting(monkeypatch):
    import a11y_audit.audits.engines.checks.base as base

    monkeypatch.setattr(base, "PROBE_SECONDS", 0.05)

    class Busy:
        url = "https://water.example/"
        calls = 0

        async def evaluate(self, function, arg=None):
            Busy.calls += 1
            await asyncio.sleep(5)

    page = Busy()

    async def all_checks():
        return [await get_engine(name).audit(page, Standard()) for name in CHECK_ENGINES]

    results = run(asyncio.wait_for(all_checks(), 2))
    assert Busy.calls == 1, "only the first check asks; the others know"
    assert all(r.error is None and r.findings == [] and "did not answer" in r.facts["skipped"] for r in results)
    assert all(r.passes == 0 and r.inapplicable == 0 for r in results)


def test_a_page_that_is_gone_is_an_error_not_a_skip():
    class Closed:
        url = "https://water.example/"

        async def evaluate(self, function, arg=None):
            raise RuntimeError("Target page, context or browser has been closed")

    with pytest.raises(RuntimeError, match="has been closed"):
        run(get_engine("media").audit(Closed(), Standard()))


CROATIAN = ("Vodovod svake godine objavljuje godišnje izvješće i objašnjava kako su se akumulacije upravljale "
            "tijekom suše. Kupci mogu prijaviti kvar na mreži, provjeriti kvalitetu vode u svojoj četvrti i "
            "pročitati savjete o štednji vode tijekom ljeta, kada su zalihe najmanje.")


def test_close_relatives_share_their_confidence():
    found = verdict("en", CROATIAN, 200, 0.9)
    assert found is not None and found["detected"] in ("hr", "bs", "sr") and found["differs"] is True
    assert verdict("bs", CROATIAN, 200, 0.9)["differs"] is False


class Answers:
    """A session whose one script returns *answer*."""

    url = "https://water.example/"

    def __init__(self, answer):
        self.answer = answer

    async def evaluate(self, function, arg=None):
        from a11y_audit.audits.engines.checks.base import PROBE

        return True if function == PROBE else self.answer


def test_facts_name_the_rules_that_passed_or_had_nothing_to_check():
    video = {"selector": "video", "html": "<video controls>", "ancestry": "html>body>video", "captions": 1,
             "descriptions": 0, "transcript": "Transcript"}
    result = run(get_engine("media").audit(Answers({"videos": [video], "audios": []}), Standard()))
    assert (result.passes, result.inapplicable) == (2, 1)
    assert result.facts["passed_rules"] == ["video-captions", "video-description"]
    assert result.facts["inapplicable_rules"] == ["audio-transcript"]
    uncaptioned = run(get_engine("media").audit(Answers({"videos": [{**video, "captions": 0}], "audios": []}), Standard()))
    assert [f.rule for f in uncaptioned.findings] == ["video-captions"]
    assert uncaptioned.facts["passed_rules"] == ["video-description"]


def test_site_level_rules_are_neither_passed_nor_inapplicable_on_a_page():
    result = run(get_engine("page-title").audit(Answers("Home"), Standard()))
    assert (result.passes, result.inapplicable, result.facts["title"]) == (0, 0, "Home")
    assert result.facts["passed_rules"] == [] and result.facts["inapplicable_rules"] == []
