"""The feed's query language: ``order:300 source:horoshop -state:rejected since:2h "a phrase"``.

:func:`parse_query` turns what the operator typed into an :class:`EventFilter` and never
raises: bad parts are reported as :class:`QueryProblem` spans (for the query bar to
underline) and left out of the filter. :func:`completions` offers keys and known values.

INTERFACE ONLY for now: the implementation arrives with the store work of issue 6.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.store.model import EventFilter


@dataclass(frozen=True)
class QueryProblem:
    """``text[start:end]`` is wrong; ``message`` says why and what would be right."""

    start: int
    end: int
    message: str


@dataclass(frozen=True)
class ParsedQuery:
    filter: EventFilter
    problems: list[QueryProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Completion:
    """Replace ``text[start:end]`` with ``replacement``; ``label`` is what the list shows."""

    start: int
    end: int
    replacement: str
    label: str


def parse_query(text: str) -> ParsedQuery:
    """The filter for ``text``; never raises."""
    words = text.strip()
    return ParsedQuery(EventFilter(text=words or None))


def completions(
    text: str, cursor: int, *, profiles: list[str] | None = None, events: list[str] | None = None
) -> list[Completion]:
    """Keys and known values that fit the word under ``cursor``."""
    del text, cursor, profiles, events
    return []
