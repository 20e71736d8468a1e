"""How requests are written into Redis: JSON, not scrapy-redis' default pickle.

Unpickling runs code, so a Redis shared by many machines would be a way into every
worker; JSON is only data. Our queued requests are plain GETs whose meta holds
numbers, strings and booleans; header and body bytes are written as Latin-1 text.
Keys are sorted, so one request always encodes to the same text.
"""

from __future__ import annotations

import json
from typing import Any

#: Meta that only means something inside one process, never written to Redis.
LOCAL_META = ("a11y_started", "a11y_lease", "a11y_reclaimed", "download_slot", "download_latency", "depth")


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def dumps(request_dict: dict[str, Any]) -> str:
    meta = {k: v for k, v in (request_dict.get("meta") or {}).items() if k not in LOCAL_META}
    return json.dumps(_plain({**request_dict, "meta": meta}), sort_keys=True, separators=(",", ":"))


def loads(encoded: bytes | str) -> dict[str, Any]:
    return json.loads(encoded)
