"""Downloader middleware that keeps every request where it belongs.

Runs for each request Scrapy sends, including robots.txt fetches and every hop
of a redirect (the redirect middleware schedules each hop as a new request):
refuses non-GET methods, refused addresses, and redirect hops that leave the
site's scope.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

logger = logging.getLogger(__name__)


class OutOfScope(IgnoreRequest):
    """A redirect hop left the site: the URL is not one of the site's pages."""


class RefusedAddress(IgnoreRequest):
    """The host resolves to an address the configuration does not allow."""


class GuardMiddleware:
    """Only GET, only allowed addresses, only in-scope redirect targets."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "GuardMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if request.meta.get("playwright"):
            return None  # the render step re-opens a document already fetched and checked
        if request.method != "GET":
            raise IgnoreRequest(f"refused {request.method} request (the crawler only sends GET)")
        index = request.meta.get("a11y_site")
        if index is None:
            return None
        state = spider.sites[index]
        if request.meta.get("redirect_urls") and not request.meta.get("a11y_discovery"):
            if not state.scope.contains(request.url):
                raise OutOfScope(f"redirect out of scope to {request.url}")
        reason = await state.policy.refusal(request.url)
        if reason:
            raise RefusedAddress(reason)
        return None
