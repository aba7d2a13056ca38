"""What people read of the advisory shortlist: the labels of ratings and discipline, the
text of each check (its rule and the inputs it looked at) and the quota sentence
("20 người đủ điều kiện × 15 % = 3 (làm tròn xuống)").

The pure checks (``shortlist_rules``) return codes and values; every word is written
here, through the catalogs, in the page's language.
"""

from __future__ import annotations

from decimal import Decimal

from lms.credits.labels import STATUS_LABELS, percent
from lms.credits.rules import format_credits
from lms.credits.shortlist_rules import (
    CheckResult,
    Discipline,
    QuotaBase,
    Rating,
    Rounding,
    TitleKind,
    TitleList,
)
from lms.i18n import _, _l, format_day, format_score

RATING_LABELS = {
    Rating.EXCELLENT: _l("Excellent completion of duties"),
    Rating.GOOD: _l("Good completion of duties"),
    Rating.COMPLETED: _l("Completion of duties"),
    Rating.NOT_COMPLETED: _l("Duties not completed"),
}

DISCIPLINE_LABELS = {
    Discipline.NONE: _l("No discipline"),
    Discipline.REPRIMAND: _l("Disciplinary reprimand"),
    Discipline.WARNING: _l("Disciplinary warning"),
    Discipline.HIGHER: _l("A heavier discipline (salary step, demotion, dismissal)"),
}

ROUNDING_LABELS = {
    Rounding.DOWN: _l("rounded down"),
    Rounding.NEAREST: _l("rounded to the nearest"),
    Rounding.UP: _l("rounded up"),
}

QUOTA_BASE_LABELS = {
    QuotaBase.ELIGIBLE: _l("those who pass every check"),
    QuotaBase.TITLE: _l("those inside another title's list"),
    QuotaBase.CANDIDATES: _l("everyone considered"),
}


def share_text(share) -> str:
    """0.5 → "50 %", 0.6667 → "66,6 %" (``lms.credits.labels.percent``; None: "—")."""
    return percent(share)


def percent_text(percent_value: Decimal) -> str:
    """A quota percentage as stored, in the reader's language (15.00 → "15 %", "15%")."""
    return format_score(Decimal(percent_value))


def _rating(level) -> str:
    return str(RATING_LABELS[Rating(level)]) if level else _("not entered")


def _discipline(level) -> str:
    return str(DISCIPLINE_LABELS[Discipline(level)]) if level else _("not entered")


def title_name(code: str, names: dict[str, str]) -> str:
    return names.get(code, code)


def rule_text(kind: str, params, names: dict[str, str]) -> str:
    """The prerequisite in words; ``names`` maps title codes to their names."""
    title = title_name(params.get("title", ""), names)
    texts = {
        "rating_at_least": lambda: _(
            "Annual rating at least “%(level)s”", level=_rating(params["level"])
        ),
        "no_discipline_at_or_above": lambda: _(
            "Not disciplined at “%(level)s” or above in the period",
            level=_discipline(params["level"]),
        ),
        "credits_met": lambda: _("Credits of the period: status Met or Exceeded"),
        "hired_months_at_least": lambda: _(
            "Hired at least %(months)d months before the cut-off", months=int(params["months"])
        ),
        "initiatives_at_least": lambda: _(
            "At least %(count)d recognised initiative(s)", count=int(params["count"])
        ),
        "holds_title": lambda: _("Inside this shortlist for “%(title)s”", title=title),
        "share_with_title_above": lambda: _(
            "More than %(share)s of members inside the list for “%(title)s”",
            share=share_text(params["share"]),
            title=title,
        ),
        "share_with_title_at_least": lambda: _(
            "At least %(share)s of members inside the list for “%(title)s”",
            share=share_text(params["share"]),
            title=title,
        ),
        "members_with_title_at_least": lambda: _(
            "At least %(count)d member(s) inside the list for “%(title)s”",
            count=int(params["count"]),
            title=title,
        ),
        "no_member_discipline_at_or_above": lambda: _(
            "No member disciplined at “%(level)s” or above", level=_discipline(params["level"])
        ),
        "share_rating_at_least": lambda: _(
            "At least %(share)s of members rated “%(level)s” or better",
            share=share_text(params["share"]),
            level=_rating(params["level"]),
        ),
    }
    return texts[kind]()


