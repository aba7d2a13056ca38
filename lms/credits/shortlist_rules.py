"""Pure rules of the advisory shortlist: who meets the prerequisites of an emulation
title, and how many fit inside its quota.

No Flask, no database: every input is a plain value (what HR entered, the credits and
status of the period, the hire date), so the checks are tested one by one and with
hypothesis (tests/credits/test_shortlist_rules.py). The titles, their checks, quotas and
rounding are data with a reference (``defaults.yaml``, ``lms_credit_title_rules``);
nothing here is a threshold. The texts people read are written by
``lms.credits.shortlist_text`` from the ``inputs`` each check returns.

**Advisory only.** The result says who *could* be proposed; the unit's emulation
council (Hội đồng Thi đua - Khen thưởng) decides, and the software never awards a title.

Order inside a list (the tie-break, documented in docs/credits.md): credits of the
period (high first), then the annual rating (higher first, none entered last), then the
name in Vietnamese order (:func:`vietnamese_name_key`: given name first, Vietnamese
alphabet with đ after d and ă â after a, tones after letters), then the learner id.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")


class Rating(enum.StrEnum):
    """The annual rating of a civil servant (Decree 335/2025-style four levels), low to high."""

    NOT_COMPLETED = "not_completed"  # không hoàn thành nhiệm vụ
    COMPLETED = "completed"  # hoàn thành nhiệm vụ
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ


class Discipline(enum.StrEnum):
    """Discipline in the period, low to high."""

    NONE = "none"
    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    HIGHER = "higher"  # hạ bậc lương, giáng chức, cách chức, buộc thôi việc …


RATING_ORDER = {level: rank for rank, level in enumerate(Rating)}
DISCIPLINE_ORDER = {level: rank for rank, level in enumerate(Discipline)}


class TitleKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class Rounding(enum.StrEnum):
    DOWN = "down"
    NEAREST = "nearest"  # half up: 2,5 → 3
    UP = "up"


class QuotaBase(enum.StrEnum):
    #: Those who pass every check of this title.
    ELIGIBLE = "eligible"
    #: Those inside the list of another title (``base_title``): CSTĐCS ≤ 15 % of LĐTT.
    TITLE = "title"
    #: Everyone considered (the candidates of the page).
    CANDIDATES = "candidates"


_ROUNDING_MODES = {
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.NEAREST: ROUND_HALF_UP,
    Rounding.UP: ROUND_CEILING,
}


def quota(base: int, percent: Decimal, rounding: Rounding = Rounding.DOWN) -> int:
    """``base`` × ``percent`` % rounded as the rule says: 20 × 15 % = 3; 13 × 15 % =
    1,95 → 1 (down, the default), 2 (nearest or up). Exact decimals, never floats."""
    exact = Decimal(base) * Decimal(percent) / HUNDRED
    return int(exact.to_integral_value(rounding=_ROUNDING_MODES[Rounding(rounding)]))


# --- the facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """One candidate: what HR entered and what the credits say (None: not entered)."""

    learner_id: int
    full_name: str
    unit_id: int | None
    credits: Decimal
    #: Credit status of the period: "not_met" / "met" / "exceeded", None without a target.
    status: str | None
    hired_on: dt.date | None
    rating: Rating | None = None
    discipline: Discipline | None = None
    initiatives: int | None = None
    #: Counted in the shares (not hired in the last months before the cut-off).
    counted: bool = True


@dataclass(frozen=True)
class UnitFacts:
    """One collective: its members on the cut-off (active ones)."""

    unit_id: int
    code: str
    members: tuple[PersonFacts, ...]

    @property
    def counted(self) -> tuple[PersonFacts, ...]:
        return tuple(member for member in self.members if member.counted)


@dataclass
class Context:
    """What every check may read besides the candidate."""

    cutoff: dt.date
    #: Title code → ids inside its list (people) or units inside it (collectives),
    #: filled as the titles are worked out in order.
    inside: dict[str, set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    kind: str
    params: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    kind: str
    params: Mapping
    passed: bool
    #: The values the check looked at, for the page ("rating": "good", "count": 3 …).
    inputs: Mapping


class CheckError(ValueError):
    """A check that cannot be built from its data (unknown kind, bad parameter);
    ``position`` is its number (1…) in the list."""

    def __init__(self, position: int, message: str):
        super().__init__(f"check {position}: {message}")
        self.position = position


# --- individual checks --------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus whole months; a day the month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _rating_at_least(params, person: PersonFacts, context) -> CheckResult:
    level = Rating(params["level"])
    passed = person.rating is not None and RATING_ORDER[person.rating] >= RATING_ORDER[level]
    return CheckResult("rating_at_least", params, passed, {"rating": person.rating})


def _no_discipline_at_or_above(params, person: PersonFacts, context) -> CheckResult:
    # Not entered is not "no discipline": the check fails until HR says so.
    level = Discipline(params["level"])
    passed = (
        person.discipline is not None
        and DISCIPLINE_ORDER[person.discipline] < DISCIPLINE_ORDER[level]
    )
    return CheckResult(
        "no_discipline_at_or_above", params, passed, {"discipline": person.discipline}
    )


def _credits_met(params, person: PersonFacts, context) -> CheckResult:
    passed = person.status in ("met", "exceeded")
    return CheckResult(
        "credits_met", params, passed, {"credits": person.credits, "status": person.status}
    )


def _hired_months_at_least(params, person: PersonFacts, context) -> CheckResult:
    months = int(params["months"])
    latest = months_before(context.cutoff, months)
    # No hire date recorded: counted, as the standings count such a person.
    passed = person.hired_on is None or person.hired_on <= latest
    return CheckResult(
        "hired_months_at_least",
        params,
        passed,
        {"hired_on": person.hired_on, "latest": latest, "cutoff": context.cutoff},
    )


def _initiatives_at_least(params, person: PersonFacts, context) -> CheckResult:
    count = int(params["count"])
    passed = person.initiatives is not None and person.initiatives >= count
    return CheckResult("initiatives_at_least", params, passed, {"initiatives": person.initiatives})


def _holds_title(params, person: PersonFacts, context) -> CheckResult:
    title = params["title"]
    inside = context.inside.get(title)
    passed = inside is not None and person.learner_id in inside
    return CheckResult(
        "holds_title", params, passed, {"inside": passed, "known": inside is not None}
    )


# --- collective checks --------------------------------------------------------------------


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _titled(params, unit: UnitFacts, context) -> tuple[int, int, bool]:
    inside = context.inside.get(params["title"])
    counted = unit.counted
    titled = sum(1 for member in counted if inside is not None and member.learner_id in inside)
    return titled, len(counted), inside is not None


def _share_with_title_above(params, unit: UnitFacts, context) -> CheckResult:
    titled, members, known = _titled(params, unit, context)
    share = _share(titled, members)
    passed = known and share is not None and share > Decimal(str(params["share"]))
    return CheckResult(
        "share_with_title_above",
        params,
        passed,
        {"count": titled, "members": members, "share": share, "known": known},
    )


def _share_with_title_at_least(params, unit: UnitFacts, context) -> CheckResult:
    titled, members, known = _titled(params, unit, context)
    share = _share(titled, members)
    passed = known and share is not None and share >= Decimal(str(params["share"]))
    return CheckResult(
        "share_with_title_at_least",
        params,
        passed,
        {"count": titled, "members": members, "share": share, "known": known},
    )


def _members_with_title_at_least(params, unit: UnitFacts, context) -> CheckResult:
    inside = context.inside.get(params["title"])
    titled = sum(1 for member in unit.members if inside is not None and member.learner_id in inside)
    passed = inside is not None and titled >= int(params["count"])
    return CheckResult(
        "members_with_title_at_least",
        params,
        passed,
        {"count": titled, "known": inside is not None},
    )


def _no_member_discipline_at_or_above(params, unit: UnitFacts, context) -> CheckResult:
    # Every active member, new ones included: a disciplined member bars the collective.
    level = DISCIPLINE_ORDER[Discipline(params["level"])]
    disciplined = sum(
        1
        for member in unit.members
        if member.discipline is not None and DISCIPLINE_ORDER[member.discipline] >= level
    )
    missing = sum(1 for member in unit.members if member.discipline is None)
    passed = disciplined == 0 and missing == 0 and bool(unit.members)
    return CheckResult(
        "no_member_discipline_at_or_above",
        params,
        passed,
        {"count": disciplined, "missing": missing, "members": len(unit.members)},
    )


def _share_rating_at_least(params, unit: UnitFacts, context) -> CheckResult:
    level = RATING_ORDER[Rating(params["level"])]
    counted = unit.counted
    rated = sum(
        1
        for member in counted
        if member.rating is not None and RATING_ORDER[member.rating] >= level
    )
    share = _share(rated, len(counted))
    passed = share is not None and share >= Decimal(str(params["share"]))
    return CheckResult(
        "share_rating_at_least",
        params,
        passed,
        {"count": rated, "members": len(counted), "share": share},
    )


CheckFunction = Callable[[Mapping, object, Context], CheckResult]


@dataclass(frozen=True)
class CheckKind:
    function: CheckFunction
    applies_to: TitleKind
    #: Parameter name → converter that raises ValueError on a bad value.
    params: Mapping[str, Callable]


def _share_value(value) -> Decimal:
    share = Decimal(str(value))
    if not Decimal("0") <= share <= Decimal("1"):
        raise ValueError(value)
    return share


def _count(value) -> int:
    number = int(value)
    if not 0 <= number <= 1000:
        raise ValueError(value)
    return number


def _title_code(value) -> str:
    text = str(value)
    if not text or len(text) > 32 or not text.isascii():
        raise ValueError(value)
    return text


_I, _C = TitleKind.INDIVIDUAL, TitleKind.COLLECTIVE

#: The registry of check kinds: each a pure function of (params, candidate, context).
CHECKS: dict[str, CheckKind] = {
    "rating_at_least": CheckKind(_rating_at_least, _I, {"level": Rating}),
    "no_discipline_at_or_above": CheckKind(_no_discipline_at_or_above, _I, {"level": Discipline}),
    "credits_met": CheckKind(_credits_met, _I, {}),
    "hired_months_at_least": CheckKind(_hired_months_at_least, _I, {"months": _count}),
    "initiatives_at_least": CheckKind(_initiatives_at_least, _I, {"count": _count}),
    "holds_title": CheckKind(_holds_title, _I, {"title": _title_code}),
    "share_with_title_above": CheckKind(
        _share_with_title_above, _C, {"title": _title_code, "share": _share_value}
    ),
    "share_with_title_at_least": CheckKind(
        _share_with_title_at_least, _C, {"title": _title_code, "share": _share_value}
    ),
    "members_with_title_at_least": CheckKind(
        _members_with_title_at_least, _C, {"title": _title_code, "count": _count}
    ),
    "no_member_discipline_at_or_above": CheckKind(
        _no_member_discipline_at_or_above, _C, {"level": Discipline}
    ),
    "share_rating_at_least": CheckKind(
        _share_rating_at_least, _C, {"level": Rating, "share": _share_value}
    ),
}


def parse_checks(items: Sequence, applies_to: TitleKind) -> tuple[Check, ...]:
    """Stored check data ``[{"kind": …, **params}]`` → checks; a kind unknown or meant
    for the other kind of title, a missing or bad parameter raises :class:`CheckError`."""
    checks = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or item.get("kind") not in CHECKS:
            raise CheckError(position, f"unknown kind {item!r:.60}")
        kind = CHECKS[item["kind"]]
        if kind.applies_to != applies_to:
            raise CheckError(position, f"{item['kind']} is not for {applies_to.value} titles")
        if set(item) - {"kind", *kind.params}:
            raise CheckError(position, f"{item['kind']} takes only {sorted(kind.params)}")
        params = {}
        for name, convert in kind.params.items():
            try:
                value = convert(item[name])
            except (KeyError, ValueError, TypeError, ArithmeticError):
                raise CheckError(position, f"{item['kind']} needs a valid {name}") from None
            params[name] = value.value if isinstance(value, enum.Enum) else value
        checks.append(Check(item["kind"], params))
    return tuple(checks)


def checks_from_lines(text: str, applies_to: TitleKind) -> list[dict]:
    """The admin form's text, one check a line (``rating_at_least level=good``), as the
    stored list; a bad line raises :class:`CheckError` with its line number."""
    items, lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        item: dict = {"kind": words[0]}
        for word in words[1:]:
            name, equals, value = word.partition("=")
            if not equals or not name or name == "kind" or name in item:
                raise CheckError(number, f"write name=value, not {word!r:.40}")
            item[name] = value
        items.append(item)
        lines.append(number)
    try:
        parse_checks(items, applies_to)
    except CheckError as error:
        raise CheckError(lines[error.position - 1], str(error)) from None
    return items


def checks_as_lines(items: Sequence[Mapping]) -> str:
    """The stored list as the admin form's text (the reverse of :func:`checks_from_lines`)."""
    return "\n".join(
        " ".join([str(item["kind"]), *(f"{k}={v}" for k, v in item.items() if k != "kind")])
        for item in items
    )


