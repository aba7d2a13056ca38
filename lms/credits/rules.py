"""Pure credit rules: completion facts + the rules in effect + what the ledger already
holds for the learner and period → the entries to write.

No Flask, no database: every input is a plain value, so the rules are tested with
hypothesis (tests/credits/test_rules.py) and recomputed the same way by
``flask lms credits recompute``. Every threshold comes in with the rule or criterion
(data with a reference, ``lms/credits/defaults.yaml``); nothing here is a quota.

How one completion is valued, rule by rule (in rule id order):

1. the raw value: the completion's periods (số tiết, from its snapshot) × the rule's
   factor, or the rule's fixed value;
2. once per course per period: a course already credited in the period by another
   completion (an earlier cycle, another version) gets 0 (reason ``already_credited``);
3. the monthly cap on counted completions: past the cap, a completion that is not
   mandatory gets 0 (``monthly_cap``); mandatory courses neither count nor are capped;
4. the on-time bonus: a mandatory course completed by its due date adds the rule's bonus;
5. the caps: the rule's own cap per period, then the criterion's cap per period, cut
   the value to what is left (``rule_cap``, ``criterion_cap``).

Whatever is cut, each reduction carries its reason code and a message in Vietnamese and
English, kept in the entry as it read on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")

#: Reason codes of reductions, with the messages stored in each entry (vi, en).
REASONS: dict[str, tuple[str, str]] = {
    "already_credited": (
        "Khóa học đã được tính điểm trong kỳ thi đua này (mỗi khóa chỉ tính một lần mỗi kỳ).",
        "This course was already credited in this emulation period (once per course per period).",
    ),
    "monthly_cap": (
        "Vượt số khóa học được tính trong tháng ({cap} khóa); khóa bắt buộc không bị giới hạn.",
        "Over the number of completions counted per month ({cap}); mandatory courses are exempt.",
    ),
    "rule_cap": (
        "Đạt mức tối đa của quy tắc trong kỳ ({cap} điểm).",
        "The rule's cap per period is reached ({cap} credits).",
    ),
    "criterion_cap": (
        "Đạt mức tối đa của tiêu chí trong kỳ ({cap} điểm).",
        "The criterion's cap per period is reached ({cap} credits).",
    ),
    "revoked": ("Hủy điểm do thu hồi: {why}", "Credits reversed, revoked: {why}"),
    "correction": ("Điều chỉnh khi tính lại: {why}", "Corrected by a recompute: {why}"),
}


def money(value: Decimal | int | str) -> Decimal:
    """Credits to two decimals (what the ledger stores)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Reason:
    code: str
    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "vi": self.vi, "en": self.en}


def reason(code: str, **values) -> Reason:
    vi, en = REASONS[code]
    return Reason(code, vi.format(**values), en.format(**values))


def format_credits(value: Decimal) -> str:
    """1.50 → "1,5"; 8.00 → "8" (decimal comma, for reason texts)."""
    text = (
        format(value.normalize(), "f")
        if value == value.to_integral()
        else format(value, "f").rstrip("0")
    )
    return text.replace(".", ",")


@dataclass(frozen=True)
class CompletionFacts:
    """What the completion snapshot says (``courses.models.CourseCompletion``)."""

    completion_id: int
    course_code: str
    topic: str
    periods: int
    completed_on: dt.date
    #: The course is mandatory for this learner (their target lists it).
    is_mandatory: bool = False
    #: The due date of that mandatory course (their target), if any.
    due_on: dt.date | None = None


@dataclass(frozen=True)
class RuleTerms:
    """A credit rule as in force on the completion date (``CreditRule``)."""

    rule_id: int
    criterion_id: int
    course_code: str | None = None
    topic: str | None = None
    #: "periods" (periods × factor) or "fixed" (fixed_value).
    value_kind: str = "periods"
    factor: Decimal = Decimal("1")
    fixed_value: Decimal | None = None
    rule_cap: Decimal | None = None
    monthly_cap: int | None = None
    on_time_bonus: Decimal = ZERO
    valid_from: dt.date = dt.date.min
    #: Exclusive; None: still in force.
    valid_to: dt.date | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def matches(self, facts: CompletionFacts) -> bool:
        if self.course_code is not None:
            return self.course_code == facts.course_code
        return self.topic is not None and self.topic == facts.topic


@dataclass(frozen=True)
class LedgerLine:
    """One entry already in the ledger for the learner and period (reversals included,
    with negative values)."""

    completion_id: int | None
    course_code: str
    rule_id: int | None
    criterion_id: int
    awarded: Decimal
    completed_on: dt.date
    is_mandatory: bool = False


@dataclass(frozen=True)
class ComputedEntry:
    rule_id: int
    criterion_id: int
    raw: Decimal
    bonus: Decimal
    awarded: Decimal
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def rules_for(facts: CompletionFacts, rules: Iterable[RuleTerms]) -> list[RuleTerms]:
    """The rules that value this completion: those in force on its date naming its
    course; only when none does, those naming its topic (a course rule is the more
    specific word). Several rules for one course split it across criteria on purpose."""
    in_force = [
        rule for rule in rules if rule.in_force_on(facts.completed_on) and rule.matches(facts)
    ]
    by_course = [rule for rule in in_force if rule.course_code is not None]
    return sorted(by_course or in_force, key=lambda rule: rule.rule_id)


