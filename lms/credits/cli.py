"""``flask lms credits …``: the shipped defaults and the recompute."""

from __future__ import annotations

import click
from flask.cli import AppGroup

credits_cli = AppGroup("credits", help="Emulation credits: defaults, recompute.")


@credits_cli.command("seed-defaults")
@click.option(
    "--year", type=int, default=None, help="Year of the period to create (default: this year)."
)
def seed_defaults(year: int | None) -> None:
    """Add the shipped defaults (lms/credits/defaults.yaml): a period for the year, the
    six criteria, 1 credit per tiết, the target. Idempotent; defaults to review."""
    from lms.credits.defaults import seed_defaults as seed
    from lms.dates import today
    from lms.db import unit_of_work
    from lms.i18n import _

    with unit_of_work():
        created = seed(year or today().year)
    if not created:
        click.echo(_("The credit defaults are already there; nothing was created."))
    for line in created:
        click.echo(_("Created: %(what)s", what=line))


@credits_cli.command("recompute")
@click.option("--period", "code", required=True, help="Code of the emulation period, e.g. 2026.")
@click.option(
    "--apply",
    "apply_changes",
    is_flag=True,
    help="Write the corrections (reversing and new entries); without it, only show them.",
)
def recompute(code: str, apply_changes: bool) -> None:
    """Rebuild the expected ledger of a period from completions and rules and print every
    difference with the ledger; --apply corrects them."""
    from lms.credits import operations, queries
    from lms.credits import recompute as rebuild
    from lms.db import get_session, unit_of_work
    from lms.i18n import _

    period = queries.period_by_code(code)
    if period is None:
        raise click.ClickException(_("No emulation period has the code %(code)s.", code=code))
    if apply_changes and period.is_locked:
        with unit_of_work():  # the refusal is audited, nothing else is written
            error = operations.locked_refusal(period, completion_id=None, attempted="recompute")
        raise click.ClickException(str(error))
    if apply_changes:
        with unit_of_work():
            found = rebuild.apply(period)
    else:
        found = rebuild.differences(period)
        get_session().rollback()
    for item in found:
        click.echo(
            _(
                "completion %(completion)d (learner %(learner)d, %(course)s), rule %(rule)d: "
                "expected %(expected)s, ledger %(actual)s",
                completion=item.completion_id,
                learner=item.learner_id,
                course=item.course_code,
                rule=item.rule_id,
                expected=_value(item.expected),
                actual=_value(item.actual),
            )
        )
    if not found:
        click.echo(
            _("No difference: the ledger of %(code)s matches its completions and rules.", code=code)
        )
    elif apply_changes:
        click.echo(_("%(count)d corrections written.", count=len(found)))
    else:
        click.echo(
            _("%(count)d differences; run again with --apply to correct them.", count=len(found))
        )


def _value(value) -> str:
    return "—" if value is None else str(value)
