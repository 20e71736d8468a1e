"""A run's shared state in Redis: queue with leases, ledger, per-host rate, workers.

Every change that must be atomic across workers is one Lua script, so no worker
ever sees half of another's step. Times come from Redis (``TIME``), not from the
workers' clocks, which may disagree between machines.

Keys (all under ``a11y-audit:<store>:run:<id>:``):

- ``queue``: sorted set of encoded requests waiting to be crawled (score: -priority);
- ``leases``: sorted set of requests a worker is working on (score: lease deadline);
  a request leaves it when its page is stored (ack), or goes back to the queue when
  the lease runs out (the worker died) or the worker stops (nack);
- ``reclaimed``: requests that went back to the queue: their page may be stored
  already, so the next worker checks the store first;
- ``seen:<site>``, ``claimed:<site>``, ``deferred:<site>``: the ledger (crawler/ledger.py);
- ``workers``: worker id → last heartbeat (Redis time), for ``run status``;
- ``seeded``, ``finalized``, ``meta``: the run's life cycle.

``a11y-audit:<store>:active:<config hash>`` points at the unfinished run of a configuration.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import redis

from a11y_audit.crawler.ledger import DEFERRED_LIMIT

#: Score of requests put back in the queue: ahead of new work, so a dead worker's pages are redone first.
REQUEUED_SCORE = -1_000_000
#: How long a finished run's keys stay for ``run status``.
FINISHED_TTL_SECONDS = 7 * 24 * 3600

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

CLAIM = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
local claimed = tonumber(redis.call('GET', KEYS[2]) or '0')
if claimed >= tonumber(ARGV[3]) then
  if redis.call('LLEN', KEYS[3]) < tonumber(ARGV[4]) then
    redis.call('RPUSH', KEYS[3], cjson.encode({ARGV[1], tonumber(ARGV[2])}))
  end
  return 0
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
return 1
"""

RELEASE = """
local claimed = redis.call('DECR', KEYS[2])
while claimed < tonumber(ARGV[1]) do
  local entry = redis.call('LPOP', KEYS[3])
  if not entry then return false end
  if redis.call('SISMEMBER', KEYS[1], cjson.decode(entry)[1]) == 0 then return entry end
end
return false
"""

POP = _NOW + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0)
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), item[1])
return {item[1], redis.call('SREM', KEYS[3], item[1])}
"""

REAP = _NOW + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, item in ipairs(expired) do
  redis.call('ZREM', KEYS[2], item)
  redis.call('ZADD', KEYS[1], ARGV[1], item)
  redis.call('SADD', KEYS[3], item)
end
return #expired
"""

REQUEUE = """
local moved = 0
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    redis.call('SADD', KEYS[3], ARGV[i])
    moved = moved + 1
  end
end
return moved
"""

RENEW = _NOW + """
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return now
"""

# The next moment a request to a host may start, whichever worker sends it.
HOST_SLOT = _NOW + """
local delay = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(slot + delay), 'PX', math.ceil(delay * 1000) + 60000)
return tostring(slot - now)
"""

HEARTBEAT = _NOW + """
redis.call('HSET', KEYS[1], ARGV[1], tostring(now))
return tostring(now)
"""


def store_key(db_url: str) -> str:
    """Runs are numbered per store: two stores may share one Redis without their runs mixing."""
    return hashlib.sha256(db_url.encode()).hexdigest()[:12]


