"""Pages of the advisory shortlist (load → authorize → act):

- ``/credits/appraisals``: HR (their subtree) and admins enter each person's annual
  rating, discipline and recognised initiatives for a period, one line per person;
- ``/credits/shortlist``: who meets the prerequisites of a title, every check shown,
  and who falls inside its quota — advisory, the council decides;
- ``/credits/manage/titles/<id>``: admins change a title's checks, quota and reference.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.credits import queries, shortlist_operations, shortlist_queries, shortlist_text
from lms.credits import standings as standing_queries
from lms.credits.forms import AppraisalPageForm, TitleRuleForm
from lms.credits.models import TitleRule
from lms.credits.rules import format_credits
from lms.credits.shortlist_operations import AppraisalError, AppraisalValues
from lms.credits.shortlist_rules import (
    CheckError,
    Discipline,
    QuotaBase,
    Rating,
    Rounding,
    checks_as_lines,
    checks_from_lines,
)
from lms.credits.views import _period_or_404
from lms.dates import today
from lms.db import get_session
from lms.forms import page_argument
from lms.i18n import _, nfc


def _scope():
    """(period, the units the principal may pick, the chosen one) from the query."""
    period = _period_or_404()
    roots = standing_queries.visible_roots(current_principal())
    root = standing_queries.chosen_root(roots, request.args.get("unit"))
    return period, roots, root


# --- the appraisal page --------------------------------------------------------------------


def _row_data(learner, appraisal) -> dict:
    values = AppraisalValues.of(appraisal)
    return {
        "learner_id": learner.id,
        "revision": appraisal.revision if appraisal else 0,
        "rating": values.rating.value if values.rating else "",
        "discipline": values.discipline.value if values.discipline else "",
        "initiatives": values.initiatives,
    }


def _save(form, people_by_id, period, actor) -> int:
    """Every changed line as a new revision; returns how many changed."""
    changed = 0
    for entry in form.rows:
        row = entry.form
        learner = people_by_id[row.learner_id.data]
        values = AppraisalValues(
            Rating(row.rating.data) if row.rating.data else None,
            Discipline(row.discipline.data) if row.discipline.data else None,
            row.initiatives.data,
        )
        saved = shortlist_operations.save_appraisal(
            learner, period, values, actor=actor, based_on_revision=row.revision.data
        )
        changed += saved is not None
    return changed


@require("credits.appraise")
def appraisals():
    period, roots, root = _scope()
    principal = current_principal()
    page = page_argument()
    context = {"period": period, "roots": roots, "root": root, "periods": queries.all_periods()}
    if period is None or root is None:
        return render_template("lms/credits/appraisals.html", form=None, **context)
    people, total = shortlist_queries.people_to_appraise(principal, root, page)
    people_by_id = {learner.id: learner for learner in people}
    current = shortlist_queries.latest_appraisals(period.id, list(people_by_id))
    status, page_error = 200, None
    if request.method == "POST":
        form = AppraisalPageForm()
        if not form.validate_on_submit():
            status = 400
        elif any(entry.form.learner_id.data not in people_by_id for entry in form.rows):
            # Someone outside the page (another unit, a tampered id): nothing is saved.
            page_error = _("The list changed since the page was opened: reload it.")
            status = 400
        else:
            try:
                changed = _save(form, people_by_id, period, principal.learner)
            except AppraisalError as error:
                get_session().rollback()  # none of the lines is kept
                page_error = str(error)
                status = 409
            else:
                flash(_("Saved: %(count)d line(s) changed.", count=changed), "success")
                return redirect(
                    url_for("lms.credits.appraisals", period=period.code, unit=root.id, page=page)
                )
    else:
        form = AppraisalPageForm(
            data={"rows": [_row_data(learner, current.get(learner.id)) for learner in people]}
        )
    page_count = max(1, -(-total // shortlist_queries.PAGE_SIZE))
    return render_template(
        "lms/credits/appraisals.html",
        form=form,
        page_error=page_error,
        people_by_id=people_by_id,
        current=current,
        page=page,
        pages=page_count,
        total=total,
        **context,
    ), status


# --- the shortlist -------------------------------------------------------------------------


@require("credits.view_standings")
def shortlist():
    from lms.i18n import current_locale

    period, roots, root = _scope()
    context = {"period": period, "roots": roots, "root": root, "periods": queries.all_periods()}
    if period is None or root is None:
        return render_template("lms/credits/shortlist.html", result=None, **context)
    try:
        result = shortlist_queries.shortlist(period, root, current_principal(), today())
    except CheckError:
        # A stored rule the checks cannot read (edited outside the admin page).
        abort(409)
    code = request.args.get("title")
    rules = {rule.code: rule for rule in result.rules}
    if code is not None and code not in rules:
        abort(404)
    rule = rules.get(code) if code else (result.rules[0] if result.rules else None)
    names = result.names(current_locale())
    return render_template(
        "lms/credits/shortlist.html",
        result=result,
        rule=rule,
        title_list=result.lists.get(rule.code) if rule else None,
        names=names,
        text=shortlist_text,
        fmt_credits=format_credits,
        **context,
    )


# --- the admin page of a title rule --------------------------------------------------------


@require("credits.manage")
def edit_title_rule(title_rule_id: int):
    rule = load_or_404(TitleRule, title_rule_id)
    form = TitleRuleForm(
        obj=rule,
        checks=checks_as_lines(rule.checks or []),
        rounding=rule.rounding.value,
        quota_base=rule.quota_base.value,
    )
    if form.validate_on_submit():
        base = QuotaBase(form.quota_base.data)
        base_title = (form.base_title.data or "").strip() or None
        try:
            checks = checks_from_lines(form.checks.data, rule.applies_to)
        except CheckError as error:
            form.checks.errors.append(
                _(
                    "Line %(line)d: an unknown check, or a value it cannot take.",
                    line=error.position,
                )
            )
        else:
            others = {other.code for other in shortlist_queries.title_rules(rule.period_id)}
            if base == QuotaBase.TITLE and base_title is None:
                form.base_title.errors.append(_("Name the title the quota is taken of."))
            elif base_title is not None and base_title not in others - {rule.code}:
                form.base_title.errors.append(
                    _("This period has no other title with the code %(code)s.", code=base_title)
                )
            else:
                shortlist_operations.change_title_rule(
                    rule,
                    {
                        "name_vi": nfc(form.name_vi.data.strip()),
                        "name_en": nfc(form.name_en.data.strip()),
                        "checks": checks,
                        "quota_percent": form.quota_percent.data,
                        "rounding": Rounding(form.rounding.data),
                        "quota_base": base,
                        "base_title": base_title,
                        "quota_note": nfc((form.quota_note.data or "").strip()),
                        "reference": nfc(form.reference.data.strip()),
                    },
                    actor=current_principal().learner,
                )
                flash(
                    _("Saved. The shortlist follows at once; credit entries are not touched."),
                    "success",
                )
                return redirect(url_for("lms.credits.manage"))
    return render_template(
        "lms/credits/edit_title.html",
        form=form,
        rule=rule,
        kinds=sorted(shortlist_queries.shortlist_rules.CHECKS.items()),
    )
