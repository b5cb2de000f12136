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
at most 2,046 bytes (longer words are cut), positions stop at 16,383 (a phrase deeper in
a huge payload then matches only by its words), 256 positions are kept per word, and a
vector is at most 1 MB (words beyond :data:`MAX_VECTOR_BYTES` are not indexed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A word, as FTS5's unicode61 sees one: letters and digits (``\w`` without ``_``).
_WORD = re.compile(r"[^\W_]+")
# PostgreSQL refuses a word of 2,047 bytes ("word is too long (2047 bytes, max 2046 bytes)").
MAX_LEXEME_BYTES = 2046
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# tsvector's own limit is 1 MB; stay below it with room for the positions' encoding.
MAX_VECTOR_BYTES = 900_000


# Letters unicode61 (remove_diacritics 2) folds to their base: Latin ones only, so
# Cyrillic й and ї stay as they are.
_FOLDED_RANGES = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _fold_char(char: str) -> str:
    if not _FOLDED_RANGES.match(char):
        return char
    base = unicodedata.normalize("NFD", char)
    return "".join(part for part in base if not unicodedata.combining(part)) or char


def fold(word: str) -> str:
    """One word as it is indexed: lower case, Latin diacritics removed."""
    lowered = word.lower()
    if _FOLDED_RANGES.search(lowered) is None:
        return lowered
    return "".join(_fold_char(char) for char in lowered)


def words(text: str) -> list[str]:
    """The indexed words of ``text``, in order."""
    # Lower-cased once for the whole text: a payload has hundreds of words.
    found = _WORD.findall(text.lower())
    if _FOLDED_RANGES.search(text.lower()) is not None:
        found = [fold(word) for word in found]
    for index, word in enumerate(found):
        if len(word) * 4 > MAX_LEXEME_BYTES:  # only then can it be too long in UTF-8
            encoded = word.encode("utf-8")
            if len(encoded) > MAX_LEXEME_BYTES:
                found[index] = encoded[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return found


def _escaped(word: str) -> str:
    # Words are letters and digits only; escaping still guards the syntax on principle.
    if "'" in word or "\\" in word:
        return word.replace("\\", "\\\\").replace("'", "''")
    return word


def _quoted(word: str) -> str:
    return "'" + _escaped(word) + "'"


def search_vector(*fields: str) -> str:
    """``fields`` as the input form of one ``tsvector`` (``'word':1,4 'other':2``).

    Each field's words follow the previous field's after one unused position, so a phrase
    never matches across two fields, as FTS5 never matches one across two columns.
    """
    positions: dict[str, list[int]] = {}
    position = 0
    for field in fields:
        found = words(field)
        if found and position:
            position += 1
        for word in found:
            position += 1
            # Positions stop at the limit: the words beyond are indexed at the last one.
            place = min(position, MAX_POSITION)
            places = positions.setdefault(word, [])
            if not places or places[-1] != place:
                places.append(place)
    if sum(map(len, fields)) * 4 + 16 * len(positions) > MAX_VECTOR_BYTES:
        positions = _within_limits(positions)
    return " ".join(
        f"'{_escaped(word)}':{','.join(map(str, places))}" for word, places in positions.items()
    )


def event_vector(
    payload: str | None, raw_body: bytes, summary: str | None, reason: str | None
) -> str:
    """An event's ``tsvector`` text: the same words the SQLite store's index holds.

    Its summary and refusal reason (what the feed shows) come first and the payload (or,
    when there is none, the raw body) after them: a payload too long for ``tsvector``'s
    positions or size can then only cost its own last words, never the summary's.
    """
    body = payload if payload is not None else bytes(raw_body).decode("utf-8", "replace")
    return search_vector(summary or "", reason or "", body)


def _within_limits(positions: dict[str, list[int]]) -> dict[str, list[int]]:
    """The first words that fit in a ``tsvector``, each with at most 256 positions."""
    kept: dict[str, list[int]] = {}
    size = 0
    for word, places in positions.items():
        size += len(word.encode("utf-8")) + 8 + 2 * min(len(places), MAX_POSITIONS_PER_LEXEME)
        if size > MAX_VECTOR_BYTES:
            break
        kept[word] = places[:MAX_POSITIONS_PER_LEXEME]
    return kept


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
