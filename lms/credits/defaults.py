"""The shipped defaults (``defaults.yaml``) written into the database, idempotently.

Rows are matched by their codes (period, criterion, rule) and the target by its scope:
what exists is left alone, so running it again — or after an admin changed a value —
creates nothing and overwrites nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
import yaml

from lms.credits.models import (
    AppliesTo,
    ContentGroup,
    CreditRule,
    Criterion,
    EmulationPeriod,
    Target,
    TargetCourse,
    TitleRule,
    ValueKind,
)
from lms.credits.shortlist_rules import QuotaBase, Rounding, TitleKind, parse_checks
from lms.db import get_session

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")


def load_defaults(year: int, path: Path = DEFAULTS_FILE) -> dict:
    """The defaults file with ``{year}`` filled in."""
    text = path.read_text(encoding="utf-8").replace("{year}", str(year))
    # libyaml's safe loader when PyYAML has it (ten times faster, the same result): the
    # file is ours, read at every seeding.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def seed_defaults(year: int) -> list[str]:
    """Create what is missing; returns one line per row created (empty: nothing new)."""
    data, session, created = load_defaults(year), get_session(), []
    spec = data["period"]
    period = session.scalar(sa.select(EmulationPeriod).where(EmulationPeriod.code == spec["code"]))
    if period is None:
        period = EmulationPeriod(
            code=spec["code"],
            name_vi=spec["name"]["vi"],
            name_en=spec["name"]["en"],
            starts_on=dt.date.fromisoformat(spec["starts"]),
            ends_on=dt.date.fromisoformat(spec["ends"]),
            cutoff_on=dt.date.fromisoformat(spec["cutoff"]),
            new_member_months=int(spec.get("new_member_months", 6)),
            reference=spec["reference"],
        )
        session.add(period)
        created.append(f"period {period.code}")
    criteria = {}
    for item in data["criteria"]:
        criterion = session.scalar(sa.select(Criterion).where(Criterion.code == item["code"]))
        if criterion is None:
            criterion = Criterion(
                code=item["code"],
                content_group=ContentGroup(item["content_group"]),
                name_vi=item["name"]["vi"],
                name_en=item["name"]["en"],
                applies_to=AppliesTo(item["applies_to"]),
                cap_per_period=_decimal(item.get("cap")),
                reference=item["reference"],
            )
            session.add(criterion)
            created.append(f"criterion {criterion.code}")
        criteria[item["code"]] = criterion
    session.flush()
    for item in data["rules"]:
        if session.scalar(sa.select(CreditRule.id).where(CreditRule.code == item["code"]).limit(1)):
            continue
        session.add(
            CreditRule(
                code=item["code"],
                criterion_id=criteria[item["criterion"]].id,
                course_code=item.get("course"),
                topic=item.get("topic"),
                value_kind=ValueKind(item["value"]),
                factor=_decimal(item.get("factor", "1")),
                fixed_value=_decimal(item.get("fixed")),
                monthly_cap=item.get("monthly_cap"),
                on_time_bonus=_decimal(item.get("on_time_bonus", "0")),
                valid_from=period.starts_on,
                reference=item.get("reference", data["rule_reference"]),
            )
        )
        created.append(f"rule {item['code']}")
    spec = data["target"]
    key = Target.scope_key_for(None, None)
    if (
        session.scalar(
            sa.select(Target.id).where(Target.period_id == period.id, Target.scope_key == key)
        )
        is None
    ):
        target = Target(
            period_id=period.id,
            scope_key=key,
            min_credits=_decimal(spec["min_credits"]),
            exceeding_credits=_decimal(spec.get("exceeding_credits")),
            advanced_share_above=_decimal(spec["advanced_share_above"]),
            excellent_share_at_least=_decimal(spec["excellent_share_at_least"]),
            reference=spec["reference"],
            mandatory_courses=[
                TargetCourse(
                    course_code=course["course"], due_on=dt.date.fromisoformat(course["due"])
                )
                for course in spec["mandatory_courses"]
            ],
        )
        session.add(target)
        created.append(f"target {period.code}")
    created += _seed_titles(data.get("titles", []), period)
    session.flush()
    return created


def title_rule_from(item: dict, period: EmulationPeriod, position: int) -> TitleRule:
    """A ``titles:`` item of the defaults file as a row; bad checks raise CheckError."""
    applies_to = TitleKind(item["applies_to"])
    parse_checks(item.get("checks", []), applies_to)  # refuses what the page could not run
    return TitleRule(
        period_id=period.id,
        code=item["code"],
        name_vi=item["name"]["vi"],
        name_en=item["name"]["en"],
        applies_to=applies_to,
        position=position,
        checks=list(item.get("checks", [])),
        quota_percent=_decimal(item.get("quota")),
        rounding=Rounding(item.get("rounding", "down")),
        quota_base=QuotaBase(item.get("quota_base", "eligible")),
        base_title=item.get("base_title"),
        quota_note=item.get("quota_note", ""),
        reference=item["reference"],
    )


def _seed_titles(items: list, period: EmulationPeriod) -> list[str]:
    session, created = get_session(), []
    existing = set(
        session.scalars(sa.select(TitleRule.code).where(TitleRule.period_id == period.id))
    )
    for position, item in enumerate(items, start=1):
        if item["code"] in existing:
            continue
        session.add(title_rule_from(item, period, position))
        created.append(f"title {item['code']}")
    return created