def raw_value(facts: CompletionFacts, rule: RuleTerms) -> Decimal:
    if rule.value_kind == "fixed":
        return money(rule.fixed_value or ZERO)
    return money(Decimal(facts.periods) * rule.factor)


def _net_by_completion(
    ledger: Sequence[LedgerLine],
) -> dict[tuple[int | None, int | None], Decimal]:
    net: dict[tuple[int | None, int | None], Decimal] = {}
    for line in ledger:
        key = (line.completion_id, line.rule_id)
        net[key] = net.get(key, ZERO) + line.awarded
    return net


def _credited_courses(ledger: Sequence[LedgerLine], completion_id: int) -> set[str]:
    """Courses with a positive net credit from another completion (an earlier cycle,
    another version), whatever the rule: a rule edited mid-period does not credit a
    course twice. A reversed completion no longer counts."""
    net: dict[str, Decimal] = {}
    for line in ledger:
        if line.completion_id != completion_id:
            net[line.course_code] = net.get(line.course_code, ZERO) + line.awarded
    return {code for code, value in net.items() if value > 0}


def _counted_in_month(ledger: Sequence[LedgerLine], day: dt.date) -> int:
    """Completions of ``day``'s month that count toward the monthly cap: credited
    (positive net) and not mandatory."""
    net = _net_by_completion(ledger)
    counted = {
        line.completion_id
        for line in ledger
        if not line.is_mandatory
        and (line.completed_on.year, line.completed_on.month) == (day.year, day.month)
        and net[(line.completion_id, line.rule_id)] > 0
    }
    return len(counted)


def _sum(
    ledger: Sequence[LedgerLine], *, rule_id: int | None = None, criterion_id: int | None = None
) -> Decimal:
    return sum(
        (
            line.awarded
            for line in ledger
            if (rule_id is None or line.rule_id == rule_id)
            and (criterion_id is None or line.criterion_id == criterion_id)
        ),
        ZERO,
    )


def compute_entries(
    facts: CompletionFacts,
    rules: Iterable[RuleTerms],
    criterion_caps: dict[int, Decimal | None],
    ledger: Sequence[LedgerLine],
) -> list[ComputedEntry]:
    """The entries one completion earns, given what the ledger already holds for the
    learner in the completion's period. ``criterion_caps`` maps each criterion id to its
    cap per period (None: no cap). An empty list: no rule values this course."""
    lines = list(ledger)
    entries: list[ComputedEntry] = []
    counted_this_month = _counted_in_month(lines, facts.completed_on)
    credited = _credited_courses(lines, facts.completion_id)
    for rule in rules_for(facts, rules):
        raw = raw_value(facts, rule)
        bonus = (
            money(rule.on_time_bonus)
            if facts.is_mandatory
            and facts.due_on is not None
            and facts.completed_on <= facts.due_on
            else ZERO
        )
        value, reasons = raw + bonus, []
        if facts.course_code in credited:
            value, reasons = ZERO, [reason("already_credited")]
        elif (
            rule.monthly_cap is not None
            and not facts.is_mandatory
            and counted_this_month >= rule.monthly_cap
        ):
            value, reasons = ZERO, [reason("monthly_cap", cap=rule.monthly_cap)]
        if value > 0 and rule.rule_cap is not None:
            left = max(money(rule.rule_cap) - _sum(lines, rule_id=rule.rule_id), ZERO)
            if value > left:
                value = left
                reasons.append(reason("rule_cap", cap=format_credits(money(rule.rule_cap))))
        cap = criterion_caps.get(rule.criterion_id)
        if value > 0 and cap is not None:
            left = max(money(cap) - _sum(lines, criterion_id=rule.criterion_id), ZERO)
            if value > left:
                value = left
                reasons.append(reason("criterion_cap", cap=format_credits(money(cap))))
        entry = ComputedEntry(rule.rule_id, rule.criterion_id, raw, bonus, value, tuple(reasons))
        entries.append(entry)
        # Later rules of the same completion see this one (a split across criteria).
        lines.append(
            LedgerLine(
                facts.completion_id,
                facts.course_code,
                rule.rule_id,
                rule.criterion_id,
                value,
                facts.completed_on,
                facts.is_mandatory,
            )
        )
    return entries


def totals_by_criterion(ledger: Iterable[LedgerLine]) -> dict[int, Decimal]:
    """Net credits per criterion (reversals subtract)."""
    totals: dict[int, Decimal] = {}
    for line in ledger:
        totals[line.criterion_id] = totals.get(line.criterion_id, ZERO) + line.awarded
    return totals


# --- status against a target ------------------------------------------------------------

NOT_MET, MET, EXCEEDED = "not_met", "met", "exceeded"


def target_status(
    total: Decimal, minimum: Decimal, exceeding: Decimal | None, mandatory_done: bool
) -> str:
    """Chưa đạt / Đạt / Vượt: the minimum credits and every mandatory course make "met";
    reaching the target's exceeding level as well makes "exceeded"."""
    if total < minimum or not mandatory_done:
        return NOT_MET
    if exceeding is not None and total >= exceeding:
        return EXCEEDED
    return MET
