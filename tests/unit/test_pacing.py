"""The fetch step is paced by the browser: page fetches wait in the scheduler while
`concurrency` fetched pages already wait for a render slot; render steps never wait."""

from __future__ import annotations

import scrapy
from scrapy.utils.test import get_crawler

from a11y_audit.crawler.pacing import RENDER_META, BrowserQueue, PacedScheduler


class _Spider(scrapy.Spider):
    name = "paced"

    def __init__(self, limit: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.browser_queue = BrowserQueue(limit)


def _scheduler(limit: int = 2) -> tuple[PacedScheduler, _Spider]:
    # Scrapy's default priority queue asks a running engine for download slots; the plain
    # one behaves alike here, and the pacing under test sits in front of either.
    crawler = get_crawler(_Spider, {"SCHEDULER": "a11y_audit.crawler.pacing.PacedScheduler",
                                    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    spider = _Spider(limit)
    crawler.spider = spider
    scheduler = PacedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler, spider


def _fetch(path: str) -> scrapy.Request:
    return scrapy.Request(f"http://127.0.0.1:9/{path}", dont_filter=True)


def _render(path: str) -> scrapy.Request:
    return scrapy.Request(f"http://127.0.0.1:9/{path}", dont_filter=True, meta={RENDER_META: True})


def test_fetches_flow_while_the_browser_keeps_up():
    scheduler, _ = _scheduler()
    for path in ("a", "b"):
        scheduler.enqueue_request(_fetch(path))
    assert {scheduler.next_request().url[-1], scheduler.next_request().url[-1]} == {"a", "b"}
    assert scheduler.next_request() is None
    assert not scheduler.has_pending_requests()


def test_a_full_browser_queue_holds_fetches_back_but_not_renders():
    scheduler, spider = _scheduler(limit=2)
    scheduler.enqueue_request(_fetch("page"))
    with spider.browser_queue.wait(), spider.browser_queue.wait():
        assert spider.browser_queue.full
        assert scheduler.next_request() is None  # held back, still pending
        assert scheduler.has_pending_requests() and len(scheduler) == 1
        scheduler.enqueue_request(_render("rendered"))
        assert scheduler.next_request().url.endswith("/rendered")
        assert scheduler.next_request() is None
    assert not spider.browser_queue.full
    assert scheduler.next_request().url.endswith("/page")


def test_render_steps_go_before_fetches():
    scheduler, _ = _scheduler()
    scheduler.enqueue_request(_fetch("fetch"))
    scheduler.enqueue_request(_render("one"))
    scheduler.enqueue_request(_render("two"))
    assert [scheduler.next_request().url.rsplit("/", 1)[1] for _ in range(3)] == ["one", "two", "fetch"]


def test_the_queue_counts_waiting_pages_even_when_waiting_fails():
    queue = BrowserQueue(1)
    try:
        with queue.wait():
            assert queue.full
            raise RuntimeError("render slot wait cancelled")
    except RuntimeError:
        pass
    assert queue.waiting == 0 and not queue.full


def test_a_full_queue_that_gets_room_wakes_the_engine():
    woken = []
    queue = BrowserQueue(2, on_room=lambda: woken.append(queue.waiting))
    with queue.wait():
        with queue.wait():
            assert woken == []
        assert woken == [1]  # full → room: the scheduler can hand out a fetch again
    assert woken == [1]  # not full before: nothing to announce
