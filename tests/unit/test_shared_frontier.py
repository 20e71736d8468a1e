"""The shared run's Redis state, on the real Redis server: ledger, leases, politeness."""

from __future__ import annotations

import time
import uuid

import pytest
from scrapy import Request
from scrapy.utils.request import request_from_dict

from a11y_audit.crawler.shared import codec
from a11y_audit.crawler.shared.frontier import RedisFrontier, RunRegistry, connect


@pytest.fixture
def frontier(frontier_url):
    client = connect(frontier_url)
    store = f"sqlite:///unit-{uuid.uuid4().hex}.db"  # a store of its own: keys never collide
    frontier = RedisFrontier(client, store, run_id=1)
    yield frontier
    for key in client.scan_iter(match=frontier.prefix + "*"):
        client.delete(key)
    client.close()


def test_a_page_is_claimed_once_and_the_budget_holds(frontier):
    assert frontier.claim(0, "http://a/1", 1, budget=2)
    assert not frontier.claim(0, "http://a/1", 1, budget=2)  # seen
    assert frontier.claim(0, "http://a/2", 1, budget=2)
    assert not frontier.claim(0, "http://a/3", 2, budget=2)  # budget spent: deferred
    assert frontier.claimed(0) == 2
    assert frontier.claim(1, "http://a/1", 1, budget=2)  # another site has its own ledger


def test_a_released_slot_goes_to_the_first_deferred_url_not_seen_since(frontier):
    frontier.claim(0, "http://a/1", 0, budget=1)
    frontier.claim(0, "http://a/2", 1, budget=1)  # deferred
    frontier.claim(0, "http://a/3", 2, budget=1)  # deferred
    frontier.mark_seen(0, "http://a/2")  # e.g. a redirect target meanwhile
    assert frontier.release(0, budget=1) == ("http://a/3", 2)
    assert frontier.claimed(0) == 0
    assert frontier.release(0, budget=1) is None


def test_mark_seen_says_whether_the_url_is_new(frontier):
    assert frontier.mark_seen(0, "http://a/r")
    assert not frontier.mark_seen(0, "http://a/r")
    assert not frontier.claim(0, "http://a/r", 1, budget=5)


def test_a_popped_request_is_leased_until_acknowledged(frontier):
    frontier.push("first", priority=0)
    frontier.push("urgent", priority=5)
    assert frontier.pop(lease_seconds=30) == (b"urgent", False)  # higher priority first
    assert (frontier.queued(), frontier.in_flight()) == (1, 1)
    assert not frontier.finished()  # not seeded yet, and work in flight
    frontier.ack(b"urgent")
    assert frontier.pop(lease_seconds=30) == (b"first", False)
    frontier.ack(b"first")
    assert frontier.pop(lease_seconds=30) is None
    frontier.mark_seeded()
    assert frontier.finished()


def test_an_expired_lease_goes_back_to_the_queue_marked_reclaimed(frontier):
    frontier.push("page", priority=0)
    frontier.push("new", priority=0)
    assert frontier.pop(lease_seconds=0.2)[0] == b"new"  # same score: ordered by member
    time.sleep(0.3)
    assert frontier.reap() == 1
    frontier.renew([b"new"], 30)  # too late: renewing never brings a reaped lease back
    assert frontier.in_flight() == 0
    assert frontier.pop(lease_seconds=30) == (b"new", True)  # ahead of the waiting one, flagged
    assert frontier.pop(lease_seconds=30) == (b"page", False)


def test_renewed_leases_do_not_expire(frontier):
    frontier.push("page", priority=0)
    frontier.pop(lease_seconds=0.5)
    for _ in range(3):
        time.sleep(0.3)
        frontier.renew([b"page"], 0.5)
        assert frontier.reap() == 0
    assert frontier.in_flight() == 1


def test_a_stopping_worker_hands_its_leases_back(frontier):
    for name in ("a", "b"):
        frontier.push(name, priority=0)
    frontier.pop(30)
    frontier.pop(30)
    assert frontier.requeue([b"a", b"b", b"never-leased"]) == 2
    assert (frontier.queued(), frontier.in_flight()) == (2, 0)


def test_requests_to_one_host_are_spaced_across_callers(frontier):
    waits = [frontier.host_wait("example.org", 0.5) for _ in range(3)]
    assert waits[0] == pytest.approx(0, abs=0.05)
    assert waits[1] == pytest.approx(0.5, abs=0.05)
    assert waits[2] == pytest.approx(1.0, abs=0.05)
    assert frontier.host_wait("other.org", 0.5) == pytest.approx(0, abs=0.05)
    assert frontier.host_wait("example.org", 0) == 0


def test_one_active_run_per_configuration(frontier_url):
    client = connect(frontier_url)
    registry = RunRegistry(client, f"sqlite:///unit-{uuid.uuid4().hex}.db")
    try:
        assert registry.register("cfg", 7) is None
        assert registry.register("cfg", 8) == 7
        assert registry.active("cfg") == 7
        registry.finish("cfg", 8)  # not the active one: nothing happens
        assert registry.active("cfg") == 7
        registry.finish("cfg", 7)
        assert registry.active("cfg") is None
    finally:
        for key in client.scan_iter(match=registry.base + "*"):
            client.delete(key)


def test_requests_travel_as_json_and_come_back_the_same():
    request = Request("http://127.0.0.1:8000/a?b=1", headers={"User-Agent": "a11y-audit/0.1"}, priority=3,
                      dont_filter=True, meta={"a11y_site": 2, "a11y_depth": 1, "a11y_started": 12.5,
                                              "download_maxsize": 1024})
    encoded = codec.dumps(request.to_dict())
    assert "a11y_started" not in encoded  # a moment on this machine means nothing on another
    again = request_from_dict(codec.loads(encoded))
    assert (again.url, again.priority, again.dont_filter) == (request.url, 3, True)
    assert again.headers[b"User-Agent"] == b"a11y-audit/0.1"
    assert again.meta == {"a11y_site": 2, "a11y_depth": 1, "download_maxsize": 1024}
    assert codec.dumps(again.to_dict()) == encoded  # one request, one encoding
