"""The b24-console command line."""

import sys


def main(argv: list[str] | None = None) -> int:
    from console.cli.app import run

    return run(sys.argv[1:] if argv is None else argv)
