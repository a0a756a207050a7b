"""Versioned schema of the local database. Append migrations; never edit a shipped one."""

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE stores (
        name        TEXT PRIMARY KEY,
        marketplace TEXT NOT NULL,
        seller_id   TEXT NOT NULL,
        created     TEXT NOT NULL,
        last_sync   TEXT,
        last_error  TEXT
    );
    CREATE TABLE orders (
        order_id        TEXT PRIMARY KEY,
        store           TEXT NOT NULL,
        status          TEXT NOT NULL,
        fulfilled_by    TEXT,
        purchase_date   TEXT NOT NULL,
        last_updated    TEXT NOT NULL,
        ship_by         TEXT,
        buyer_name      TEXT,
        buyer_fold      TEXT,
        total_amount    TEXT,
        total_micros    INTEGER,
        currency        TEXT,
        notes           TEXT,
        buyer_cancel    INTEGER NOT NULL DEFAULT 0,
        unseen          INTEGER NOT NULL DEFAULT 0,
        detail_fetched  TEXT,
        doc             TEXT NOT NULL
    );
    CREATE INDEX orders_store_date   ON orders (store, purchase_date);
    CREATE INDEX orders_store_status ON orders (store, status, purchase_date);
    CREATE INDEX orders_store_buyer  ON orders (store, buyer_fold);
    CREATE INDEX orders_store_total  ON orders (store, total_micros);
    CREATE INDEX orders_status_ship  ON orders (status, ship_by);
    CREATE TABLE items (
        order_id        TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        order_item_id   TEXT NOT NULL,
        position        INTEGER NOT NULL,
        asin            TEXT,
        seller_sku      TEXT,
        title           TEXT,
        quantity        INTEGER NOT NULL,
        doc             TEXT NOT NULL,
        PRIMARY KEY (order_id, order_item_id)
    );
    CREATE TABLE packages (
        order_id        TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        reference_id    TEXT NOT NULL,
        carrier         TEXT,
        tracking_number TEXT,
        doc             TEXT NOT NULL,
        PRIMARY KEY (order_id, reference_id)
    );
    CREATE TABLE order_notes (
        id        INTEGER PRIMARY KEY,
        order_id  TEXT NOT NULL,
        time      TEXT NOT NULL,
        text      TEXT NOT NULL
    );
    CREATE INDEX order_notes_order ON order_notes (order_id, id);
    CREATE TABLE magento_links (
        order_id        TEXT PRIMARY KEY,
        entity_id       INTEGER NOT NULL,
        increment_id    TEXT NOT NULL,
        status          TEXT,
        store_id        INTEGER,
        updated_at      TEXT
    );
    CREATE TABLE sync_cursors (
        store   TEXT NOT NULL,
        source  TEXT NOT NULL,
        cursor  TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (store, source)
    );
    CREATE TABLE cancellations (
        id           INTEGER PRIMARY KEY,
        order_id     TEXT NOT NULL,
        store        TEXT NOT NULL,
        reason       TEXT NOT NULL,
        items        TEXT NOT NULL,
        operator     TEXT NOT NULL,
        state        TEXT NOT NULL,
        batch        TEXT,
        feed_id      TEXT,
        document_id  TEXT,
        message      TEXT,
        magento_done INTEGER NOT NULL DEFAULT 0,
        requested_at TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE UNIQUE INDEX cancellations_one_live ON cancellations (order_id) WHERE state != 'failed';
    CREATE INDEX cancellations_state ON cancellations (state);
    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        time      TEXT NOT NULL,
        operator  TEXT NOT NULL,
        action    TEXT NOT NULL,
        store     TEXT,
        order_id  TEXT,
        reason    TEXT,
        feed_id   TEXT,
        outcome   TEXT NOT NULL,
        message   TEXT
    );
    CREATE INDEX audit_order ON audit (order_id);
    """,
    # 2: big stores (100,000 orders). Rows carry a ~2 KB document, so a table scan is slow:
    # - the list sorts end with o.order_id, so each sort index does too: a page is then read
    #   in index order (LIMIT/OFFSET) instead of sorting every order of the store;
    # - the GMV figures and attention counts of the cards read covering indexes only.
    """
    DROP INDEX orders_store_date;
    DROP INDEX orders_store_buyer;
    DROP INDEX orders_store_total;
    CREATE INDEX orders_store_date ON orders (store, purchase_date, order_id, status, total_micros, currency);
    CREATE INDEX orders_store_buyer ON orders (store, buyer_fold, order_id);
    CREATE INDEX orders_store_total ON orders (store, total_micros, order_id);
    CREATE INDEX orders_store_attention
        ON orders (store, status, fulfilled_by, ship_by, buyer_cancel, order_id);
    """,
    # 3: faster upserts (a sync writes every order of every page):
    # - items and packages were written on every upsert and never read: the order's doc holds
    #   them, and an order is always read whole;
    # - one index per store and status serves the status sort and filter, the counts by status
    #   and the attention queue (it covers the attention counts): orders_store_status and
    #   orders_store_attention become one, orders_status_ship (no query filters on status
    #   without a store) goes.
    """
    DROP TABLE items;
    DROP TABLE packages;
    DROP INDEX orders_status_ship;
    DROP INDEX orders_store_status;
    DROP INDEX orders_store_attention;
    CREATE INDEX orders_store_status ON orders (store, status, order_id, fulfilled_by, ship_by, buyer_cancel);
    """,
    # 4: one truth across processes (DESIGN 5b). Every process on the data dir is a peer with a
    # heartbeat; one holds the leader lease (it syncs and drives cancellations); others ask it
    # to sync through sync_requests. A cancellation row names the peer that submits it, so the
    # leader resumes it only once that peer is gone. Times here are Unix seconds (wall clock).
    """
    CREATE TABLE peers (
        id        TEXT PRIMARY KEY,
        pid       INTEGER NOT NULL,
        host      TEXT NOT NULL,
        user      TEXT NOT NULL,
        kind      TEXT NOT NULL,
        started   REAL NOT NULL,
        heartbeat REAL NOT NULL
    );
    CREATE TABLE lease (
        name        TEXT PRIMARY KEY,
        holder      TEXT,
        since       REAL,
        expires     REAL NOT NULL DEFAULT 0,
        activity    TEXT,
        last_run    REAL,
        last_run_by TEXT
    );
    CREATE TABLE sync_requests (
        id           INTEGER PRIMARY KEY,
        stores       TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested    REAL NOT NULL,
        served_by    TEXT,
        finished     REAL,
        outcome      TEXT
    );
    CREATE INDEX sync_requests_open ON sync_requests (finished);
    ALTER TABLE cancellations ADD COLUMN owner TEXT;
    """,
    # 5: typed outcomes. A store's failure keeps its kind ("auth", "service"...) beside the text,
    # so the card's "Authentication pending" is not read out of a message; a cancellation whose
    # createFeed outcome is unknown is in a state of its own ("sending"), not a message prefix.
    """
    ALTER TABLE stores ADD COLUMN error_kind TEXT;
    UPDATE cancellations SET state = 'sending'
        WHERE state = 'verified' AND message LIKE 'createFeed outcome unknown:%';
    """,
    # 6: the money path never lies (issue 29). The lease's epoch grows with each holder, and
    # every journal transition is a compare-and-set on (row, state, holder, epoch): a process
    # that lost the lease, or was frozen and resumed, can neither move a row nor send for it.
    # A row keeps the MessageID it has in its feed (results are mapped by it), when its feed was
    # last attempted (an unknown outcome is resolved from the feeds created since then), how many
    # feeds were sent for it, what the processing report said of it (evidence; the order itself
    # decides), a failed row's kind and bare cause (typed, for the screens and the CLI), and why
    # its Magento step failed (visible until it succeeds).
    """
    ALTER TABLE lease ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cancellations ADD COLUMN failure TEXT;
    ALTER TABLE cancellations ADD COLUMN cause TEXT;
    ALTER TABLE cancellations ADD COLUMN message_id INTEGER;
    ALTER TABLE cancellations ADD COLUMN attempted_at TEXT;
    ALTER TABLE cancellations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cancellations ADD COLUMN report TEXT;
    ALTER TABLE cancellations ADD COLUMN magento_error TEXT;
    ALTER TABLE cancellations ADD COLUMN epoch INTEGER;
    """,
    # 7: shipments reach Amazon (DESIGN 5c). One row per package confirmed with confirmShipment
    # (a Magento shipment, or one confirmed by hand), written before the request and moved like a
    # cancellation: a fenced compare-and-set (requested -> sending -> confirming -> confirmed |
    # failed). (order_id, package_id) is unique: a package is confirmed once. A Magento link
    # remembers when its shipments were last read (shipments_read) and Magento's own updated_at
    # of the order (magento_updated); the link index clears shipments_read when Magento's
    # updated_at moves, so an order's shipments are read again only then, however late its link
    # was indexed.
    """
    CREATE TABLE shipments (
        id                  INTEGER PRIMARY KEY,
        order_id            TEXT NOT NULL,
        store               TEXT NOT NULL,
        package_id          TEXT NOT NULL,
        source              TEXT NOT NULL,
        magento_shipment_id INTEGER,
        carrier_code        TEXT,
        carrier_name        TEXT,
        tracking_number     TEXT,
        shipping_method     TEXT,
        ship_date           TEXT,
        items               TEXT NOT NULL,
        operator            TEXT NOT NULL,
        state               TEXT NOT NULL,
        attempts            INTEGER NOT NULL DEFAULT 0,
        attempted_at        TEXT,
        failure             TEXT,
        cause               TEXT,
        requested_at        TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        epoch               INTEGER
    );
    CREATE UNIQUE INDEX shipments_one_package ON shipments (order_id, package_id);
    CREATE INDEX shipments_state ON shipments (state);
    ALTER TABLE magento_links ADD COLUMN shipments_read TEXT;
    ALTER TABLE magento_links ADD COLUMN magento_updated TEXT;
    """,
    # 8: every sort and the go-to-order search read one page at
    # any size (issue 32). Sorting by order number or by ship-by sorted every order of the store
    # in a temporary B-tree (60 ms at 100,000 orders, 0.6 s at a million); the palette's
    # "go to order" scanned every order and link for a Magento number; the head of the
    # attention queue was sorted out of every order that needs attention (thousands in a big
    # store): the queue's orders, not yet shipped and merchant-fulfilled, are a partial index in
    # the queue's order. Each index is narrow: a sync's upsert rate drops by a few percent
    # (docs/decisions.md).
    """
    CREATE INDEX IF NOT EXISTS orders_store_number ON orders (store, order_id);
    CREATE INDEX IF NOT EXISTS orders_store_ship ON orders (store, ship_by, order_id);
    CREATE INDEX IF NOT EXISTS magento_links_increment ON magento_links (increment_id);
    CREATE INDEX IF NOT EXISTS orders_store_queue ON orders (store, buyer_cancel, ship_by, order_id, status)
        WHERE fulfilled_by = 'MERCHANT'
        AND status IN ('PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'PENDING_AVAILABILITY');
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
