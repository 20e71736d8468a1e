"""audits/site_checks.py: consistent navigation, duplicate titles, accessibility statement,
judged on hand-built pages (the facts their engines would have recorded)."""

from __future__ import annotations

from a11y_audit.audits.engines.checks.navigation import consistent_navigation
from a11y_audit.audits.engines.checks.page_title import duplicate_titles
from a11y_audit.audits.engines.checks.statement import missing_statement, statement_url
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, EngineResult, PageResult
from a11y_audit.audits.site_checks import site_facts, site_findings

SITE = "https://water.example/"
MAIN = [("/", "Home"), ("/services", "Services"), ("/news", "News"), ("/contact", "Contact"), ("/a11y", "Accessibility")]


def nav_facts(links, label="Main", visible=True, tag="nav"):
    return {
        "selector": f"html > body > header > {tag}", "html": f'<{tag} aria-label="{label}">' if label else f"<{tag}>",
        "ancestry": f"html>body>header>{tag}", "label": label, "visible": visible,
        "links": [["https://water.example" + href, text] for href, text in links],
    }


def page(path, *, navs=None, title=None, statement=None, error=None, depth=1, final=None):
    engines = []
    if navs is not None:
        engines.append(EngineResult("navigation", "1.0", facts={"navigations": navs}))
    if title is not None:
        engines.append(EngineResult("page-title", "1.0", facts={"title": title}))
    if statement is not None:
        engines.append(EngineResult("statement", "1.0", facts=statement))
    url = "https://water.example" + path
    return PageResult(url=url, site_url=SITE, organisation_id="water", final_url=final or url, error=error,
                      depth=depth, engines=engines, title=title)


def rules_of(found):
    return {url.removeprefix("https://water.example"): [(f.rule, f.outcome) for f in items] for url, items in found.items()}


# -- consistent navigation (3.2.3) ------------------------------------------------------------

def test_same_links_in_another_order_is_a_violation_on_that_page_only():
    reordered = [MAIN[0], MAIN[3], MAIN[1], MAIN[2], MAIN[4]]
    pages = [page("/", navs=[nav_facts(MAIN)]), page("/services", navs=[nav_facts(MAIN)]),
             page("/news", navs=[nav_facts(MAIN)]), page("/odd", navs=[nav_facts(reordered)])]
    found = consistent_navigation(SITE, pages)
    assert rules_of(found) == {"/odd": [("consistent-navigation", VIOLATION)]}
    [finding] = found["https://water.example/odd"]
    assert finding.engine == "navigation" and finding.wcag == ("3.2.3",) and finding.selector == "html > body > header > nav"
    assert finding.summary == ("Navigation \u201cMain\u201d lists its links in another order than on 3 of 3 other pages "
                               "with it (the same links): here Home, Contact, Services, News, Accessibility; "
                               "on /: Home, Services, News, Contact, Accessibility.")
    assert finding.help_url == "https://www.w3.org/WAI/WCAG22/Understanding/consistent-navigation.html"


def test_another_order_with_changed_links_needs_review():
    changed = [MAIN[0], MAIN[2], MAIN[1], MAIN[3], ("/events", "Events")]
    pages = [page(p, navs=[nav_facts(MAIN)]) for p in ("/", "/a", "/b")] + [page("/odd", navs=[nav_facts(changed)])]
    assert rules_of(consistent_navigation(SITE, pages)) == {"/odd": [("consistent-navigation", NEEDS_REVIEW)]}


def test_current_page_shown_as_text_keeps_the_order():
    without_contact = [link for link in MAIN if link[1] != "Contact"]
    pages = [page(p, navs=[nav_facts(MAIN)]) for p in ("/", "/a", "/b")] + [page("/contact", navs=[nav_facts(without_contact)])]
    assert consistent_navigation(SITE, pages) == {}


def test_no_majority_no_finding():
    other = [MAIN[1], MAIN[0], MAIN[2], MAIN[3], MAIN[4]]
    pages = [page("/a", navs=[nav_facts(MAIN)]), page("/b", navs=[nav_facts(MAIN)]),
             page("/c", navs=[nav_facts(other)]), page("/d", navs=[nav_facts(other)])]
    assert consistent_navigation(SITE, pages) == {}


def test_fewer_than_three_pages_or_different_navigations_are_not_compared():
    reordered = list(reversed(MAIN))
    assert consistent_navigation(SITE, [page("/", navs=[nav_facts(MAIN)]), page("/x", navs=[nav_facts(reordered)])]) == {}
    # A breadcrumb differs on every page: another label, and too few shared links.
    crumbs = [[("/", "Home"), (f"/{i}", f"Section {i}"), (f"/{i}/x", "Page")] for i in range(4)]
    pages = [page(f"/{i}", navs=[nav_facts(MAIN), nav_facts(c, label="Breadcrumb")]) for i, c in enumerate(crumbs)]
    assert consistent_navigation(SITE, pages) == {}


def test_labels_keep_landmarks_apart_and_hidden_or_failed_pages_are_ignored():
    footer = [("/privacy", "Privacy"), ("/terms", "Terms"), ("/a11y", "Accessibility")]
    reordered_footer = list(reversed(footer))
    pages = [page(p, navs=[nav_facts(MAIN), nav_facts(footer, label="Footer")]) for p in ("/", "/a", "/b")]
    pages.append(page("/odd", navs=[nav_facts(MAIN), nav_facts(reordered_footer, label="Footer")]))
    pages.append(page("/hidden", navs=[nav_facts(list(reversed(MAIN)), visible=False)]))
    pages.append(page("/broken", navs=[nav_facts(list(reversed(MAIN)))], error="HTTP 500"))
    found = consistent_navigation(SITE, pages)
    assert rules_of(found) == {"/odd": [("consistent-navigation", VIOLATION)]}
    assert found["https://water.example/odd"][0].summary.startswith("Navigation \u201cFooter\u201d")


