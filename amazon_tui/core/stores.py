"""The stores as their cards show them: status, created, last sync, GMV, attention counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from amazon_tui.config.schema import Config, StoreConfig
from amazon_tui.domain.values import Marketplace, StoreStatus, format_timestamp
from amazon_tui.local.store_figures import AttentionCounts, StoreFigures, StoreStats
from amazon_tui.local.stores import StoreRecords

AUTH_FAILURE = "auth"  # the error kind of a sync refused for its credentials (AuthError)
SERVICE_FAILURE = "service"


class StoreCard(NamedTuple):
    """Everything a store card and the dashboard header show."""

    config: StoreConfig
    status: StoreStatus
    created: datetime | None
    last_sync: datetime | None
    stats: StoreStats
    attention: AttentionCounts
    error: str | None = None

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def marketplace(self) -> Marketplace:
        return self.config.market


class StoreBook:
    """The configured stores with what the local store knows of them."""

    def __init__(
        self, config: Config, records: StoreRecords, figures: StoreFigures, clock: Callable[[], datetime]
    ) -> None:
        self.config = config
        self.records = records
        self.figures = figures
        self.clock = clock

    @property
    def due_soon(self) -> timedelta:
        return timedelta(hours=self.config.ui.due_soon_hours)

    def register(self) -> None:
        """Record the configured stores (the first time a store is seen is its "Created")."""
        self.records.register(
            [(store.name, store.marketplace, store.seller_id) for store in self.config.stores],
            now=self.clock(),
        )

    def active(self) -> list[str]:
        return [store.name for store in self.config.stores if store.active]

    def card(self, name: str) -> StoreCard:
        store = self.config.store(name)
        now = self.clock()
        row = self.records.get(store.name)
        error = row.last_error if row else None
        if not store.active:
            status = StoreStatus.INACTIVE
        elif row is not None and row.error_kind == AUTH_FAILURE:
            status = StoreStatus.AUTH_PENDING
        elif row is None or row.last_sync is None:
            status = StoreStatus.INCOMPLETE
        else:
            status = StoreStatus.ACTIVE
        return StoreCard(
            config=store,
            status=status,
            created=row.created if row else None,
            last_sync=row.last_sync if row else None,
            stats=self.stats(store.name, now, 30),
            attention=self._attention_counts(store.name, now),
            error=error,
        )

    def cards(self) -> list[StoreCard]:
        return [self.card(store.name) for store in self.config.stores]

    def last_sync(self, name: str) -> datetime | None:
        """When the store last synced successfully."""
        row = self.records.get(self.config.store(name).name)
        return row.last_sync if row else None

    def revenue(self, name: str, days: int) -> StoreStats:
        return self.stats(self.config.store(name).name, self.clock(), days)

    def stats(self, store: str, now: datetime, days: int) -> StoreStats:
        """The card's and the chart's figures; asked for several times per screen, computed once
        per second of ``now`` (the queries' resolution) until the database changes."""
        currency = self.config.store(store).market.currency
        return self.figures.db.memo(
            ("stats", store, format_timestamp(now), days),
            lambda: self.figures.stats(store, currency=currency, now=now, days=days),
        )

    def attention_counts(self) -> dict[str, AttentionCounts]:
        """The three counts of every active store (cheap: the app compares them after each poll)."""
        now = self.clock()
        return {name: self._attention_counts(name, now) for name in self.active()}

    def _attention_counts(self, store: str, now: datetime) -> AttentionCounts:
        """Counted once per second of ``now`` until the database changes (cards, Attention)."""
        return self.figures.db.memo(
            ("attention", store, format_timestamp(now), self.due_soon),
            lambda: self.figures.attention_counts(store, now=now, due_soon=self.due_soon),
        )

    def failures(self) -> dict[str, str]:
        """The stores whose last sync failed (by this process or another), with the cause."""
        return self.records.failures()
