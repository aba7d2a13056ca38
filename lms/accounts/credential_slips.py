"""The CSV of credential slips: one row per new account, for Excel (UTF-8 with BOM,
every field quoted, formula injection neutralised as in TECH-NOTES). Needs no request."""
from __future__ import annotations

import csv
import io

from lms.i18n import localized_attr
from lms.spreadsheet_safety import neutralise

def slips_csv(accounts, *, headers: list[str], sign_in_url: str, locale: str) -> bytes:
    """``accounts``: :class:`lms.accounts.import_operations.NewAccount` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(headers)
    for account in accounts:
        unit = localized_attr(account, "unit_name", locale)
        writer.writerow([neutralise(str(value)) for value in (
            account.full_name, account.staff_code, unit, account.username, account.password,
            sign_in_url)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
