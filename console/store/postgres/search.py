"""Full-text search on PostgreSQL that finds what the SQLite store's FTS5 index finds.

The SQLite store indexes payloads with FTS5's ``unicode61`` tokenizer: a word is a run of
letters and digits, everything else separates words, case is folded and Latin diacritics
are dropped. So ``olena@example.com`` is the words ``olena example com``, ``+38 (012)
421-42-14`` is ``38 012 421 42 14``, the SKU ``AB-12/x`` is ``ab 12 x``, and a search for
``421-42-14`` is the phrase ``421 42 14*``. PostgreSQL's own parsers would keep e-mail
addresses, signed numbers and hyphenated words as single tokens instead, and then the
same searches would find different events. So both the ``tsvector`` and the
``tsquery`` are built here, from one tokenizer, and PostgreSQL only stores, indexes (GIN)
and matches them: the two stores answer the same searches with the same events.

Limits of ``tsvector`` that FTS5 does not have, and what is done about them: a lexeme is
at most 2,047 bytes (longer words are cut), positions stop at 16,383 (a phrase deeper in
a huge payload then matches only by its words), 256 positions are kept per word, and a
vector is at most 1 MB (words beyond :data:`MAX_VECTOR_BYTES` are not indexed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A word, as FTS5's unicode61 sees one: letters and digits (``\w`` without ``_``).
_WORD = re.compile(r"[^\W_]+")
MAX_LEXEME_BYTES = 2047
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# tsvector's own limit is 1 MB; stay below it with room for the positions' encoding.
MAX_VECTOR_BYTES = 900_000


def _fold_char(char: str) -> str:
    # unicode61 (remove_diacritics 2) folds Latin letters only; Cyrillic й and ї stay.
    if char.isascii() or not ("\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff"):
        return char
    base = unicodedata.normalize("NFD", char)
    return "".join(part for part in base if not unicodedata.combining(part)) or char


def fold(word: str) -> str:
    """One word as it is indexed: lower case, Latin diacritics removed."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    return "".join(_fold_char(char) for char in lowered)


def words(text: str) -> list[str]:
    """The indexed words of ``text``, in order."""
    found = []
    for match in _WORD.finditer(text):
        word = fold(match.group())
        encoded = word.encode("utf-8", "replace")
        if len(encoded) > MAX_LEXEME_BYTES:
            word = encoded[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
        found.append(word)
    return found


def _quoted(word: str) -> str:
    # Words are letters and digits only; quoting still guards the syntax on principle.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def search_vector(text: str) -> str:
    """``text`` as the input form of a ``tsvector`` (``'word':1,4 'other':2``)."""
    positions: dict[str, list[int]] = {}
    size = 0
    for position, word in enumerate(words(text), start=1):
        kept = positions.get(word)
        if kept is None:
            size += len(word.encode("utf-8")) + 8
            if size > MAX_VECTOR_BYTES:
                break
            positions[word] = [min(position, MAX_POSITION)]
        elif len(kept) < MAX_POSITIONS_PER_LEXEME:
            kept.append(min(position, MAX_POSITION))
    return " ".join(
        _quoted(word) + ":" + ",".join(map(str, sorted(set(places))))
        for word, places in positions.items()
    )


def _clean(text: str) -> str:
    # Lone surrogates (undecodable bytes on a command line) cannot be sent as UTF-8.
    return text.encode("utf-8", "replace").decode("utf-8")


def search_query(text: str, phrases: Iterable[str] = ()) -> str | None:
    """What the operator typed as the input form of a ``tsquery``; None without words.

    As in the SQLite store: every whitespace-separated term is a phrase of its words whose
    last word is a prefix (``ONSALE`` finds ``ONSALEORDERSAVED``, ``421-42-14`` finds the
    phone), every one of ``phrases`` must appear as those words in a row exactly, and all
    of them are ANDed. Operators typed by the operator are plain text, never syntax.
    """
    parts: list[str] = []
    for term in _clean(text).split():
        found = words(term)
        if found:
            *head, last = found
            parts.append(" <-> ".join([*map(_quoted, head), _quoted(last) + ":*"]))
    for phrase in phrases:
        found = words(_clean(phrase))
        if found:
            parts.append(" <-> ".join(map(_quoted, found)))
    if not parts:
        return None
    return " & ".join(f"({part})" for part in parts)
