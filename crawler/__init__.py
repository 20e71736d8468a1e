"""The crawler: Scrapy + scrapy-playwright (or Selenium) discovery, politeness, rendering.

In: a :class:`~a11y_audit.config.RunConfig`. Out: audited pages and documents written to
the store as they come (:func:`~a11y_audit.crawler.runner.run_crawl`). The only package
that imports Scrapy, Playwright or Selenium.
"""
