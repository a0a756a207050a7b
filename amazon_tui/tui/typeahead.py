"""Keys typed ahead: the one place where a typed key becomes an action for the screen on top.

Over SSH keys arrive in bursts ("/Ren⏎jo" in one read). Textual hands each key to the widget
focused at the moment it is read, but what a key does happens later, message by message: Enter
in a filter posts Submitted and the focus moves to the list only when the screen handles it;
Enter on a card posts a request and the store's screen mounts and loads its rows a few turns
later. Keys read in between went to the wrong widget ("Renjo") or to a screen with no rows yet
(lost). So the app holds the keys the driver delivers and lets one through at a time: the next
only once everything the previous one set off has been handled (every message queue of the app
and of the screen on top is empty) and the screen on top is mounted. Each key then goes through
Textual's own path (priority bindings, the focused widget, its bindings, the app's), unchanged.
A paste waits its turn the same way: after "/" it lands in the filter, not in the list.

Nothing waits for the network: a screen's workers run on while the keys go on. A watchdog lets
the next key through if the app does not settle within ``SETTLE_LIMIT`` seconds (a handler stuck
on something), so a key is late at worst, never lost.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.worker import Worker

KEYS_GROUP = "typed-keys"

SETTLE_LIMIT = 2.0  # seconds a key waits at most for the previous one to settle
ROUNDS = 50  # rounds of "has every queue been drained?" before giving up (a timer that keeps posting)


def let_through(event: events.Event) -> bool:
    """Whether ``event`` is a key the queue let through (the app passes it to Textual's handling)."""
    return getattr(event, "_typed_ahead", False)


class KeyQueue:
    """The keys read from the terminal that the app has not yet let through, oldest first."""

    def __init__(self, app: App[int]) -> None:
        self.app = app
        self._keys: deque[events.Key | events.Paste] = deque()
        self._worker: Worker[None] | None = None
        self._started = False  # whether the first screen was ready once (see ``hold``)

    @property
    def pending(self) -> int:
        return len(self._keys)

    def hold(self, key: events.Key | events.Paste) -> None:
        """A key (or a paste) the driver read: it goes through once the keys before it have settled."""
        if isinstance(key, events.Key) and key.key == "ctrl+j" and not self._started:
            # Typed before the app took the terminal: the tty, still in line mode, made Enter's
            # CR a LF (ICRNL), which reads as ctrl+j (bound nowhere here). It was an Enter.
            key = events.Key("enter", "\r")
        self._keys.append(key)
        if self._worker is None or self._worker.is_finished:
            # A worker: what tests and benchmarks wait for when they wait for the app to settle.
            self._worker = self.app.run_worker(self._release(), group=KEYS_GROUP, description="typed keys")

    async def _release(self) -> None:
        while self._keys:
            with suppress(TimeoutError):  # late rather than lost
                await asyncio.wait_for(self._settled(), SETTLE_LIMIT)
            if not self._keys or not self.app.is_running:
                return
            key = self._keys.popleft()
            # a plain Key or Paste: Textual's handlers, unchanged
            released: events.Event = (
                events.Key(key.key, key.character) if isinstance(key, events.Key) else events.Paste(key.text)
            )
            setattr(released, "_typed_ahead", True)  # noqa: B010 - a mark Textual does not know
            released.set_sender(self.app)
            self.app.post_message(released)
        await self._settled()  # the last key's effects too: who waits for the workers waits for them

    async def _settled(self) -> None:
        """Return once the app and the screen on top have handled every message queued, with the
        screen mounted: what the previous key set off has happened."""
        for _ in range(ROUNDS):
            screen = self.app.screen
            nodes: list[MessagePump] = [self.app, *screen.walk_children(with_self=True)]
            await _drain(nodes)
            if (
                self.app.screen is screen
                and screen.is_mounted
                and all(node.message_queue_size == 0 for node in nodes)
                and not self.app._next_callbacks
            ):
                self._started = True
                return


async def _drain(nodes: list[MessagePump]) -> None:
    """Wait until each node has handled what was in its queue when this was called."""
    waiting = 0
    drained = asyncio.Event()

    def one_done() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0:
            drained.set()

    for node in nodes:
        if node.call_later(one_done):
            waiting += 1
    if waiting:
        await drained.wait()
