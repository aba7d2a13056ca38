"""``flask lms export DATASET --format csv|xlsx|xapi [filters] -o FILE``, for cron and
for people: a progress bar on a terminal, nothing but errors with ``--quiet``. The export
is recorded and sealed like one made on the page (channel ``cli``, every unit)."""
from __future__ import annotations

import datetime as dt
import sys

import click


def _day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@click.command("export")
@click.argument("dataset_name", metavar="DATASET")
@click.option("--format", "file_format", default="csv", show_default=True,
              type=click.Choice(["csv", "xlsx", "xapi"]), help="File format.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write.")
@click.option("--unit", help="Org unit code: that unit and its sub-units.")
@click.option("--from", "date_from", callback=_day, help="From this day (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_day, help="Until this day (YYYY-MM-DD).")
@click.option("--period", help="Emulation period code (datasets with periods).")
@click.option("--course", help="Course code.")
@click.option("--topic", help="Course topic.")
@click.option("--status", help="Status (dataset-specific, e.g. current, expired).")
@click.option("--category", type=click.Choice(["CB", "CC", "VC", "NLD"]), help="Learner category.")
@click.option("--lang", default="vi", show_default=True, type=click.Choice(["vi", "en"]),
              help="Language of headers and texts.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (for cron).")
def export_command(dataset_name, file_format, output, unit, date_from, date_to, period, course,
                   topic, status, category, lang, quiet):
    """Export DATASET (completions, or any registered: credits, standings, summary …)."""
    import sqlalchemy as sa
    from flask import current_app

    from lms.accounts.models import OrgUnit
    from lms.datasets import ExportFilters, ExportScope
    from lms.db import get_session, unit_of_work
    from lms.exports import operations
    from lms.exports.filters import only_honoured
    from lms.exports.producing import produce_chunks

    state = current_app.extensions["lms"]
    if dataset_name not in state.export_datasets:
        raise click.UsageError(f"unknown dataset {dataset_name!r}; known: "
                               f"{', '.join(state.export_datasets.names())}")
    dataset = state.export_datasets.get(dataset_name)
    export_format = state.export_formats.get(file_format)
    if export_format.needs_statements and dataset.statements is None:
        raise click.UsageError(f"{dataset_name} has no xAPI statements; use csv or xlsx")
    unit_id = None
    if unit:
        unit_id = get_session().scalar(sa.select(OrgUnit.id).where(OrgUnit.code == unit))
        if unit_id is None:
            raise click.UsageError(f"no org unit with code {unit!r}")
    filters = only_honoured(dataset, ExportFilters(
        unit_id=unit_id, date_from=date_from, date_to=date_to, period_code=period,
        course_code=course, topic=topic, status=status, category=category))
    scope = ExportScope(everything=True)
    with unit_of_work():
        count = dataset.count(get_session(), filters, scope)
        record = operations.start_export(dataset, file_format, filters, scope, lang, actor=None,
                                         actor_label="flask lms export", channel="cli",
                                         rows_expected=count)
        record_id = record.id
    show_bar = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=count, label="Exporting", file=sys.stderr) if show_bar else None
    done = [0]

    def advance(rows: int) -> None:
        if bar is not None:
            bar.update(rows - done[0])
        done[0] = rows

    try:
        with open(output, "wb") as file:
            for chunk in produce_chunks(record_id, dataset, export_format, filters, scope, lang,
                                        progress=advance):
                file.write(chunk)
    finally:
        if bar is not None:
            bar.render_finish()
    if not quiet:
        from lms.exports.models import ExportRecord

        with state.database.new_session(for_write=False) as session:
            sealed = session.get(ExportRecord, record_id)
            click.echo(f"Export {record_id}: {sealed.row_count} rows, {sealed.size_bytes} bytes, "
                       f"SHA-256 {sealed.sha256} → {output}")
