"""A team database as ``store init`` leaves it, with the logins an attack needs.

``console``: a login in ``<db>_console`` (the hostile operator's window); ``operator``:
another login in ``<db>_console`` (an honest colleague); ``listener``: a login in
``<db>_listener``; ``outsider``: a login of the same cluster in neither role. Each
has a password of its own (they are test logins: created by the superuser in psql).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg

from console.store.location import StoreLocation, parse_store_url
from console.store.postgres.roles import Role, apply_grants, group_role_name
from console.store.postgres.schema import migrate
from tests.support.postgres import PgCluster

Conn = psycopg.Connection[tuple[object, ...]]


@dataclass
class TeamDatabase:
    cluster: PgCluster
    dbname: str
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def owner(self) -> StoreLocation:
        return parse_store_url(self.cluster.url(self.dbname))

    def login(self, who: str) -> str:
        return f"{self.dbname}_{who}_login"

    def location(self, who: str) -> StoreLocation:
        return self.owner.with_user(self.login(who))

    def params(self, who: str) -> dict[str, str]:
        return self.location(who).conninfo_params(self.passwords[who])

    def connect(self, who: str) -> Conn:
        return psycopg.connect(autocommit=True, **self.params(who))

    def owner_connect(self) -> Conn:
        return psycopg.connect(autocommit=True, **self.cluster.admin_params(self.dbname))


def init_store(cluster: PgCluster, dbname: str) -> None:
    """What ``store init`` does to the database: the schema and the roles' grants."""
    with psycopg.connect(autocommit=True, **cluster.admin_params(dbname)) as conn:
        migrate(conn)
        apply_grants(conn, dbname, create_roles=True)


@contextlib.contextmanager
def team_database(cluster: PgCluster) -> Iterator[TeamDatabase]:
    dbname = cluster.create_database()
    team = TeamDatabase(cluster, dbname)
    try:
        init_store(cluster, dbname)
        groups = {
            "console": group_role_name(dbname, Role.CONSOLE),
            "operator": group_role_name(dbname, Role.CONSOLE),
            "listener": group_role_name(dbname, Role.LISTENER),
            "outsider": None,
        }
        for who, group in groups.items():
            password = secrets.token_hex(12)
            team.passwords[who] = password
            statement = f"CREATE ROLE {team.login(who)} LOGIN PASSWORD '{password}'"
            if group is not None:
                statement += f"; GRANT {group} TO {team.login(who)}"
            cluster.psql(statement)
        yield team
    finally:
        cluster.drop_database(dbname)
        names = [team.login(who) for who in ("console", "operator", "listener", "outsider")]
        names += [group_role_name(dbname, role) for role in Role]
        cluster.psql("; ".join(f"DROP ROLE IF EXISTS {name}" for name in names))
