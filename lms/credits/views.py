"""The learner's credits page and the standings (load → authorize → act)."""

from __future__ import annotations

from flask import abort, render_template, request

from lms.auth.access import require
from lms.auth.principal import current_principal
from lms.credits import charts, progress, queries
from lms.credits import standings as standing_queries
from lms.credits.labels import LEVEL_LABELS, STATUS_LABELS, percent, reason_text
from lms.credits.rules import format_credits
from lms.dates import today
from lms.forms import page_argument
from lms.i18n import _


def _period_or_404():
    """The period named by ``?period=CODE``, else the one today falls in (None: none)."""
    code = request.args.get("period")
    if code:
        period = queries.period_by_code(code[:32])
        if period is None:
            abort(404)
        return period
    return queries.period_on(today())


@require("learn")
def my_credits():
    period = _period_or_404()
    learner = current_principal().learner
    mine = progress.learner_progress(learner, period, today()) if period else None
    history = queries.history(learner.id, period.id) if period else []
    return render_template(
        "lms/credits/mine.html",
        period=period,
        progress=mine,
        history=history,
        periods=queries.all_periods(),
        status_labels=STATUS_LABELS,
        reason_text=reason_text,
        fmt_credits=format_credits,
    )


@require("credits.view_standings")
def standings():
    period = _period_or_404()
    principal = current_principal()
    roots = standing_queries.visible_roots(principal)
    root = standing_queries.chosen_root(roots, request.args.get("unit"))
    if period is None or root is None:
        return render_template(
            "lms/credits/standings.html",
            period=period,
            table=None,
            roots=roots,
            root=None,
            periods=queries.all_periods(),
        )
    scope = None if principal.is_admin else tuple(principal.hr_unit_paths)
    table = standing_queries.standings(
        period, root, scope_paths=scope, today=today(), people_page=page_argument()
    )
    return render_template(
        "lms/credits/standings.html",
        period=period,
        table=table,
        roots=roots,
        root=root,
        periods=queries.all_periods(),
        unit_chart=charts.bar_chart(
            table.unit_chart_rows(), chart_id="units", title=_("Credits per unit")
        ),
        month_chart=charts.bar_chart(
            table.month_rows, chart_id="months", title=_("Completions credited per month")
        ),
        status_labels=STATUS_LABELS,
        level_labels=LEVEL_LABELS,
        percent=percent,
        fmt_credits=format_credits,
    )
