"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary directory, on loopback.

initdb and postgres refuse to run as root, so as root the cluster belongs to ``nobody``
and its commands run through ``runuser``. The superuser authenticates with a password over
TCP (scram-sha-256), as a team database would, so the password paths are exercised too.
When PostgreSQL is not installed the tests that need it are skipped, except under CI=true,
where .ci/run installs it and a missing server is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SUPERUSER = "b24admin"
UNPRIVILEGED_OWNER = "nobody"


def find_pg_bindir() -> Path | None:
    """The newest installed server's bin directory (Debian: /usr/lib/postgresql/N/bin)."""
    override = os.environ.get("B24_PG_BINDIR")
    if override:
        return Path(override)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgCluster:
    bindir: Path
    root: Path
    port: int
    password: str
    host: str = "127.0.0.1"
    superuser: str = SUPERUSER
    # False (the tests): fsync=off, no full-page writes, as a scratch cluster may run.
    # True (a benchmark comparing with SQLite's normal durability): PostgreSQL's own
    # defaults, fsync and synchronous_commit on, so a commit waits for the WAL flush.
    durable: bool = False
    _databases: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def _run_as_owner(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", UNPRIVILEGED_OWNER, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(self.root, user=UNPRIVILEGED_OWNER)
            shutil.chown(pwfile, user=UNPRIVILEGED_OWNER)
        self._run_as_owner(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "--username",
            self.superuser,
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()

    def start(self) -> None:
        durability = (
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
            if self.durable
            else "-c fsync=off -c full_page_writes=off"
        )
        options = (
            f"-c listen_addresses={self.host} -c port={self.port} "
            f"-c unix_socket_directories={self.root} {durability} "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        self._run_as_owner(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run_as_owner(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-m",
            mode,
            "-w",
            "stop",
            check=False,
        )

    def restart(self, *, down_seconds: float = 0.0) -> None:
        self.stop()
        if down_seconds:
            time.sleep(down_seconds)
        self.start()

    def url(self, dbname: str, user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@{self.host}:{self.port}/{dbname}"

    def admin_params(self, dbname: str = "postgres") -> dict[str, str]:
        return {
            "host": self.host,
            "port": str(self.port),
            "user": self.superuser,
            "password": self.password,
            "dbname": dbname,
        }

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        env = dict(os.environ, PGPASSWORD=self.password)
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.superuser,
                "-d",
                dbname,
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-c",
                sql,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout

    def create_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        self.psql(f"CREATE DATABASE {name}")
        self._databases.append(name)
        return name

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[PgCluster]:
    """A fresh cluster, stopped and removed on leaving; ``durable``: see PgCluster."""
    bindir = find_pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        message = "PostgreSQL server binaries (initdb) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; .ci/run installs the Debian postgresql package")
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="b24-pg-"))
    os.chmod(root, 0o755)  # noqa: S103  the unprivileged owner must reach its data directory
    cluster = PgCluster(
        bindir=bindir,
        root=root / "cluster",
        port=free_port(),
        password=secrets.token_hex(12),
        durable=durable,
    )
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
