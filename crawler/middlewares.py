"""Downloader middleware that keeps every request where it belongs.

Runs for each request Scrapy sends, including robots.txt fetches and every hop
of a redirect (the redirect middleware schedules each hop as a new request):
refuses non-GET methods, refused addresses, and redirect hops that leave the
site's scope.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

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


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for a host's
    robots.txt given the parser.

    Scrapy 2.19 lets the requests that arrive while a host's robots.txt downloads
    await one shared Deferred; the first waiter's callback returns None, so the
    third and later requests to that host got no parser and were let through
    unchecked (seen: a disallowed page audited when a worker took up several
    pages of a host at once). Each waiter here gets a Deferred of its own.
    """

    async def robot_parser(self, request: Request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            own: Deferred = Deferred()

            def pass_on(parser):
                own.callback(parser)
                return parser  # for the next waiter

            pending.addCallback(pass_on)
            return await maybe_deferred_to_future(own)
        return await super().robot_parser(request)
