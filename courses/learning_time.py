"""How the server counts a learner's time on a lesson (pure rules, no Flask, no SQL).

The browser reports nothing: the server only sees requests on a lesson — its page
(GET) and the "done" button (POST). The rule:

- The first request on a lesson records when it was first opened; it credits nothing.
- Every later request on that lesson credits the time since the *later* of
  (a) the previous request on that lesson and
  (b) the previous request on any lesson of the same enrolment,
  at most ``gap factor × the lesson's estimated minutes`` (LMS_LESSON_GAP_FACTOR, 2 by
  default). (a) is the ordinary case: a reader opens the page, reads, presses done.
  (b) stops a learner from opening every lesson in its own tab and having all of them
  count the same minutes: time is credited once, to one lesson. The cap stops a tab
  left open overnight from counting as a night of study; it is never below the
  lesson's estimated time, so someone who opens the page once, reads for the whole
  estimate (or up to twice as long) and then presses "done" is credited in full.
- A lesson can be marked done once its credited time, including the interval this
  very "done" request would add, reaches ``share × estimated minutes``
  (LMS_MIN_LESSON_SHARE or the pack's ``min_lesson_share``; 0 turns it off). A refused
  "done" writes nothing, so the interval it would have added is still counted by the
  next request on the lesson.

Times are the app server's clock (UTC); an interval that comes out negative (two
servers' clocks a moment apart) counts as 0.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeRules:
    """The settings that apply to one course version."""

    #: Share of a lesson's estimated reading time needed before "done" (0 = no minimum).
    min_share: float
    #: Longest credited interval, as a multiple of the lesson's estimated time (≥ 1).
    gap_factor: float

    def required_seconds(self, lesson_minutes: int) -> int:
        """Seconds a lesson must have been credited before it can be marked done."""
        return math.ceil(self.min_share * lesson_minutes * 60)

    def cap_seconds(self, lesson_minutes: int) -> int:
        """Most seconds one interval between two requests can add to a lesson."""
        return math.floor(self.gap_factor * lesson_minutes * 60)


def credited_seconds(now: dt.datetime, lesson_last_seen: dt.datetime,
                     enrollment_last_activity: dt.datetime | None, cap: int) -> int:
    """Whole seconds a request at ``now`` adds to a lesson already opened (see above)."""
    since = lesson_last_seen
    if enrollment_last_activity is not None and enrollment_last_activity > since:
        since = enrollment_last_activity
    seconds = math.floor((now - since).total_seconds())
    return max(0, min(cap, seconds))


def minutes_left(seconds_left: int) -> int:
    """Whole minutes to tell the learner: rounded up, at least 1."""
    return max(1, math.ceil(seconds_left / 60))
