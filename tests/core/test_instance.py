"""The single-instance lock, held by one process and refused to a second one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from console.core.instance import AlreadyRunning, acquire_instance_lock, lock_path_for

REPO_ROOT = Path(__file__).resolve().parents[2]

# Takes the lock, says so, and holds it until stdin closes.
_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from console.core.instance import acquire_instance_lock
    lock = acquire_instance_lock(Path(sys.argv[1]))
    print("held", flush=True)
    sys.stdin.read()
    """
)


def _try_in_child(location: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from console.core.instance import AlreadyRunning, acquire_instance_lock
        try:
            lock = acquire_instance_lock(Path(sys.argv[1]))
        except AlreadyRunning as exc:
            print(f"refused {exc.pid}")
        else:
            print("acquired")
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(location)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_a_second_process_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "held"
        # The same store named by its file instead of its directory is the same lock.
        assert _try_in_child(tmp_path / "events.sqlite3").stdout.strip() == (
            f"refused {holder.pid}"
        )
        with pytest.raises(AlreadyRunning) as caught:
            acquire_instance_lock(tmp_path)
        assert caught.value.pid == holder.pid
        assert str(tmp_path) in str(caught.value)
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # The holder exited without releasing anything by hand: the kernel dropped its lock.
    assert _try_in_child(tmp_path).stdout.strip() == "acquired"


def test_release_lets_the_next_console_in(tmp_path: Path) -> None:
    store = tmp_path / "data" / "events.sqlite3"
    with acquire_instance_lock(store) as lock:
        assert lock.held and lock.path == lock_path_for(tmp_path / "data")
        assert _try_in_child(store).stdout.strip().startswith("refused")
    assert not lock.held
    assert _try_in_child(store).stdout.strip() == "acquired"
    again = acquire_instance_lock(store)
    again.release()
    again.release()  # twice is harmless


def test_other_stores_do_not_share_a_lock(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    with acquire_instance_lock(tmp_path / "a"):
        assert _try_in_child(tmp_path / "b").stdout.strip() == "acquired"
    assert lock_path_for(tmp_path / "b") == tmp_path / "b" / "events.sqlite3.lock"