def input_text(result: CheckResult, names: dict[str, str]) -> str:
    """The values the check looked at, in words."""
    inputs, params = result.inputs, result.params
    kind = result.kind
    if kind == "rating_at_least":
        return _("Rating: %(level)s", level=_rating(inputs["rating"]))
    if kind == "no_discipline_at_or_above":
        return _("Discipline: %(level)s", level=_discipline(inputs["discipline"]))
    if kind == "credits_met":
        status = STATUS_LABELS.get(inputs["status"])
        return _(
            "%(credits)s credits, status %(status)s",
            credits=format_credits(inputs["credits"]),
            status=str(status) if status else _("no target"),
        )
    if kind == "hired_months_at_least":
        if inputs["hired_on"] is None:
            return _("Hire date not recorded: counted, as in the standings")
        return _(
            "Hired on %(day)s (at the latest %(latest)s for the cut-off %(cutoff)s)",
            day=format_day(inputs["hired_on"]),
            latest=format_day(inputs["latest"]),
            cutoff=format_day(inputs["cutoff"]),
        )
    if kind == "initiatives_at_least":
        if inputs["initiatives"] is None:
            return _("Recognised initiatives: not entered")
        return _("Recognised initiatives: %(count)d", count=inputs["initiatives"])
    title = title_name(params.get("title", ""), names)
    if kind == "holds_title":
        if not inputs["known"]:
            return _("The list for “%(title)s” is not worked out before this one", title=title)
        return (
            _("Inside the list for “%(title)s”", title=title)
            if inputs["inside"]
            else _("Not inside the list for “%(title)s”", title=title)
        )
    if kind in ("share_with_title_above", "share_with_title_at_least", "share_rating_at_least"):
        if not inputs["members"]:
            return _("No member counted")
        return _(
            "%(count)d of %(members)d members counted (%(share)s)",
            count=inputs["count"],
            members=inputs["members"],
            share=share_text(inputs["share"]),
        )
    if kind == "members_with_title_at_least":
        return _("%(count)d member(s) inside the list", count=inputs["count"])
    if kind == "no_member_discipline_at_or_above":
        if inputs["missing"]:
            return _(
                "%(count)d member(s) at that level or above; discipline not entered for "
                "%(missing)d member(s)",
                count=inputs["count"],
                missing=inputs["missing"],
            )
        return _("%(count)d member(s) at that level or above", count=inputs["count"])
    return ""


def quota_text(title_list: TitleList, names: dict[str, str]) -> str:
    """ "20 người đủ điều kiện × 15 % = 3 (làm tròn xuống)"; "" without a quota."""
    terms = title_list.terms
    if title_list.quota is None:
        return ""
    values = {
        "base": title_list.base,
        "percent": percent_text(terms.quota_percent),
        "quota": title_list.quota,
        "rounding": str(ROUNDING_LABELS[terms.rounding]),
    }
    collective = terms.applies_to == TitleKind.COLLECTIVE
    if terms.quota_base == QuotaBase.TITLE:
        return _(
            "%(base)d inside the list for “%(title)s” × %(percent)s = %(quota)d (%(rounding)s)",
            title=title_name(terms.base_title or "", names),
            **values,
        )
    if terms.quota_base == QuotaBase.CANDIDATES:
        if collective:
            return _(
                "%(base)d collectives considered × %(percent)s = %(quota)d (%(rounding)s)", **values
            )
        return _("%(base)d people considered × %(percent)s = %(quota)d (%(rounding)s)", **values)
    if collective:
        return _("%(base)d eligible collectives × %(percent)s = %(quota)d (%(rounding)s)", **values)
    return _("%(base)d eligible × %(percent)s = %(quota)d (%(rounding)s)", **values)
