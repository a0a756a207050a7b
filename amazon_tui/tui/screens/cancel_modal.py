"""The "Amazon Order Cancellation" modal: one reason, Back or Confirm, submitted exactly once.

The reason list has a visible cursor from the start (on the first reason, or on Buyer Canceled,
chosen already, when the buyer asked to cancel). The arrows choose the reason under the cursor;
Enter (or a reason's digit) chooses it and moves to Confirm; only Enter on Confirm sends: the
operator always confirms. In bulk the order numbers sit above the reasons in a box of their own,
a few per line, scrolled with ctrl+d/ctrl+u.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, Submission
from amazon_tui.core.causes import Cause, cause_of
from amazon_tui.domain.text import safe_text
from amazon_tui.domain.values import CancelReason
from amazon_tui.tui.context import TuiContext
from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.error_line import TooSmall

HINT = "The selected reason will be sent to Amazon and the buyer."
ORDERS_SHOWN = 8  # order numbers in view at once in bulk (4 lines of 2 in the 64-column dialog)
DIALOG_TEXT_WIDTH = 62 - 1  # the dialog's text width, less the scrollbar


class CancelModal(SizeGated, ModalScreen[list[Submission] | None]):
    """Dismissed with the submissions once Amazon has the feed, or None when backed out.

    Below the minimum size the dialog is hidden behind "Terminal too small" and the app
    drops every key (``size_gate``): nothing is confirmed that is not on screen.
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="cancel-back"),
        # a modal hides the app's bindings: the app's `e` (same id: one remap moves both)
        Binding("e", "app.show_cause", "Cause", show=False, id="error-details"),
        # not PgUp/PgDn: the reason list takes them (they move its cursor, which chooses)
        Binding("ctrl+u", "scroll_orders(-1)", "Order numbers up", show=False, id="orders-up"),
        Binding("ctrl+d", "scroll_orders(1)", "Order numbers down", show=False, id="orders-down"),
        # 1-9 and 0 choose the reasons in their order (they do not send: Confirm still does)
        *[
            Binding(key, f"choose({index})", "Choose reason", show=False, id=f"reason-{key}")
            for index, key in enumerate("1234567890")
        ],
    ]
    DEFAULT_CSS = """
    CancelModal.-too-small > #cancel-dialog { display: none; }
    CancelModal.-too-small > TooSmall { display: block; }
    """

    def __init__(self, order_ids: Sequence[str], *, buyer_reason: str | None = None) -> None:
        super().__init__()
        self.order_ids = list(order_ids)
        self.buyer_reason = buyer_reason
        self.reason: CancelReason | None = None
        self.submitting = False
        self.cause: Cause | None = None  # the whole cause of the failure shown (`e`)
        self._cursor_placed: int | None = None  # the highlight set at mount: it chooses nothing

    def compose(self) -> ComposeResult:
        self._set_size_classes(*self.app.size, update=False)
        with Vertical(id="cancel-dialog"):
            yield Static("Amazon Order Cancellation", id="cancel-title")
            with VerticalScroll(id="cancel-body", can_focus=False):
                bulk = len(self.order_ids) > 1
                if bulk:  # the numbers in a box of their own: the reasons stay in view
                    yield Static(self._orders_heading(), id="cancel-orders-heading")
                    with VerticalScroll(id="cancel-orders-box", can_focus=False):
                        yield Static(self._orders_text(), id="cancel-orders")
                else:
                    yield Static(Text("Amazon Order Number", style="bold"))
                    yield Static(self._orders_text(), id="cancel-orders")
                if self.buyer_reason is not None:
                    request = Text("The buyer asked to cancel: ", style="bold #c678dd")
                    request.append(
                        safe_text(self.buyer_reason) if self.buyer_reason else "no reason given",
                        style="" if self.buyer_reason else "dim italic",
                    )
                    yield Static(request, id="buyer-request")
                yield Static(Text.assemble(("Reason For Cancellation ", "bold"), ("*", "red")))
                yield OptionList(
                    *[Option(self._prompt(reason), id=reason.value) for reason in CancelReason], id="reasons"
                )
                yield Static(Text(HINT, style="dim"), id="cancel-hint")
            yield Static(id="cancel-status")
            with Horizontal(id="cancel-buttons"):
                yield Button("Back", id="cancel-back-button", compact=True)
                yield Button("Confirm", id="confirm", variant="error", disabled=True, compact=True)
        yield TooSmall()

    def _orders_heading(self) -> Text:
        text = Text(f"Amazon Order Numbers ({len(self.order_ids)})", style="bold")
        if len(self.order_ids) > ORDERS_SHOWN:
            text.append("  ctrl+d/ctrl+u scroll them", style="dim")
        return text

    def _by_store(self) -> dict[str, list[str]]:
        by_store: dict[str, list[str]] = {}
        for order_id in self.order_ids:
            summary = cast("TuiContext", self.app).service.order_summary(order_id)
            by_store.setdefault(summary.store if summary else "?", []).append(order_id)
        return by_store

    def _orders_text(self) -> Text:
        """The order numbers, whole, as many to a line as fit the dialog; grouped by store (one
        feed each) when they come from several."""
        by_store = self._by_store()
        if len(self.order_ids) == 1:
            return Text(safe_text(self.order_ids[0]))
        text = Text()
        if len(by_store) > 1:
            text.append(f"{len(by_store)} stores: one feed to Amazon for each.", style="dim")
        for store, order_ids in by_store.items():
            if len(by_store) > 1:
                text.append(f"\n{safe_text(store)} ({len(order_ids)}):", style="bold")
            names = [safe_text(order_id) for order_id in order_ids]
            width = max(len(name) for name in names) + 2
            per_line = max(1, DIALOG_TEXT_WIDTH // width)
            for start in range(0, len(names), per_line):
                if text:
                    text.append("\n")
                text.append("".join(name.ljust(width) for name in names[start : start + per_line]).rstrip())
        return text

    def action_scroll_orders(self, pages: int) -> None:
        boxes = self.query("#cancel-orders-box")
        if boxes:
            box = boxes.first(VerticalScroll)
            box.scroll_to(y=box.scroll_y + pages * max(1, box.size.height - 1), animate=False)

    def on_mount(self) -> None:
        reasons = self.query_one("#reasons", OptionList)
        reasons.focus()
        self.set_class(self.buyer_reason is not None, "-buyer")
        cursor = 0
        if self.buyer_reason is not None:
            self._choose(CancelReason.BUYER_CANCELED)
            cursor = list(CancelReason).index(CancelReason.BUYER_CANCELED)
        self._cursor_placed = cursor
        reasons.highlighted = cursor  # a visible cursor: Enter chooses this reason
        self._show_choice()

    def on_resize(self) -> None:  # Textual runs SizeGated.on_resize too (handlers are called along the MRO)
        self._fit_body()
        self.call_after_refresh(self._fit_body)  # again once the status line has its height

    def _fit_body(self) -> None:
        """Back and Confirm stay on screen: the order numbers and reasons scroll above them."""
        status = self.query_one("#cancel-status")
        fixed = (
            2 + 2 + 1 + status.outer_size.height + status.styles.margin.bottom
        )  # border, title, buttons, status
        self.query_one("#cancel-body").styles.max_height = max(3, self.size.height - fixed)

    def _status(self, text: Text) -> None:
        self.query_one("#cancel-status", Static).update(text)
        self.call_after_refresh(self._fit_body)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Keep the highlighted reason in view when the body scrolls."""
        body = self.query_one("#cancel-body", VerticalScroll)
        top = event.option_list.virtual_region.y + event.option_index
        body.scroll_to_region(Region(0, top, 1, 1), animate=False, immediate=True)
        if self._cursor_placed == event.option_index:  # the cursor placed at mount: no choice yet
            self._cursor_placed = None
            return
        self._cursor_placed = None
        if not self.submitting:  # the arrows choose
            self._choose(list(CancelReason)[event.option_index])

    def _show_choice(self) -> None:
        chosen = Text("Chosen reason: ", style="dim")
        chosen.append(
            self.reason.label if self.reason else "none", style="bold" if self.reason else "dim italic"
        )
        self._status(chosen)

    def _prompt(self, reason: CancelReason) -> Text:
        """ "● 4 Buyer Canceled": the chosen mark, the reason's key, its label."""
        key = "1234567890"[list(CancelReason).index(reason)]
        return Text.assemble("● " if reason is self.reason else "  ", (f"{key} ", "dim"), reason.label)

    def action_choose(self, index: int) -> None:
        """A reason's key: choose it and move to Confirm (Enter there sends)."""
        if self.submitting:
            return
        reasons = self.query_one("#reasons", OptionList)
        self._choose(list(CancelReason)[index])
        reasons.highlighted = index
        self.query_one("#confirm", Button).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.submitting:
            return
        self._choose(CancelReason(str(event.option.id)))
        self.query_one("#confirm", Button).focus()

    def _choose(self, chosen: CancelReason) -> None:
        """Mark the chosen reason and allow Confirm (focus is left where it is)."""
        self.reason = chosen
        reasons = self.query_one("#reasons", OptionList)
        for reason in CancelReason:
            reasons.replace_option_prompt(reason.value, self._prompt(reason))
        self._show_choice()
        self.query_one("#confirm", Button).disabled = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.confirm()
        else:
            self.action_back()

    def action_back(self) -> None:
        if not self.submitting:
            self.dismiss(None)

    def confirm(self) -> None:
        """Submit once: a second Enter while submitting does nothing."""
        if self.reason is None or self.submitting:
            return
        self.submitting = True
        self.cause = None
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#cancel-back-button", Button).disabled = True
        self.query_one("#reasons", OptionList).disabled = True
        self._status(Text("Submitting the cancellation to Amazon…", style="bold"))
        self.submit(self.reason)

    @work(exclusive=True, group="cancel-submit")
    async def submit(self, reason: CancelReason) -> None:
        try:
            submissions = await cast("TuiContext", self.app).service.cancel(self.order_ids, reason)
        except Exception as exc:  # noqa: BLE001 - shown in the modal; the operator may try again
            self.show_failure(exc)
            return
        failed = [failure for submission in submissions for failure in submission.failed]
        if failed and not any(submission.submitted or submission.refused for submission in submissions):
            self.show_failure(failed[0].cause)  # nothing sent: stay, Enter retries
            return
        self.dismiss(submissions)

    failure = ""  # the failure shown, as one line ("" when none)

    def show_failure(self, cause: object) -> None:
        """Unable to cancel: the one-line cause, and Enter (on Confirm) tries again."""
        self.submitting = False
        self.failure = f"{FAILURE_MESSAGE} {' '.join(safe_text(cause).split())} — press Enter to retry"
        context = cast("TuiContext", self.app)
        self.cause = cause_of("Cancel Order", cause, context.service.clock())
        status = Text(FAILURE_MESSAGE, style="bold red")
        status.append(f"\n{' '.join(safe_text(cause).split())}")
        status.append("\nPress Enter to retry, e for the whole cause, Escape to go back.", style="bold")
        self._status(status)
        self.query_one("#cancel-back-button", Button).disabled = False
        self.query_one("#reasons", OptionList).disabled = False
        confirm = self.query_one("#confirm", Button)
        confirm.disabled = False
        confirm.focus()
