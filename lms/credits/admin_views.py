"""Admin pages of the credit data: periods, criteria, rules and targets (load →
authorize → act; every change audited by ``admin_operations``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.credits import admin_operations, queries
from lms.credits.forms import CriterionForm, PeriodForm, RuleForm, TargetForm
from lms.credits.models import CreditRule, Criterion, EmulationPeriod, Target, ValueKind
from lms.credits.rules import format_credits
from lms.dates import today
from lms.i18n import _, current_locale, nfc


@require("credits.manage")
def overview():
    from lms.credits.admin_queries import overview_data

    return render_template(
        "lms/credits/manage.html", fmt_credits=format_credits, edit_links=True, **overview_data()
    )


def _saved():
    flash(_("Saved. Entries already written keep their values."), "success")
    return redirect(url_for("lms.credits.manage"))


def _form_page(form, title, thing):
    return render_template("lms/credits/edit.html", form=form, title=title, thing=thing)


@require("credits.manage")
def edit_period(period_id: int):
    period = load_or_404(EmulationPeriod, period_id)
    form = PeriodForm(obj=period)
    if form.validate_on_submit():
        try:
            admin_operations.change_period(
                period,
                {
                    "name_vi": nfc(form.name_vi.data.strip()),
                    "name_en": nfc(form.name_en.data.strip()),
                    "cutoff_on": form.cutoff_on.data,
                    "new_member_months": form.new_member_months.data,
                    "is_locked": form.is_locked.data,
                    "reference": nfc(form.reference.data.strip()),
                },
                actor=current_principal().learner,
            )
        except admin_operations.RuleChangeError as error:
            form.cutoff_on.errors.append(str(error))
        else:
            return _saved()
    return _form_page(form, _("Emulation period %(code)s", code=period.code), period)


@require("credits.manage")
def edit_criterion(criterion_id: int):
    criterion = load_or_404(Criterion, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        admin_operations.change_criterion(
            criterion,
            {
                "name_vi": nfc(form.name_vi.data.strip()),
                "name_en": nfc(form.name_en.data.strip()),
                "cap_per_period": form.cap_per_period.data,
                "reference": nfc(form.reference.data.strip()),
            },
            actor=current_principal().learner,
        )
        return _saved()
    return _form_page(form, _("Criterion %(code)s", code=criterion.code), criterion)


@require("credits.manage")
def edit_rule(rule_id: int):
    rule = load_or_404(CreditRule, rule_id)
    form = RuleForm(obj=rule, value_kind=rule.value_kind.value)
    form.criterion_id.choices = [
        SelectChoice(c.id, f"{c.code} · {c.name(current_locale())}") for c in queries.criteria()
    ]
    if form.validate_on_submit():
        kind = ValueKind(form.value_kind.data)
        if kind == ValueKind.FIXED and form.fixed_value.data is None:
            form.fixed_value.errors.append(_("A fixed rule needs its value."))
        else:
            try:
                admin_operations.change_rule(
                    rule,
                    {
                        "criterion_id": form.criterion_id.data,
                        "value_kind": kind,
                        "factor": form.factor.data,
                        "fixed_value": form.fixed_value.data,
                        "cap_per_period": form.cap_per_period.data,
                        "monthly_cap": form.monthly_cap.data,
                        "on_time_bonus": form.on_time_bonus.data or 0,
                        "reference": nfc(form.reference.data.strip()),
                    },
                    effective_from=form.effective_from.data,
                    today=today(),
                    actor=current_principal().learner,
                )
            except admin_operations.RuleChangeError as error:
                form.effective_from.errors.append(str(error))
            else:
                return _saved()
    return _form_page(form, _("Credit rule %(code)s", code=rule.code), rule)


@require("credits.manage")
def edit_target(target_id: int):
    from lms.i18n import format_day

    target = load_or_404(Target, target_id)
    lines = "\n".join(f"{c.course_code} {format_day(c.due_on)}" for c in target.mandatory_courses)
    form = TargetForm(obj=target, mandatory_courses=lines)
    if form.validate_on_submit():
        try:
            mandatory = admin_operations.parse_mandatory(form.mandatory_courses.data)
            admin_operations.change_target(
                target,
                {
                    "min_credits": form.min_credits.data,
                    "exceeding_credits": form.exceeding_credits.data,
                    "advanced_share_above": form.advanced_share_above.data,
                    "excellent_share_at_least": form.excellent_share_at_least.data,
                    "reference": nfc(form.reference.data.strip()),
                },
                mandatory,
                actor=current_principal().learner,
            )
        except admin_operations.RuleChangeError as error:
            form.mandatory_courses.errors.append(str(error))
        else:
            return _saved()
    return _form_page(form, _("Target of %(code)s", code=target.period.code), target)
