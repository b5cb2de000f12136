"""How long ``b24-console --version`` takes as a process, beside the floors it sits on.

Run: ``uv run python -m tests.benchmarks.bench_version [RUNS]``. Prints the median and
p90 wall time of: a bare interpreter, ``--help``, ``--version``, and an interpreter that
only imports QtCore (what --version would add if it asked Qt for its version).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

CASES: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "b24-console --help": [sys.executable, "-m", "console", "--help"],
    "b24-console --version": [sys.executable, "-m", "console", "--version"],
    "python + import QtCore": [sys.executable, "-c", "import PySide6.QtCore"],
}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main(runs: int = 15) -> None:
    for command in CASES.values():
        timed(command)  # warm the page cache
    # Round-robin, so a neighbour's load on the shared machine hits every case alike.
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, command in CASES.items():
            times[name].append(timed(command))
    for name, measured in times.items():
        measured.sort()
        p90 = measured[min(len(measured) - 1, round(0.9 * (len(measured) - 1)))]
        median = statistics.median(measured) * 1000
        print(f"{name:26} median {median:6.0f} ms  p90 {p90 * 1000:6.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
