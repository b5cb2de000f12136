"""Events, their counts, full-text search, cursors and the change log.

The advisory lock keys must match :mod:`console.store.postgres.locks`.
"""

from __future__ import annotations

SQL = """
CREATE TABLE events (
    -- From events_id_seq, taken under the insert-order lock (see the trigger below), so
    -- ids are never reused after a purge and commit in the order they were given out.
    id bigserial PRIMARY KEY,
    -- Microseconds since the Unix epoch, UTC, as in the SQLite store.
    received_us bigint NOT NULL,
    source text NOT NULL,
    event text NOT NULL,
    profile text,
    entity_id text,
    order_id text,
    portal_domain text,
    member_id text,
    handler_id text,
    ts text,
    verification text NOT NULL,
    verification_reason text,
    remote_addr text,
    method text NOT NULL,
    path text NOT NULL,
    content_type text,
    -- JSON text, kept as received: exports stay faithful (jsonb would reorder keys).
    headers text NOT NULL,
    raw_body bytea NOT NULL,
    payload text,
    summary text,
    dedup_key text,
    duplicate_of bigint,
    pinned boolean NOT NULL DEFAULT false,
    -- The payload's words (console.store.postgres.search builds it).
    search tsvector NOT NULL
);

-- Deduplication is this constraint: at most one original per delivery, whichever
-- listener stores it. Duplicates point at the original and are not constrained.
CREATE UNIQUE INDEX events_dedup_original ON events (dedup_key)
    WHERE dedup_key IS NOT NULL AND duplicate_of IS NULL;

CREATE INDEX events_received ON events (received_us);
CREATE INDEX events_event ON events (event, id);
CREATE INDEX events_entity ON events (entity_id, id) WHERE entity_id IS NOT NULL;
CREATE INDEX events_order ON events (order_id, id) WHERE order_id IS NOT NULL;
CREATE INDEX events_profile ON events (profile, id) WHERE profile IS NOT NULL;
CREATE INDEX events_pinned ON events (id) WHERE pinned;
CREATE INDEX events_verification ON events (verification, id);
CREATE INDEX events_source ON events (source, id);
CREATE INDEX events_search ON events USING gin (search);

-- Every insert into events takes one transaction-scoped lock first, so transactions that
-- insert events run one after the other: ids are handed out in commit order, and a
-- reader that has seen id N has seen every id below N. Subscribers and the feed's live
-- top read "id > last seen" and rely on it.
CREATE FUNCTION events_take_insert_order_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1647460215, 1);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_insert_order BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_take_insert_order_lock();

-- Wakes the subscribers of every console and listener: the payload is the newest id of
-- the statement; they read the rows themselves (NOTIFY is delivered at commit).
CREATE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    newest bigint;
BEGIN
    SELECT max(id) INTO newest FROM new_rows;
    IF newest IS NOT NULL THEN
        PERFORM pg_notify('b24_events', newest::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- How many events there are per combination of the feed's coarse dimensions, kept exact
-- in the transaction that changes the events: the sidebar's counts sum a few hundred rows
-- instead of counting a million events. A profile-less event counts under profile ''
-- with no_profile: key columns cannot be NULL, or they would never conflict.
CREATE TABLE event_counts (
    source text NOT NULL,
    event text NOT NULL,
    verification text NOT NULL,
    profile text NOT NULL,
    no_profile boolean NOT NULL,
    duplicate boolean NOT NULL,
    pinned boolean NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (source, event, verification, profile, no_profile, duplicate, pinned)
);

-- One statement per changed statement of events, not one per row; the keys are touched in
-- one order (ORDER BY) so two transactions never wait for each other's count rows in a
-- cycle.
CREATE FUNCTION event_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO event_counts AS c
            (source, event, verification, profile, no_profile, duplicate, pinned, n)
        SELECT source, event, verification, coalesce(profile, ''), profile IS NULL,
               duplicate_of IS NOT NULL, pinned, count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT (source, event, verification, profile, no_profile, duplicate, pinned)
        DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO event_counts AS c
            (source, event, verification, profile, no_profile, duplicate, pinned, n)
        SELECT source, event, verification, coalesce(profile, ''), profile IS NULL,
               duplicate_of IS NOT NULL, pinned, -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT (source, event, verification, profile, no_profile, duplicate, pinned)
        DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO event_counts AS c
            (source, event, verification, profile, no_profile, duplicate, pinned, n)
        SELECT source, event, verification, profile, no_profile, duplicate, pinned, sum(delta)
        FROM (
            SELECT source, event, verification, coalesce(profile, '') AS profile,
                   profile IS NULL AS no_profile, duplicate_of IS NOT NULL AS duplicate,
                   pinned, 1 AS delta
            FROM new_rows
            UNION ALL
            SELECT source, event, verification, coalesce(profile, ''), profile IS NULL,
                   duplicate_of IS NOT NULL, pinned, -1
            FROM old_rows
        ) AS changed
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING sum(delta) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT (source, event, verification, profile, no_profile, duplicate, pinned)
        DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER event_counts_insert AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_counts_apply();
CREATE TRIGGER event_counts_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_counts_apply();
CREATE TRIGGER event_counts_update AFTER UPDATE ON events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_counts_apply();

-- Small named values that must survive restarts, e.g. the catch-up poller's position.
CREATE TABLE cursors (
    name text PRIMARY KEY,
    value text NOT NULL
);

-- The change log: what an operator changed on a portal, beside the events so an order's
-- timeline shows the whole team's changes.
CREATE TABLE changes (
    id bigserial PRIMARY KEY,
    at_us bigint NOT NULL,
    operator text NOT NULL,
    profile text NOT NULL,
    kind text NOT NULL,
    action text NOT NULL,
    order_id text,
    entity_id text,
    before text,
    after text,
    outcome text NOT NULL,
    summary text NOT NULL DEFAULT ''
);
CREATE INDEX changes_order ON changes (order_id, id) WHERE order_id IS NOT NULL;
CREATE INDEX changes_profile ON changes (profile, id);
"""
