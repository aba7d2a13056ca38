"""One small registry type for the extension points kept on the LMS state (export
formats, certificate placeholders, completion requirements, content-pack parts).

A registry belongs to one app (it lives on ``app.extensions["lms"]``), so two apps in
one process never share entries. Names are unique: registering a name twice is a
programming error (two features claiming the same format), refused at start-up rather
than one silently replacing the other.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class DuplicateEntry(ValueError):
    """A name is registered twice in the same registry."""


class Registry(Generic[T]):
    """Items by name, in registration order.

    :param kind: what the items are ("export format"), for error messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        """Add ``item`` under ``name``; returns the item. Refuses a name already taken."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"a {self.kind} needs a non-empty name")
        if name in self._items:
            raise DuplicateEntry(f"{self.kind} {name!r} is already registered")
        self._items[name] = item
        return item

    def get(self, name: str) -> T:
        """The item called ``name``; KeyError naming the known ones otherwise."""
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self._items) or "none"
            raise KeyError(f"unknown {self.kind} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def values(self) -> list[T]:
        return list(self._items.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry of {self.kind}: {', '.join(self._items) or 'empty'}>"