def config_key(config) -> str:
    """Identifies a configuration: workers join a run only if their settings are the same."""
    settings = {
        "sites": [vars(site) for site in config.sites],
        "engines": list(config.engines),
        "browser": config.browser,
        "tls_verify": config.tls_verify,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FrontierCounts:
    queued: int
    in_flight: int
    workers: dict[str, float]


class RedisFrontier:
    """One shared run's state in Redis (see the module docstring for the keys)."""

    def __init__(self, client: redis.Redis, db_url: str, run_id: int) -> None:
        self.client = client
        self.run_id = run_id
        self.prefix = f"a11y-audit:{store_key(db_url)}:run:{run_id}:"
        self.queue_key = self.prefix + "queue"
        self.leases_key = self.prefix + "leases"
        self.reclaimed_key = self.prefix + "reclaimed"
        #: scrapy-redis' duplicate filter (discovery files: robots.txt, sitemaps).
        self.dupefilter_key = self.prefix + "dupefilter"
        self._claim = client.register_script(CLAIM)
        self._release = client.register_script(RELEASE)
        self._pop = client.register_script(POP)
        self._reap = client.register_script(REAP)
        self._requeue = client.register_script(REQUEUE)
        self._renew = client.register_script(RENEW)
        self._host_slot = client.register_script(HOST_SLOT)
        self._heartbeat = client.register_script(HEARTBEAT)

    # -- the ledger (crawler.ledger.Ledger) ----------------------------------------

    def _site_keys(self, site: int) -> list[str]:
        return [f"{self.prefix}seen:{site}", f"{self.prefix}claimed:{site}", f"{self.prefix}deferred:{site}"]

    def claim(self, site: int, url: str, depth: int, budget: int) -> bool:
        return bool(self._claim(keys=self._site_keys(site), args=[url, depth, budget, DEFERRED_LIMIT]))

    def mark_seen(self, site: int, url: str) -> bool:
        return bool(self.client.sadd(f"{self.prefix}seen:{site}", url))

    def release(self, site: int, budget: int) -> Optional[tuple[str, int]]:
        entry = self._release(keys=self._site_keys(site), args=[budget])
        if not entry:
            return None
        url, depth = json.loads(entry)
        return url, int(depth)

    def claimed(self, site: int) -> int:
        return int(self.client.get(f"{self.prefix}claimed:{site}") or 0)

    # -- the queue and its leases ----------------------------------------------------

    def push(self, encoded: bytes | str, priority: int = 0) -> None:
        self.client.zadd(self.queue_key, {encoded: -priority})

    def pop(self, lease_seconds: float) -> Optional[tuple[bytes, bool]]:
        """The next request, leased to the caller: (encoded request, reclaimed?)."""
        found = self._pop(keys=[self.queue_key, self.leases_key, self.reclaimed_key], args=[lease_seconds])
        if not found:
            return None
        encoded, reclaimed = found
        return encoded, bool(reclaimed)

    def ack(self, encoded: bytes | str) -> None:
        """The request's work is stored: it leaves the frontier for good."""
        self.client.zrem(self.leases_key, encoded)

    def renew(self, encoded: Iterable[bytes | str], lease_seconds: float) -> None:
        members = list(encoded)
        if members:
            self._renew(keys=[self.leases_key], args=[lease_seconds, *members])

    def requeue(self, encoded: Iterable[bytes | str]) -> int:
        """Give leased requests back (a worker stopping): others take them at once."""
        members = list(encoded)
        if not members:
            return 0
        return int(self._requeue(keys=[self.queue_key, self.leases_key, self.reclaimed_key],
                                 args=[REQUEUED_SCORE, *members]))

    def reap(self) -> int:
        """Put requests whose lease ran out (their worker died) back in the queue."""
        return int(self._reap(keys=[self.queue_key, self.leases_key, self.reclaimed_key], args=[REQUEUED_SCORE]))

    def queued(self) -> int:
        return int(self.client.zcard(self.queue_key))

    def in_flight(self) -> int:
        return int(self.client.zcard(self.leases_key))

    def entries(self) -> tuple[list[bytes], list[bytes]]:
        """Every queued and every leased request (for ``run status``)."""
        return self.client.zrange(self.queue_key, 0, -1), self.client.zrange(self.leases_key, 0, -1)

    # -- politeness across workers ---------------------------------------------------

    def host_wait(self, host: str, delay: float) -> float:
        """Reserve the next start time for a request to *host*; seconds to wait for it."""
        if delay <= 0:
            return 0.0
        return float(self._host_slot(keys=[f"{self.prefix}host:{host}"], args=[delay]))

    # -- the run's life cycle --------------------------------------------------------

    def mark_seeded(self) -> None:
        self.client.set(self.prefix + "seeded", "1")

    def seeded(self) -> bool:
        return self.client.exists(self.prefix + "seeded") == 1

    def finished(self) -> bool:
        """Seeded, nothing queued and nothing in flight: every page is done."""
        pipe = self.client.pipeline()
        pipe.exists(self.prefix + "seeded").zcard(self.queue_key).zcard(self.leases_key)
        seeded, queued, in_flight = pipe.execute()
        return bool(seeded) and queued == 0 and in_flight == 0

    def claim_finalize(self) -> bool:
        """Exactly one worker finalises a finished run (site-level checks, status)."""
        return bool(self.client.set(self.prefix + "finalized", "1", nx=True))

    def heartbeat(self, worker: str) -> None:
        self._heartbeat(keys=[self.prefix + "workers"], args=[worker])

    def leave(self, worker: str) -> None:
        self.client.hdel(self.prefix + "workers", worker)

    def counts(self) -> FrontierCounts:
        workers = {name.decode(): float(seen) for name, seen in self.client.hgetall(self.prefix + "workers").items()}
        return FrontierCounts(queued=self.queued(), in_flight=self.in_flight(), workers=workers)

    def now(self) -> float:
        seconds, micros = self.client.time()
        return seconds + micros / 1_000_000

    def expire(self) -> None:
        """A finished run's keys: kept a while for ``run status``, then gone."""
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.expire(key, FINISHED_TTL_SECONDS)


class RunRegistry:
    """Which run of a configuration is in progress, per store."""

    def __init__(self, client: redis.Redis, db_url: str) -> None:
        self.client = client
        self.db_url = db_url
        self.base = f"a11y-audit:{store_key(db_url)}:"

    def active(self, config_hash: str) -> Optional[int]:
        value = self.client.get(f"{self.base}active:{config_hash}")
        return int(value) if value else None

    def register(self, config_hash: str, run_id: int) -> Optional[int]:
        """Make *run_id* the configuration's active run; if another is already, return that one."""
        if self.client.set(f"{self.base}active:{config_hash}", run_id, nx=True):
            return None
        return self.active(config_hash)

    def finish(self, config_hash: str, run_id: int) -> None:
        key = f"{self.base}active:{config_hash}"
        if self.active(config_hash) == run_id:
            self.client.delete(key)

    def frontier(self, run_id: int) -> RedisFrontier:
        return RedisFrontier(self.client, self.db_url, run_id)


def connect(url: str) -> redis.Redis:
    """A client for ``--frontier redis://…``; raises ConnectionError when Redis cannot be reached."""
    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
    client.ping()
    return client


def describe(entries: Iterable[bytes], decode) -> dict[Any, int]:
    """Count encoded requests by what *decode* says about them (e.g. their organisation)."""
    counts: dict[Any, int] = {}
    for entry in entries:
        key = decode(entry)
        counts[key] = counts.get(key, 0) + 1
    return counts
