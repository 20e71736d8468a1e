"""Workers sharing one run: a Redis frontier (scrapy-redis with leases) and a shared store.

Any number of ``a11y-audit crawl CONFIG --db postgresql://… --frontier redis://…``
processes, on any machines, crawl one run together: one queue and one ledger in
Redis, results in the store. See docs/deployment.md.
"""
