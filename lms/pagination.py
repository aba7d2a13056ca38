"""Cutting a list into pages: by page number (a count, then one page at an offset) for
short lists, by keyset (a cursor, no count) for lists that grow with the province; and a
short-lived cache for the counts those lists still show."""
from __future__ import annotations

import base64
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from lms.db import get_session


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, its number (from 1), the list's length, the size."""

    items: Sequence[Any]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages the list has (an empty list has one, empty, page)."""
        return max((self.total + self.size - 1) // self.size, 1)


def paginate(query: sa.Select, number: int, size: int, *, order_by: Sequence,
             options: Sequence = (), rows: bool = False) -> Page:
    """Page ``number`` of ``query``. ``order_by`` must end with a unique column so no row
    is on two pages; ``options`` (eager loads) apply to the page only; ``rows`` returns
    result rows instead of the first entity."""
    session = get_session()
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page_query = query.options(*options).order_by(*order_by).limit(size).offset((number - 1) * size)
    result = session.execute(page_query)
    return Page(items=result.all() if rows else result.scalars().all(), number=number,
                total=total, size=size)


# --- keyset pages: a cursor instead of an offset ----------------------------------------
#
# An OFFSET page makes the database walk and throw away every row before it, and the
# "N pages" needs a count of everything: both grow with the list. A keyset page starts
# at the row after the cursor (the sort key of the last row shown), so with an index in
# that order it reads one page of rows wherever it is and whatever the list's length, and
# rows inserted meanwhile neither push a row onto the next page twice nor hide one.

#: Longest cursor accepted: three keys of at most 200 characters, JSON and base64 (a
#: longer one is not ours).
MAX_CURSOR_LENGTH = 2000


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset list: its items, and the cursors of the next and previous
    pages (None: there is none). ``first`` is True on the list's first page."""

    items: Sequence[Any]
    after: str | None
    before: str | None
    first: bool


def encode_cursor(key: Sequence[Any]) -> str:
    """An opaque, URL-safe cursor of a sort key (text and integers)."""
    data = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(text: str | None, types: Sequence[type]) -> tuple | None:
    """The sort key of a cursor, or None for anything that is not one of ours (a
    hand-edited, cut or hostile value starts the list from the top, like a bad page
    number)."""
    if not text or len(text) > MAX_CURSOR_LENGTH:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(key, list) or len(key) != len(types):
        return None
    for value, kind in zip(key, types):
        # bool is an int to Python, not to a key; ids must fit the column (lms_id's range).
        if type(value) is not kind or (kind is int and not 0 < value < 2**31) or (
                kind is str and ("\x00" in value or len(value) > 400)):
            return None
    return tuple(key)


def keyset_page(query: sa.Select, size: int, *, order_by: Sequence[sa.ColumnElement],
                key_of: Callable[[Any], Sequence[Any]], after: tuple | None = None,
                before: tuple | None = None, options: Sequence = (), rows: bool = False) -> KeysetPage:
    """The page of ``query`` after the key ``after`` (or the one before ``before``; the
    first page when neither). ``order_by`` are plain ascending columns ending with a
    unique one, ideally an index in that order; ``key_of(item)`` gives an item's values
    of those columns. One statement: it fetches one row more than the page to know
    whether another page follows."""
    columns = sa.tuple_(*order_by)

    def fetch(where, order):
        selected = query.where(where) if where is not None else query
        result = get_session().execute(selected.options(*options).order_by(*order).limit(size + 1))
        found = list(result.all() if rows else result.scalars().all())
        return found[:size], len(found) > size

    if before is not None and after is None:
        items, more = fetch(columns < sa.tuple_(*before), [column.desc() for column in order_by])
        if more:
            items.reverse()
            return KeysetPage(items, after=encode_cursor(key_of(items[-1])),
                              before=encode_cursor(key_of(items[0])), first=False)
        after = None  # back at the top: show the first page whole
    items, more = fetch(columns > sa.tuple_(*after) if after is not None else None, order_by)
    first = after is None
    return KeysetPage(items, after=encode_cursor(key_of(items[-1])) if more else None,
                      before=None if first or not items else encode_cursor(key_of(items[0])),
                      first=first)


class CountCache:
    """Counts kept for a few seconds, per app and process: a list that shows its total or
    its counts per unit computes them once for every viewer asking the same question
    rather than once per page. The caller's key names the question (scope, filters, day)
    and a cheap watermark of the data (e.g. the highest ids), so a new row is counted at
    once; what the watermark does not see (an edit, a deletion) shows within ``seconds``.
    Bounded: the oldest of ``size`` questions goes first."""

    def __init__(self, size: int = 256):
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()  # gthread workers share one process

    def get(self, key: Hashable, seconds: float, compute: Callable[[], Any]) -> tuple[Any, float]:
        """(value, time it was computed: ``time.time()``)."""
        now = time.time()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < seconds:
                self._entries.move_to_end(key)
                return found[1], found[0]
        value = compute()  # outside the lock: two threads may both count, neither waits
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value, now


def count_cache() -> CountCache:
    """This app's :class:`CountCache`."""
    from flask import current_app

    return current_app.extensions.setdefault("lms_count_cache", CountCache())
