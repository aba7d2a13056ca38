"""One way to cut a list into pages: a count, then one page of rows in a stable order."""
from __future__ import annotations

from collections.abc import Sequence
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
