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
on something), so a key is late at worst, never lost. The cost is a few milliseconds a key
(50 j in one burst on All Amazon Orders at 120×40: 0.18 s, all 50 applied).
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
        self._releasing = False  # whether a run of ``_release`` is under way
        self._started = False  # whether the first screen was ready once (see ``hold``)

    def hold(self, key: events.Key | events.Paste) -> None:
        """A key (or a paste) the driver read: it goes through once the keys before it have settled."""
        if isinstance(key, events.Key) and key.key == "ctrl+j" and not self._started:
            # Typed before the app took the terminal: the tty, still in line mode, made Enter's
            # CR a LF (ICRNL), which reads as ctrl+j (bound nowhere here). It was an Enter.
            key = events.Key("enter", "\r")
        self._keys.append(key)
        if not self._releasing:
            self._releasing = True
            # A worker: what tests and benchmarks wait for when they wait for the app to settle.
            self.app.run_worker(self._release(), group=KEYS_GROUP, description="typed keys")

    async def _release(self) -> None:
        """Settle, let the oldest key through, again; once settled with no key left, end (a key
        held after that starts a new run: no await between the last look and the end)."""
        try:
            await self._release_in_turn()
        finally:
            self._releasing = False

    async def _release_in_turn(self) -> None:
        while True:
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
    """Wait until each node has handled what was in its queue when this was called (or closed:
    a widget removed meanwhile never runs its callback)."""
    waiting: set[int] = set()
    drained = asyncio.Event()

    def one_done(index: int) -> None:
        waiting.discard(index)
        if not waiting:
            drained.set()

    for index, node in enumerate(nodes):
        if node.call_later(one_done, index):
            waiting.add(index)
    while waiting:
        loops = {index: nodes[index]._task for index in waiting}
        for index, task in loops.items():
            if task is not None and task.done():  # closed (the app's own loop has no task: it waits)
                one_done(index)
        if not waiting:
            return
        signal = asyncio.ensure_future(drained.wait())
        closing = [task for task in loops.values() if task is not None and not task.done()]
        try:
            await asyncio.wait([signal, *closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            signal.cancel()