# --- a title's list -----------------------------------------------------------------------


@dataclass(frozen=True)
class TitleTerms:
    """A title rule as the pure functions need it (from ``lms_credit_title_rules``)."""

    code: str
    applies_to: TitleKind
    checks: tuple[Check, ...]
    quota_percent: Decimal | None = None
    rounding: Rounding = Rounding.DOWN
    quota_base: QuotaBase = QuotaBase.ELIGIBLE
    base_title: str | None = None


@dataclass
class Candidate:
    facts: PersonFacts | UnitFacts
    results: list[CheckResult]
    eligible: bool
    #: 1… among the eligible in the tie-break order; None when not eligible.
    position: int | None = None
    inside_quota: bool = False


@dataclass
class TitleList:
    terms: TitleTerms
    candidates: list[Candidate]
    #: What the quota is worked out from (None: the title has no quota).
    base: int | None
    quota: int | None
    #: The first one past the quota ties with the last one inside it on credits and rating
    #: (the name decided): worth the council's look.
    tie_at_the_line: bool = False

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def inside(self) -> list[Candidate]:
        return [c for c in self.candidates if c.inside_quota]


def evaluate(
    terms: TitleTerms, candidates: Sequence[PersonFacts | UnitFacts], context: Context
) -> TitleList:
    """Run every check on every candidate, order the eligible ones, apply the quota and
    record who is inside in ``context.inside[terms.code]`` (for the titles after it)."""
    rows = []
    for facts in candidates:
        results = [
            CHECKS[check.kind].function(check.params, facts, context) for check in terms.checks
        ]
        rows.append(Candidate(facts, results, all(result.passed for result in results)))
    eligible = sorted((row for row in rows if row.eligible), key=lambda row: order_key(row.facts))
    for position, row in enumerate(eligible, start=1):
        row.position = position
    base = limit = None
    if terms.quota_percent is not None:
        base = _quota_base(terms, len(eligible), len(candidates), context)
        limit = quota(base, terms.quota_percent, terms.rounding)
    inside = eligible if limit is None else eligible[:limit]
    for row in inside:
        row.inside_quota = True
    tie = (
        limit is not None
        and 0 < limit < len(eligible)
        and _merit(eligible[limit - 1].facts) is not None
        and _merit(eligible[limit - 1].facts) == _merit(eligible[limit].facts)
    )
    context.inside[terms.code] = {_identity(row.facts) for row in inside}
    ordered = eligible + sorted(
        (row for row in rows if not row.eligible), key=lambda row: order_key(row.facts)
    )
    return TitleList(terms, ordered, base, limit, tie)


