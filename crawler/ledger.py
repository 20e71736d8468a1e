"""Which pages of each site are claimed: the crawl's duplicate filter and page budget.

One crawler process keeps its ledger in memory (`LocalLedger`); workers sharing a run
keep it in Redis (`crawler.shared.frontier.RedisLedger`), so that a page is claimed
once across all of them and ``max_pages`` holds for the run, not per worker.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Optional, Protocol

#: URLs waiting for budget that a released page slot may go to (per site).
DEFERRED_LIMIT = 10_000


class Ledger(Protocol):
    def claim(self, site: int, url: str, depth: int, budget: int) -> bool:
        """Claim *url* as a page of *site*: False if it was seen before, or if the
        site's budget is spent (then it waits, deferred, for a released slot)."""

    def mark_seen(self, site: int, url: str) -> bool:
        """Record *url* as seen without spending budget (a redirect target); True if new."""

    def release(self, site: int, budget: int) -> Optional[tuple[str, int]]:
        """A claimed URL turned out not to be a page: free its slot and return a
        deferred (url, depth) to claim instead, if one waits."""

    def claimed(self, site: int) -> int:
        """Pages of *site* claimed so far."""


class LocalLedger:
    """The ledger of a single crawler process."""

    def __init__(self) -> None:
        self.seen: dict[int, set[str]] = defaultdict(set)
        self.reserved: dict[int, int] = defaultdict(int)
        self.deferred: dict[int, deque] = defaultdict(lambda: deque(maxlen=DEFERRED_LIMIT))

    def claim(self, site: int, url: str, depth: int, budget: int) -> bool:
        if url in self.seen[site]:
            return False
        if self.reserved[site] >= budget:
            self.deferred[site].append((url, depth))
            return False
        self.seen[site].add(url)
        self.reserved[site] += 1
        return True

    def mark_seen(self, site: int, url: str) -> bool:
        if url in self.seen[site]:
            return False
        self.seen[site].add(url)
        return True

    def release(self, site: int, budget: int) -> Optional[tuple[str, int]]:
        self.reserved[site] -= 1
        waiting = self.deferred[site]
        while waiting and self.reserved[site] < budget:
            url, depth = waiting.popleft()
            if url not in self.seen[site]:
                return url, depth
        return None

    def claimed(self, site: int) -> int:
        return self.reserved[site]
