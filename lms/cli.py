"""Every LMS command lives under ``flask lms …``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

#: The core's commands. Each app gets its own ``lms`` group holding these plus the
#: commands of its features (:func:`add_command`), so two apps never share commands.
lms_cli = AppGroup("lms", help="Digital-skills LMS: database, accounts, content.")
db_cli = AppGroup("db", help="Database schema (Alembic migrations owned by the LMS).")
lms_cli.add_command(db_cli)


def init_app(app: Flask) -> AppGroup:
    """This app's ``flask lms`` group: the core's commands; features add theirs."""
    group = AppGroup(lms_cli.name, help=lms_cli.help)
    for command in lms_cli.commands.values():
        group.add_command(command)
    app.cli.add_command(group)
    return group


def add_command(state, command: click.Command) -> None:
    """Add a feature's plain click ``command`` to this app's ``flask lms`` group, run
    inside the app context (as ``AppGroup.command`` would). The wrapped command is a
    copy: the same feature command serves several apps without being wrapped twice."""
    import copy

    wrapped = copy.copy(command)
    wrapped.callback = with_appcontext(command.callback)
    state.cli.add_command(wrapped)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or upgrade the LMS tables to REVISION (default: the newest)."""
    from lms.migrations_runner import upgrade

    upgrade(revision)
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration by comparing the models with the (upgraded) database."""
    from lms.migrations_runner import autogenerate_revision

    path = autogenerate_revision(message)
    click.echo(f"Written {path}: read it, then `flask lms db upgrade`.")


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    from lms.migrations_runner import current_revision

    click.echo(current_revision() or "(empty database)")


@lms_cli.command("create-admin")
@click.argument("username")
@click.option("--full-name", default=None, help="Name shown in the LMS (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(username: str, full_name: str | None, password_stdin: bool) -> None:
    """Create an administrator account USERNAME (prompts for the password)."""
    from lms.accounts import setup
    from lms.db import unit_of_work

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            setup.create_admin(username, password, full_name=full_name)
    except setup.SetupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Administrator {username} created.")


@lms_cli.command("import-users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--only-valid", is_flag=True, help="Import the valid rows even if others have errors.")
def import_users(file: Path, only_valid: bool) -> None:
    """Import learners from a CSV (UTF-8) or XLSX FILE; nothing is written if a row is invalid."""
    from flask import current_app

    from lms.accounts.import_file import ImportFileError
    from lms.accounts.operations import AccountError
    from lms.accounts.import_operations import import_learners
    from lms.db import unit_of_work
    from lms.i18n import _

    with unit_of_work():  # a refused file raises below: nothing of it is kept
        try:
            outcome = import_learners(file.name, file.read_bytes(), actor=None,
                                      import_valid_rows_only=only_valid,
                                      max_rows=current_app.config["LMS_IMPORT_MAX_ROWS"])
        except (ImportFileError, AccountError) as error:
            raise click.ClickException(str(error)) from None
        for error in outcome.errors:
            click.echo(_("Row %(row)d, column %(column)s: %(message)s",
                         row=error.row, column=error.column, message=error.message), err=True)
        if not outcome.applied:
            raise click.ClickException(_("Nothing was imported."))
    click.echo(_("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d rows skipped.",
                 created=outcome.created, updated=outcome.updated,
                 unchanged=outcome.unchanged, skipped=outcome.skipped))
    for account in outcome.new_accounts:
        click.echo(f"{account.staff_code}\t{account.username}\t{account.password}")


def _unit_or_fail(code: str):
    from lms.accounts.queries import org_unit_by_code
    from lms.i18n import _

    unit = org_unit_by_code(code)
    if unit is None:
        raise click.ClickException(_("No org unit has the code %(code)s.", code=code))
    return unit


def _run_unit_change(change) -> None:
    """Run one unit operation and commit, or report its refusal having written nothing."""
    from lms.accounts.operations import AccountError
    from lms.db import get_session

    try:
        result = change()
    except AccountError as error:
        get_session().rollback()
        raise click.ClickException(str(error)) from None
    get_session().commit()
    return result


@lms_cli.command("merge-units")
@click.argument("source")
@click.argument("target")
@click.option("--reason", required=True,
              help="Why, e.g. the decision that ordered the reorganisation (kept with each move).")
def merge_units(source: str, target: str, reason: str) -> None:
    """Merge org unit SOURCE into TARGET: every current member and open sub-unit moves to
    TARGET from today (dated, audited), and SOURCE is closed, never deleted."""
    from lms.accounts import operations
    from lms.i18n import _

    source_unit, target_unit = _unit_or_fail(source), _unit_or_fail(target)
    moved = _run_unit_change(lambda: operations.merge_org_units(source_unit, target_unit,
                                                                reason=reason))
    click.echo(_("%(source)s merged into %(target)s: %(count)d people moved; %(source)s is closed.",
                 source=source, target=target, count=moved))


@lms_cli.command("close-unit")
@click.argument("code")
@click.option("--reason", default=None, help="Why the unit is closed (audited).")
def close_unit(code: str, reason: str | None) -> None:
    """Close org unit CODE from today: it keeps its history and leaves the pickers."""
    from lms.accounts import operations
    from lms.i18n import _

    unit = _unit_or_fail(code)
    _run_unit_change(lambda: operations.close_org_unit(unit, reason=reason))
    click.echo(_("%(code)s is closed.", code=code))


@lms_cli.command("delete-unit")
@click.argument("code")
def delete_unit(code: str) -> None:
    """Delete org unit CODE made by mistake; a unit with history is refused (close it)."""
    from lms.accounts import operations
    from lms.i18n import _

    unit = _unit_or_fail(code)
    _run_unit_change(lambda: operations.delete_org_unit(unit))
    click.echo(_("%(code)s is deleted.", code=code))


@lms_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default: LMS_TASK_WORKERS).")
def worker(workers: int | None) -> None:
    """Run the background worker: tasks after commit (outbox) and periodic jobs."""
    from flask import current_app

    from lms.tasks.worker import run_consumer

    queue = current_app.extensions["lms"].tasks
    count = workers or current_app.config["LMS_TASK_WORKERS"]
    click.echo(f"Worker started ({count} threads, {len(queue.periodic_jobs)} periodic jobs).")
    run_consumer(current_app._get_current_object(), queue, count)


@lms_cli.command("load-demo")
def load_demo() -> None:
    """Create the demo org units, a demo admin and a demo learner (idempotent).

    New accounts get generated passwords, printed once; existing ones are left alone.
    """
    from lms.accounts import demo
    from lms.db import unit_of_work

    with unit_of_work():
        lines = list(demo.load_demo_data())
    for line in lines:  # passwords are printed only once they are committed
        click.echo(line)

