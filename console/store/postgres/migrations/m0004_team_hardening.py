"""Migration 4: a team login may change only what is its own, and nothing may be forged.

Every shared row a hostile login could bend is now written only through SECURITY DEFINER
functions (owned by the database's owner, a fixed ``search_path``, EXECUTE for the team's
roles only, granted by ``console.store.postgres.roles``):

- presence: each login writes only its own rows (``session_user``), values are bounded
  by a CHECK, ``last_seen`` is always the server's ``now()``; stale and future rows are
  cleaned by every heartbeat;
- the REST bucket: parameters and levels are bounded (no NaN, no infinity, at most two
  full buckets of promised slots);
- event counts: kept by their trigger with the owner's rights, so the roles only read them;
- the change log records the login (``session_user``) beside the operator's display name,
  and every pin or unpin is logged with the login that made it (``pin_log``);
- the insert-order lock and the catch-up leases take keys derived from a random salt of
  this database that no team role can read (``store_secrets``).

The advisory lock namespaces must match :mod:`console.store.postgres.locks`.
"""

SQL = r"""
-- A random salt per database: lock keys derived from it cannot be guessed from outside.
CREATE TABLE store_secrets (
    name  text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO store_secrets (name, value) VALUES ('lock-salt', gen_random_uuid()::text);

CREATE FUNCTION b24_lock_key(p_lock text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT hashtext(value || ':' || p_lock) & 2147483647
    FROM store_secrets WHERE name = 'lock-salt'
$$;

CREATE FUNCTION b24_lock_namespace(p_lock text) RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN p_lock LIKE 'lease:%' THEN 1647460464 ELSE 1647460215 END
$$;

CREATE FUNCTION b24_take_insert_order_lock() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1647460215, b24_lock_key('insert-order'));
END
$$;

CREATE OR REPLACE FUNCTION events_take_insert_order_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM b24_take_insert_order_lock();
    RETURN NULL;
END
$$;

CREATE FUNCTION b24_try_lease(p_name text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT pg_try_advisory_lock(1647460464, b24_lock_key('lease:' || p_name))
$$;

CREATE FUNCTION b24_release_lease(p_name text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT pg_advisory_unlock(1647460464, b24_lock_key('lease:' || p_name))
$$;

-- Who holds one of the store's locks ('insert-order', or 'lease:NAME'): for the log and
-- /healthz when a wait for it ran out.
CREATE FUNCTION b24_lock_holders(p_lock text)
RETURNS TABLE (pid integer, login text, application text, since timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT l.pid, a.usename::text, a.application_name, coalesce(a.xact_start, a.backend_start)
    FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = b24_lock_namespace(p_lock)
      AND l.objid::bigint = b24_lock_key(p_lock)
    ORDER BY l.pid
$$;

-- Event counts: only their trigger writes them, with the owner's rights.
ALTER FUNCTION event_counts_apply() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- Presence: whose row it is; bounded values. Rows from before have no owner and are only
-- seconds of state: they go.
DELETE FROM presence;
ALTER TABLE presence ADD COLUMN login text NOT NULL DEFAULT session_user;
CREATE INDEX presence_login ON presence (login);
ALTER TABLE presence ADD CONSTRAINT presence_bounded CHECK (
    length(session_id) BETWEEN 1 AND 64
    AND length(operator) <= 128
    AND length(host) <= 255
    AND role IN ('console', 'listener')
    AND pid BETWEEN 0 AND 2147483647
    AND length(address) <= 255
    AND coalesce(cardinality(polling), 0) <= 32
    AND length(array_to_string(polling, ',')) <= 2048
    AND isfinite(started_at)
    AND isfinite(last_seen)
);

CREATE FUNCTION presence_beat(
    p_session_id text, p_operator text, p_host text, p_pid integer, p_role text,
    p_address text, p_polling text[]
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- Another login's session is left alone (the WHERE of the update).
    INSERT INTO presence AS p
        (session_id, operator, host, pid, role, address, polling, login, started_at, last_seen)
    VALUES (p_session_id, p_operator, p_host, p_pid, p_role, p_address,
            coalesce(p_polling, '{}'), session_user, now(), now())
    ON CONFLICT (session_id) DO UPDATE SET
        last_seen = now(),
        operator = excluded.operator,
        address = excluded.address,
        polling = excluded.polling
    WHERE p.login = session_user;
    -- A window that crashed never says goodbye; a row from the future is not believed.
    DELETE FROM presence
    WHERE last_seen < now() - interval '1 day' OR last_seen > now() + interval '5 minutes'
       OR started_at > last_seen;
    -- One login has a few windows and listeners at most: a flood of sessions keeps only
    -- its newest, so it cannot push everyone else out of the list the windows read.
    DELETE FROM presence
    WHERE login = session_user AND session_id NOT IN (
        SELECT session_id FROM presence WHERE login = session_user
        ORDER BY last_seen DESC, started_at DESC LIMIT 16
    );
END
$$;

CREATE FUNCTION presence_leave(p_session_id text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DELETE FROM presence WHERE session_id = p_session_id AND login = session_user
$$;

-- The REST bucket: absurd rows go, and cannot come back.
DELETE FROM rest_buckets
WHERE NOT (level < 1e6) OR NOT isfinite(updated_at) OR updated_at > now() + interval '5 minutes';
ALTER TABLE rest_buckets ADD CONSTRAINT rest_buckets_level_bounded
    CHECK (level >= 0 AND level < 1e6 AND isfinite(updated_at));

CREATE FUNCTION rest_bucket_check(p_portal text, p_cost float8, p_drain float8, p_capacity float8)
RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Comparisons with NaN are false here except NaN >= x: each bound is written so that
    -- NaN and the infinities fail it.
    IF NOT (length(p_portal) BETWEEN 1 AND 255
            AND p_capacity >= 1 AND p_capacity <= 10000
            AND p_cost >= 0 AND p_cost <= p_capacity
            AND p_drain > 0 AND p_drain <= 1000) THEN
        RAISE EXCEPTION 'REST bucket parameters out of range' USING ERRCODE = '22023';
    END IF;
END
$$;

-- Drain by the time since the last call, add the cost, and say how long the caller must
-- wait for its slot. Promised slots beyond the capacity are capped at one more full
-- bucket, so no caller is ever told to wait longer than a full bucket takes to drain.
CREATE FUNCTION rest_bucket_take(p_portal text, p_cost float8, p_drain float8, p_capacity float8)
RETURNS float8
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    wait float8;
BEGIN
    PERFORM rest_bucket_check(p_portal, p_cost, p_drain, p_capacity);
    INSERT INTO rest_buckets AS b (portal, level, updated_at)
    VALUES (p_portal, p_cost, clock_timestamp())
    ON CONFLICT (portal) DO UPDATE SET
        level = least(
            2 * p_capacity,
            greatest(
                0,
                b.level - p_drain
                    * greatest(0, extract(epoch FROM clock_timestamp() - b.updated_at)::float8)
            ) + p_cost
        ),
        updated_at = clock_timestamp()
    RETURNING greatest(0, (b.level - p_capacity) / p_drain) INTO wait;
    RETURN wait;
END
$$;

-- The portal answered 503: its bucket is full whatever ours says.
CREATE FUNCTION rest_bucket_refused(p_portal text, p_drain float8, p_capacity float8)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM rest_bucket_check(p_portal, 0, p_drain, p_capacity);
    INSERT INTO rest_buckets AS b (portal, level, updated_at)
    VALUES (p_portal, p_capacity, clock_timestamp())
    ON CONFLICT (portal) DO UPDATE SET
        level = least(
            2 * p_capacity,
            greatest(
                p_capacity,
                b.level - p_drain
                    * greatest(0, extract(epoch FROM clock_timestamp() - b.updated_at)::float8)
            )
        ),
        updated_at = clock_timestamp();
END
$$;

-- The change log names the database login that wrote each row, whatever the row says.
ALTER TABLE changes ADD COLUMN login text;
CREATE FUNCTION changes_stamp_login() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.login := session_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER changes_stamp_login BEFORE INSERT ON changes
    FOR EACH ROW EXECUTE FUNCTION changes_stamp_login();

-- Every pin and unpin, by whom: a pin is the one change a console makes to events.
CREATE TABLE pin_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    login text NOT NULL,
    event_id bigint NOT NULL,
    pinned boolean NOT NULL
);
CREATE INDEX pin_log_event ON pin_log (event_id, id);

CREATE FUNCTION events_log_pins() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO pin_log (login, event_id, pinned)
    SELECT session_user, n.id, n.pinned
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.pinned IS DISTINCT FROM o.pinned
    ORDER BY n.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_log_pins AFTER UPDATE ON events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION events_log_pins();

-- Nobody but the owner runs these unless roles.py grants it.
REVOKE ALL ON FUNCTION
    b24_lock_key(text), b24_lock_namespace(text), b24_take_insert_order_lock(),
    events_take_insert_order_lock(), b24_try_lease(text), b24_release_lease(text),
    b24_lock_holders(text), event_counts_apply(), presence_beat(text, text, text, integer, text,
    text, text[]), presence_leave(text), rest_bucket_check(text, float8, float8, float8),
    rest_bucket_take(text, float8, float8, float8), rest_bucket_refused(text, float8, float8),
    changes_stamp_login(), events_log_pins()
FROM PUBLIC;

-- The functions belong to the database's owner, whoever ran this migration (unless the
-- owner does not own the tables they write: then they stay with the tables' owner).
DO $$
DECLARE
    owner_name text;
    fn regprocedure;
BEGIN
    SELECT pg_get_userbyid(datdba) INTO owner_name
    FROM pg_database WHERE datname = current_database();
    IF pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = 'events'::regclass))
            <> owner_name THEN
        RETURN;
    END IF;
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proname IN ('b24_lock_key', 'b24_lock_namespace', 'b24_take_insert_order_lock',
                            'events_take_insert_order_lock', 'b24_try_lease', 'b24_release_lease',
                            'b24_lock_holders', 'event_counts_apply', 'presence_beat',
                            'presence_leave', 'rest_bucket_check', 'rest_bucket_take',
                            'rest_bucket_refused', 'changes_stamp_login', 'events_log_pins')
          AND pg_get_userbyid(p.proowner) <> owner_name
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, owner_name);
    END LOOP;
END
$$;
"""
