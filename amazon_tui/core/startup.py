"""Start-up: the cyclic garbage collector waits until the first screen is painted.

Loading Textual, pydantic and the app creates a few hundred thousand objects that live as
long as the process (classes, functions, schemas, CSS rules). While they load, the collector
would run hundreds of times and rescan them all, for nothing: about 15% of the start-up
time. So it is paused while the app starts, and resumed once the first screen is painted
(or at once for a scripting command). On resume, the start-up objects are frozen into the
permanent generation (``gc.freeze``), so later collections, which run while the operator
works, do not rescan them either.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    """Pause the cyclic collector (reference counting still frees almost everything)."""
    gc.disable()


def resume_collection() -> None:
    """Freeze the objects made so far and collect as usual again; no-op unless paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
