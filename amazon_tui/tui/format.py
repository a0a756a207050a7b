"""Turning domain values into Rich ``Text``: untrusted strings are inert (``domain.text.safe_text``)
and never parsed as markup."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text

from amazon_tui.domain.text import safe_text
from amazon_tui.domain.values import format_amount, format_money

if TYPE_CHECKING:
    from amazon_tui.domain.models import Money, OrderSummary
    from amazon_tui.local.store_figures import StoreStats

NOT_PROVIDED = "not provided by Amazon"
TONE_STYLES = {"primary": "#5fa8ff", "warning": "#e5c07b", "error": "#ff8c3a", "muted": "#8a8a8a"}


def literal(value: object | None, empty: str = "—") -> Text:
    """Untrusted text as a Text object: never interpreted as markup, made inert (``safe_text``)."""
    if value is None or value == "":
        return Text(empty, style="dim")
    return Text(safe_text(value))


def inert_lines(text: str) -> str:
    """Text of several lines (a notice built around untrusted values), each line made inert."""
    return "\n".join(safe_text(line) for line in text.split("\n"))


def markup_literal(value: object) -> str:
    """Untrusted text where Textual reads markup (the palette's help lines): inert, and every "["
    escaped, so that no tag is read ("Acme [US]" stays whole)."""
    return safe_text(value).replace("[", "\\[")


def provided(value: object | None) -> Text:
    """A value Amazon may withhold (AFN orders): say so instead of inventing one."""
    return literal(value, NOT_PROVIDED)


def code_label(value: str | None) -> Text:
    """An Amazon enum value as words ("LIKE_NEW" -> "Like New"); anything else literally."""
    if value and value.replace("_", "").isalnum() and value.isascii() and value.upper() == value:
        return Text(value.replace("_", " ").title())
    return literal(value)


def money(value: Money | None) -> Text:
    return Text(value.format()) if value is not None else Text("—", style="dim")


def amount(value: Decimal | None, currency: str | None) -> str:
    if value is None:
        return "—"
    return format_money(value, currency) if currency else format_amount(value, "")


def counted_apart(stats: StoreStats) -> str:
    """The period's orders left out of the store's sales: "+ JPY 5,000 (1 order) not in USD"."""
    parts = [
        f"{format_money(total.amount, total.currency)} ({total.orders} order{'s' * (total.orders != 1)})"
        for total in stats.elsewhere
    ]
    text = f"+ {', '.join(parts)} not in {stats.currency}" if parts else ""
    if stats.unsummed:
        many = stats.unsummed != 1
        text += f"{'; ' if text else ''}{stats.unsummed} order{'s' * many} too large to add up"
    return text


def date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def last_updated(value: datetime | None) -> str:
    """A store's "Last Updated" (its last successful sync), to the minute."""
    return date(value) if value is not None else "never"


def day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else "—"


def yes_no(flag: bool | None) -> str:
    return "—" if flag is None else ("Yes" if flag else "No")


def ago(then: datetime | None, now: datetime) -> str:
    """ "12 s ago", "3 min ago", "2 h ago", "4 d ago", or "never"."""
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def freshness(fetched: datetime | None, now: datetime) -> str:
    """ "updated 12 s ago" in the first minute, then the time: the text stops changing, so an
    idle screen writes nothing."""
    if fetched is None:
        return "not yet fetched from Amazon"
    if (now - fetched).total_seconds() < 60:
        return f"updated {ago(fetched, now)}"
    return f"updated {date(fetched)}"


def pack(parts: list[Text], width: int, gap: str = "  ") -> Text:
    """``parts`` in as few lines of ``width`` as fit, ``gap`` between them; a part is never split
    across lines, and one longer than a line ends with an ellipsis."""
    lines: list[Text] = []
    for part in parts:
        if lines and lines[-1].cell_len + len(gap) + part.cell_len <= width:
            lines[-1].append(gap)
            lines[-1].append_text(part)
        else:
            lines.append(part.copy())
    for line in lines:
        line.truncate(width, overflow="ellipsis")
    return Text("\n").join(lines)


def plural(count: int, noun: str) -> str:
    """ "1 item", "3 items"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def new_orders_message(store: str, count: int) -> str:
    """The notification of a sync that brought new orders: "3 new orders in Acme US"."""
    return f"{count} new order{'s' if count != 1 else ''} in {store}"


UNSEEN_MARK = Text("●", style="bold #5fa8ff")


def status_text(label: str, tone: str) -> Text:
    """ASC's coloured status dot followed by the label."""
    text = Text("● ", style=TONE_STYLES.get(tone, ""))
    text.append(label)
    return text


def summary_status(summary: OrderSummary) -> Text:
    tone = "warning" if summary.status_label == "Canceling…" else summary.status.tone
    return status_text(summary.status_label, tone)


def change(percent: float | None) -> Text:
    """The % change arrow of the GMV figure."""
    if percent is None:
        return Text("— no previous", style="dim")
    arrow, style = ("▲", "green") if percent >= 0 else ("▼", "red")
    return Text(f"{arrow} {abs(percent):.1f}%", style=style)


def seller_central_order_url(seller_central: str, order_id: str) -> str:
    return f"{seller_central}/orders-v3/order/{order_id}"
