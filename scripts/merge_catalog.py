"""A git merge driver for the translation catalogs (.po and .pot).

Two branches that each add UI strings both touch the sorted catalogs, and git's line
merge turns that into conflicts inside neighbouring entries. A catalog is a set of
messages, so the merge is their union: every message of either side, with the
translation of the side that changed it (ours when both did). `make translations`
afterwards drops messages no longer in the code.

Enable it once per clone (the attribute is committed in .gitattributes):

    git config merge.catalog.driver "python3 scripts/merge_catalog.py %O %A %B"
"""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with open(path, "rb") as po_file:
        return read_po(po_file)


def merge(base_path: str, ours_path: str, theirs_path: str) -> None:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
            continue
        before = base.get(message.id, message.context)
        theirs_changed = before is None or before.string != message.string
        ours_unchanged = before is not None and before.string == mine.string
        if theirs_changed and (ours_unchanged or not _has_text(mine.string)):
            mine.string = message.string
            mine.flags = set(message.flags)
    with open(ours_path, "wb") as po_file:
        write_po(po_file, ours, width=76, sort_output=True)


def _has_text(string) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


if __name__ == "__main__":
    merge(*sys.argv[1:4])
