"""English is the source language of the UI strings: copy each msgid into the English
catalog's empty msgstr, so both catalogs are complete and an English wording can still
be changed in the catalog without touching the code. Run by `make translations`."""
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with CATALOG.open("rb") as po_file:
        catalog = read_po(po_file, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as po_file:
        write_po(po_file, catalog, width=76)


if __name__ == "__main__":
    main()
