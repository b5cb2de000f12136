"""Migration 3: listeners in the presence table, with the address they listen on and the
portals they poll (the catch-up leases they hold), so a window can show them apart from
the operators' windows.
"""

SQL = """
ALTER TABLE presence
    ADD COLUMN address text NOT NULL DEFAULT '',
    ADD COLUMN polling text[] NOT NULL DEFAULT '{}';
"""