def test_unlabelled_navigation_compared_by_first_unlabelled_landmark():
    reordered = [MAIN[0], MAIN[3], MAIN[1], MAIN[2], MAIN[4]]
    second = [("/x", "X"), ("/y", "Y"), ("/z", "Z")]
    pages = [page(p, navs=[nav_facts(MAIN, label="")]) for p in ("/", "/a", "/b")]
    pages.append(page("/odd", navs=[nav_facts(reordered, label=""), nav_facts(second, label="")]))
    assert rules_of(consistent_navigation(SITE, pages)) == {"/odd": [("consistent-navigation", VIOLATION)]}


def test_the_same_landmark_on_several_pages_is_one_grouped_issue():
    reordered = [MAIN[0], MAIN[3], MAIN[1], MAIN[2], MAIN[4]]
    pages = [page(p, navs=[nav_facts(MAIN)]) for p in ("/", "/a", "/b", "/c", "/d")]
    pages += [page("/odd1", navs=[nav_facts(reordered)]), page("/odd2", navs=[nav_facts(reordered)])]
    found = consistent_navigation(SITE, pages)
    assert sorted(rules_of(found)) == ["/odd1", "/odd2"]
    assert len({f.fingerprint for items in found.values() for f in items}) == 1


# -- duplicate titles (2.4.2) --------------------------------------------------------------------

def test_a_title_shared_by_three_pages_needs_review_on_each_as_one_issue():
    pages = [page("/a", title="Service update"), page("/b", title="service  UPDATE"), page("/c", title="Service update"),
             page("/d", title="News"), page("/e", title="News"), page("/", title="Home")]
    found = duplicate_titles(SITE, pages)
    assert rules_of(found) == {p: [("duplicate-title", NEEDS_REVIEW)] for p in ("/a", "/b", "/c")}
    assert len({f.fingerprint for items in found.values() for f in items}) == 1
    finding = found["https://water.example/b"][0]
    assert finding.summary == "The title \u201cservice UPDATE\u201d is shared by 3 pages: /a, /b, /c."
    assert (finding.selector, finding.html, finding.wcag) == ("head > title", "<title>service UPDATE</title>", ("2.4.2",))


def test_different_shared_titles_are_different_issues_and_one_final_url_counts_once():
    pages = [page(f"/{i}", title="One") for i in range(3)] + [page(f"/t{i}", title="Two") for i in range(3)]
    pages += [page("/old", title="Three", final="https://water.example/new"), page("/new", title="Three"),
              page("/x", title="Three")]
    found = duplicate_titles(SITE, pages)
    assert len({f.fingerprint for items in found.values() for f in items}) == 2
    assert "https://water.example/x" not in found


def test_titles_are_escaped_in_the_snippet():
    pages = [page(f"/{i}", title="<b>Shop</b>") for i in range(3)]
    assert duplicate_titles(SITE, pages)["https://water.example/0"][0].html == "<title>&lt;b&gt;Shop&lt;/b&gt;</title>"


# -- accessibility statement ------------------------------------------------------------------------

def statement(*urls, is_statement=False):
    return {"links": [{"url": "https://water.example" + u, "text": "Accessibility", "match": "text"} for u in urls],
            "is_statement": is_statement}


def test_statement_url_is_the_most_linked_one():
    pages = [page("/", statement=statement("/a11y"), depth=0), page("/x", statement=statement("/a11y", "/help/a11y")),
             page("/y", statement=statement("/help/a11y")), page("/z", statement=statement("/help/a11y"))]
    assert statement_url(SITE, pages) == {"url": "https://water.example/help/a11y", "text": "Accessibility",
                                          "linked_from": 3, "pages": 4}
    assert site_facts(SITE, pages)["accessibility_statement"]["url"] == "https://water.example/help/a11y"
    assert missing_statement(SITE, pages) == {}


def test_no_statement_linked_is_reported_on_the_start_page():
    pages = [page("/about", statement=statement(), depth=1), page("/", statement=statement(), depth=0)]
    found = missing_statement(SITE, pages)
    assert rules_of(found) == {"/": [("accessibility-statement", NEEDS_REVIEW)]}
    finding = found["https://water.example/"][0]
    assert finding.wcag == () and finding.engine == "statement"
    assert finding.summary.startswith("None of the 2 pages audited links to an accessibility statement")
    assert site_facts(SITE, pages) == {"accessibility_statement": None}


def test_a_crawled_statement_page_counts_even_unlinked():
    pages = [page("/", statement=statement(), depth=0), page("/toegankelijkheid", statement=statement(is_statement=True))]
    assert missing_statement(SITE, pages) == {}
    assert statement_url(SITE, pages)["url"] == "https://water.example/toegankelijkheid"


def test_site_checks_do_nothing_without_their_engines_facts():
    pages = [page("/", depth=0), page("/a"), page("/b"), page("/c")]
    assert site_findings(SITE, pages) == {}
    assert site_facts(SITE, pages) == {"accessibility_statement": None}


def test_site_findings_merges_every_check_per_page():
    pages = [page(p, navs=[nav_facts(MAIN)], title="Same", statement=statement(), depth=0 if p == "/" else 1)
             for p in ("/", "/a", "/b")]
    merged = rules_of(site_findings(SITE, pages))
    assert merged["/"] == [("duplicate-title", NEEDS_REVIEW), ("accessibility-statement", NEEDS_REVIEW)]
    assert merged["/a"] == [("duplicate-title", NEEDS_REVIEW)]
