"""Running our async engines against a browser that only the test's thread may drive.

pytest-playwright's ``page`` is Playwright's *sync* API: it belongs to the thread
that made it (a greenlet drives Playwright's own event loop there) and refuses to
be used inside a running asyncio loop. Our engines are coroutines that need one
(timeouts, sleeps, a shared Tab walk). So the two are split:

- a :class:`LoopThread` owns an asyncio loop in a thread of its own, for the whole
  test session (the store's async engine stays bound to it): engines and store
  writes run there;
- every call into the browser is *marshalled*: the engine side puts a plain
  function on a :class:`Marshal`, and the test's thread, which waits in
  :meth:`LoopThread.run` while the audit lasts, runs it and hands back the result.

The engines are the crawler's, unchanged; only the page sessions differ. A
Selenium driver goes the same way (it is not thread-safe either).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from typing import Any, Awaitable, Callable, Optional, TypeVar

T = TypeVar("T")

_DONE = object()


class AuditOver(RuntimeError):
    """A browser call arrived after its audit had ended (a task an engine left running)."""


class Marshal:
    """Browser calls from the engines' loop, run one by one on the test's thread.

    ``call`` has the signature of :meth:`crawler.selenium_browser.DriverPool.call`,
    so Selenium's page session takes a marshal where it would take a pool.
    """

    def __init__(self, call_timeout: float) -> None:
        self.call_timeout = call_timeout
        self._calls: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._closed = False

    async def call(self, func: Callable[..., T], *args: Any, timeout: Optional[float] = None) -> T:
        """Run ``func(*args)`` on the test's thread; bounded by *timeout* (default: the call timeout).

        A call that times out here keeps the test's thread busy until the browser
        answers (a sync browser call cannot be abandoned); the engine goes on to
        its error handling, and its next call waits in line.
        """
        if self._closed:
            raise AuditOver("the audit is over")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._calls.put((func, args, future))
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout or self.call_timeout)

    def serve(self, until: concurrent.futures.Future) -> None:
        """Run calls on this (the test's) thread until *until* is done."""
        until.add_done_callback(lambda _: self._calls.put(_DONE))
        while True:
            item = self._calls.get()
            if item is _DONE:
                break
            func, args, future = item
            if not future.set_running_or_notify_cancel():
                continue  # the engine gave up waiting before its turn came
            try:
                future.set_result(func(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the engine that asked
                future.set_exception(exc)

    def close(self) -> None:
        """Refuse later calls, and fail those still queued."""
        self._closed = True
        while True:
            try:
                item = self._calls.get_nowait()
            except queue.Empty:
                return
            if item is not _DONE and item[2].set_running_or_notify_cancel():
                item[2].set_exception(AuditOver("the audit is over"))


class LoopThread:
    """An asyncio loop in a daemon thread, started on first use and kept for the session."""

    def __init__(self, name: str = "a11y-audit") -> None:
        self.name = name
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    def _start(self) -> asyncio.AbstractEventLoop:
        if self.loop is None:
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def main() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            self._thread = threading.Thread(target=main, name=self.name, daemon=True)
            self._thread.start()
            ready.wait()
            self.loop = loop
        return self.loop

    def submit(self, coro: Awaitable[T]) -> "concurrent.futures.Future[T]":
        """Schedule *coro* on the loop; a future of its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._start())  # type: ignore[arg-type]

    def run(self, coro: Awaitable[T], marshal: Optional[Marshal] = None) -> T:
        """Run *coro* on the loop and wait for it; meanwhile serve *marshal*'s browser calls here."""
        future = self.submit(coro)
        try:
            if marshal is not None:
                marshal.serve(future)
            return future.result()
        except BaseException:
            future.cancel()  # KeyboardInterrupt, or pytest-timeout's: stop the audit too
            raise
        finally:
            if marshal is not None:
                marshal.close()

    def stop(self) -> None:
        """Cancel what is left on the loop (a task an engine left running), stop it, close it."""
        if self.loop is None:
            return
        loop, self.loop = self.loop, None
        try:
            asyncio.run_coroutine_threadsafe(_drain(), loop).result(timeout=10)
        except (concurrent.futures.TimeoutError, RuntimeError):
            pass  # a task that will not end is left to the daemon thread
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if not loop.is_running():
            loop.close()


async def _drain() -> None:
    loop = asyncio.get_running_loop()
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await loop.shutdown_asyncgens()
    await loop.shutdown_default_executor()