def _quota_base(terms: TitleTerms, eligible: int, candidates: int, context: Context) -> int:
    if terms.quota_base == QuotaBase.TITLE:
        return len(context.inside.get(terms.base_title or "", ()))
    if terms.quota_base == QuotaBase.CANDIDATES:
        return candidates
    return eligible


def _identity(facts) -> int:
    return facts.learner_id if isinstance(facts, PersonFacts) else facts.unit_id


def _merit(facts) -> tuple | None:
    if isinstance(facts, PersonFacts):
        return (facts.credits, RATING_ORDER[facts.rating] if facts.rating else -1)
    return None


def order_key(facts) -> tuple:
    """The tie-break: credits (high first), rating (higher first), Vietnamese name, id.
    Collectives: the share of members inside the lists is shown, they go by unit code."""
    if isinstance(facts, PersonFacts):
        credits, rating = _merit(facts)
        return (-credits, -rating, vietnamese_name_key(facts.full_name), facts.learner_id)
    return (facts.code, facts.unit_id)


# --- Vietnamese order of names ------------------------------------------------------------

#: The Vietnamese alphabet (with the Latin letters it borrows), in dictionary order.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
#: Marks that make another letter (a → ă, â; o → ô, ơ; u → ư).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
#: Tones in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_key(char: str) -> tuple[int, int]:
    if char.isspace():
        return (-1, 0)  # "Lê X" before "Lêa"
    parts = unicodedata.normalize("NFD", char.lower())
    base, marks = parts[0], parts[1:]
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
    tone = max((_TONE_RANK.get(m, 0) for m in marks), default=0)
    rank = _LETTER_RANK.get(letter)
    return (rank if rank is not None else len(_ALPHABET) + ord(letter), tone)


def _word_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    # Letters first, tones only between names written with the same letters (Hà < Hạ).
    keys = [_letter_key(char) for char in text]
    return tuple(rank for rank, _tone in keys), tuple(tone for _rank, tone in keys)


def vietnamese_name_key(full_name: str) -> tuple:
    """Vietnamese HR order: the given name (last word), then the rest from the family
    name on, each in the Vietnamese alphabet (d < đ, a < ă < â, o < ô < ơ, u < ư)."""
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return ((), ())
    return (_word_key(words[-1]), _word_key(" ".join(words[:-1])))
