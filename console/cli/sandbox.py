"""Placeholder until this command group is written."""

import argparse
from typing import Any


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    del subparsers
