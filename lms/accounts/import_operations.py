"""Applying a validated learner import: all rows, or none.

Rows are matched to learners by staff code. A row whose values equal the stored ones
changes nothing, so importing the same file twice writes nothing the second time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa

from lms.accounts import operations
from lms.accounts.import_file import read_table
from lms.accounts.import_validation import RowError, ValidatedImport, validate_table
from lms.accounts.models import Learner, MembershipSource, OrgUnit, User
from lms.audit.operations import record_event
from lms.db import get_session
from lms.i18n import _

_COMPARED_FIELDS = ("full_name", "birth_date", "gender", "category", "position", "hired_on", "email")


class NewAccount(NamedTuple):
    """A created account as its slip shows it (the unit as named on the import day)."""

    staff_code: str
    username: str
    password: str
    full_name: str = ""
    unit_name_vi: str = ""
    unit_name_en: str = ""


@dataclass
class ImportOutcome:
    validated: ValidatedImport
    applied: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Accounts created, with their temporary passwords: shown once.
    new_accounts: list[NewAccount] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return self.validated.errors

    @property
    def skipped(self) -> int:
        return len(self.validated.invalid_row_numbers) if self.applied else 0


def import_learners(filename: str, data: bytes, *, actor: Learner | None,
                    import_valid_rows_only: bool, max_rows: int) -> ImportOutcome:
    """Read, validate and (if allowed) apply. Raises ImportFileError for unreadable files."""
    session = get_session()
    table = read_table(filename, data, max_rows)
    # A closed unit takes no new members: its code reads as unknown in the file.
    units = {unit.code: unit for unit in session.scalars(
        sa.select(OrgUnit).where(OrgUnit.closed_on.is_(None)))}
    validated = validate_table(table, set(units), dt.date.today())
    _check_usernames(validated)
    outcome = ImportOutcome(validated)
    has_file_errors = any(error.row == 1 for error in validated.errors)
    if has_file_errors or (validated.errors and not import_valid_rows_only) or not validated.rows:
        return outcome
    for _number, values in validated.rows:
        _apply_row(values, units, outcome, actor)
    outcome.applied = True
    record_event("admin.learners_imported", actor=actor, object_type="file", object_id=filename[:80],
                 details={"created": outcome.created, "updated": outcome.updated,
                          "unchanged": outcome.unchanged, "skipped": outcome.skipped,
                          "accounts_created": len(outcome.new_accounts)})
    return outcome


def _check_usernames(validated: ValidatedImport) -> None:
    """A username in the file must be free or already belong to that same staff code."""
    wanted = {values["username"]: (number, values["staff_code"])
              for number, values in validated.rows if values.get("username")}
    if not wanted:
        return
    owners = dict(get_session().execute(
        sa.select(User.username, Learner.staff_code).join(Learner, Learner.user_id == User.id)
        .where(User.username.in_(wanted))).all())
    bad_rows = set()
    for username, (number, staff_code) in wanted.items():
        owner = owners.get(username)
        if owner is not None and owner != staff_code:
            validated.errors.append(RowError(number, "Tên đăng nhập", _(
                "The username %(username)s already belongs to another person.", username=username)))
            bad_rows.add(number)
    validated.rows = [(n, v) for n, v in validated.rows if n not in bad_rows]


def _apply_row(values: dict, units: dict[str, OrgUnit], outcome: ImportOutcome,
               actor: Learner | None) -> None:
    session = get_session()
    fields = {name: values[name] for name in _COMPARED_FIELDS if name in values}
    fields["org_unit"] = units[values["org_unit_code"]]
    learner = session.scalar(sa.select(Learner).where(Learner.staff_code == values["staff_code"]))
    if learner is None:
        learner = operations.create_learner(staff_code=values["staff_code"], actor=actor,
                                            unit_source=MembershipSource.IMPORT, **fields)
        outcome.created += 1
    elif any(getattr(learner, name) != value for name, value in fields.items()):
        operations.apply_profile(learner, fields, actor=actor, unit_source=MembershipSource.IMPORT)
        outcome.updated += 1
    else:
        outcome.unchanged += 1
    username = values.get("username")
    if username and learner.user is None:
        password = operations.new_temporary_password(learner, username)
        operations.create_account(learner, username, password, must_change_password=True)
        unit = fields["org_unit"]
        outcome.new_accounts.append(NewAccount(learner.staff_code, username, password,
                                               learner.full_name, unit.name_vi, unit.name_en))
    session.flush()
