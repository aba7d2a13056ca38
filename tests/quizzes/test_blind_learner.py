"""A learner who does not read cannot pass a shipped final quiz except by chance.

Each shipped pack is imported as ``make run`` does (``flask lms import-pack --shipped``:
read the folder, validate, import, publish). Then ``ATTEMPTS`` attempts go through the
production operations: ``start_attempt`` draws the questions, their order and the
option tokens; ``queries.learner_view`` builds what the question page shows (the
template renders exactly this); each strategy picks from that view only, and
``answer_from_form`` maps its picks back as a posted form would be. Each attempt is
graded in process for every strategy with the question type's own ``grade`` and the
pass rule; every ``REAL_EVERY``-th attempt is also answered for real by one strategy in
turn (``save_answer``, ``submit_attempt``), whose stored score and pass decision must
equal the in-process ones, and the others are handed in blank (score 0). So every strategy is
judged on ``ATTEMPTS`` independently drawn attempts, five times faster than giving
each strategy attempts of its own.

Strategies (never reading a question; typed answers are left empty):

(a) "first value": the option values in sort order, as a script answering "a" (and
    "a,b,c" for multiple choice) did when the values were the authoring ids;
(b) the first option displayed (multiple: the first one only);
(c) the longest option text (multiple: every option longer than the mean length);
(d) every option ticked (multiple); for one-answer questions, the last one displayed;
(e) "true" everywhere: the option labelled "Đúng" on true/false, (a) elsewhere.

The bound, for each quiz. A guesser who sees a question's type and even how many of its
options are correct, but nothing that tells them apart, succeeds on a question with k
options of which c are correct with probability at most p = 1 / C(k, c) (the options are
in a random order behind random tokens, so any set of c positions is right with
probability 1 / C(k, c), and a set of another size is never right under all-or-nothing
scoring): 1/k for single choice, 1/2 for true/false, 0 for a typed answer. Questions
are graded independently, so an attempt of n questions passes when at least
t = ceil(pass_mark · n / 100) are right, and P(pass) is a Poisson-binomial tail. That
tail only grows when any p grows, so the n largest p of the pool give an upper bound
p_pass for every draw (``questions_per_attempt`` or ``questions_per_tag``).

Over N = ATTEMPTS independent attempts the number of passes of such a guesser is at most
Binomial(N, p_pass) in the stochastic order; the test asserts

    passes ≤ q,   q = min { m : P(Binomial(N, p_pass) > m) ≤ TAIL },   TAIL = 1e-6,

so an honest random guesser fails this test with probability below one in a million,
while a strategy that reads the key off the page (or off a content habit such as "the
key is the longest option") passes far more often and fails it.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

ATTEMPTS = 200
#: Every REAL_EVERY-th attempt is answered for real (saved and submitted) by the
#: strategies in turn; saving is most of the test's time, and 40 real submissions per
#: quiz check the stored grading as well as 200 did.
REAL_EVERY = 5
TAIL = 1e-6
SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "content"
PACKS = sorted(p.name for p in SHIPPED.iterdir() if (p / "course.yaml").is_file())


# --- the bound ---------------------------------------------------------------------------

def question_chance(question_type: str, payload: dict) -> float:
    """Upper bound of a blind guesser's chance on one question (see the module docstring)."""
    if question_type in ("single", "multiple"):
        choices = payload["choices"]
        return 1 / math.comb(len(choices), sum(1 for c in choices if c["correct"]))
    if question_type == "true_false":
        return 0.5
    return 0.0  # a typed answer is not guessed


def poisson_binomial_tail(chances: list[float], at_least: int) -> float:
    distribution = [1.0]  # distribution[j] = P(j right so far)
    for p in chances:
        distribution = [(distribution[j] if j < len(distribution) else 0.0) * (1 - p)
                        + (distribution[j - 1] * p if j > 0 else 0.0)
                        for j in range(len(distribution) + 1)]
    return sum(distribution[at_least:])


def pass_chance_bound(chances: list[float], drawn: int, pass_mark: float) -> float:
    best = sorted(chances, reverse=True)[:drawn]
    # The grader passes score * 100 + 1e-9 >= pass_mark with score = right / drawn.
    needed = next(m for m in range(drawn + 1) if m / drawn * 100 + 1e-9 >= pass_mark)
    return poisson_binomial_tail(best, needed)


def binomial_upper_quantile(trials: int, p: float, tail: float) -> int:
    """The least m with P(Binomial(trials, p) > m) <= tail."""
    above = 1.0
    for m in range(trials + 1):
        above -= math.comb(trials, m) * p ** m * (1 - p) ** (trials - m)
        if above <= tail:
            return m
    return trials


def test_the_bound_itself():
    """The maths on cases worked out by hand."""
    assert poisson_binomial_tail([0.5, 0.5], 1) == pytest.approx(0.75)
    assert pass_chance_bound([0.25] * 4 + [0.5, 0.0], 2, 70) == pytest.approx(0.5 * 0.25)
    assert binomial_upper_quantile(200, 0.0, TAIL) == 0
    # P(Bin(10, 0.5) > 9) = 1/1024 and P(> 8) = 11/1024.
    assert binomial_upper_quantile(10, 0.5, 0.002) == 9
    assert binomial_upper_quantile(10, 0.5, 0.011) == 8


# --- the strategies ----------------------------------------------------------------------

def first_value(view):
    tokens = sorted(choice["token"] for choice in view["choices"])
    return tokens[:3] if view["type"] == "multiple" else tokens[:1]


def first_displayed(view):
    return [view["choices"][0]["token"]]


def longest_text(view):
    choices = view["choices"]
    if view["type"] == "multiple":
        mean = sum(len(c["text"]) for c in choices) / len(choices)
        return [c["token"] for c in choices if len(c["text"]) > mean]
    return [max(choices, key=lambda c: len(c["text"]))["token"]]


def every_choice(view):
    if view["type"] == "multiple":
        return [c["token"] for c in view["choices"]]
    return [view["choices"][-1]["token"]]


def true_everywhere(view):
    if view["type"] == "true_false":
        return [next(c["token"] for c in view["choices"] if c["text"] == "Đúng")]
    return first_value(view)


STRATEGIES = {"a-first-value": first_value, "b-first-displayed": first_displayed,
              "c-longest-text": longest_text, "d-every-choice": every_choice,
              "e-true-everywhere": true_everywhere}


# --- the run -----------------------------------------------------------------------------

@pytest.fixture
def shipped_quiz(app, app_context, db):
    """Import one shipped pack as `flask lms import-pack --shipped` does; its Quiz."""
    from courses.pack_files import read_folder
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from quizzes.models import Quiz

    def load(name: str):
        with app_context():
            pack, errors = validate_pack(read_folder(SHIPPED / name), app.extensions["lms"].pack_parts)
            assert errors == [], errors
            course = import_pack(pack, publish=True).course
            db.flush()
            return db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()

    return load


def attempt_size(quiz) -> int:
    per_tag = quiz.settings.get("questions_per_tag")
    if per_tag:
        return sum(per_tag.values())
    return quiz.settings.get("questions_per_attempt") or len(quiz.questions)


@pytest.mark.parametrize("pack_name", PACKS)
def test_blind_strategies_pass_no_more_often_than_chance(app, app_context, db, shipped_quiz, pack_name):
    from lms.accounts import operations as accounts
    from quizzes import operations, queries

    quiz = shipped_quiz(pack_name)
    # The bound assumes all-or-nothing grading of multiple choice (every question 0 or 1).
    assert quiz.settings.get("multiple_scoring", "all_or_nothing") == "all_or_nothing", pack_name
    drawn = attempt_size(quiz)
    chances = [question_chance(q.type, q.payload) for q in quiz.questions]
    p_pass = pass_chance_bound(chances, drawn, quiz.course.pass_mark)
    allowed = binomial_upper_quantile(ATTEMPTS, p_pass, TAIL)
    # A learner may not start again before the wait is over: then each attempt is someone new.
    per_learner = 1 if quiz.settings.get("wait_minutes") else quiz.settings.get("max_attempts") or ATTEMPTS
    registry = app.extensions["lms"].question_types
    names = list(STRATEGIES)
    results = dict.fromkeys(names, 0)
    with app_context():
        for number in range(ATTEMPTS):
            if number % per_learner == 0:
                learner = accounts.create_learner(full_name="Người Không Đọc", staff_code=f"BLIND-{number}")
            attempt = operations.start_attempt(quiz, learner.id)
            questions = queries.attempt_questions(attempt)
            views = {q.id: queries.learner_view(attempt, q, {}, "vi") for q in questions}
            for name, strategy in STRATEGIES.items():
                # Typed answers are left empty; options are picked from the page view only.
                answers = {q.id: operations.answer_from_form(
                               attempt, q, MultiDict([("answer", t) for t in strategy(views[q.id])]))
                           for q in questions if views[q.id].get("choices")}
                score = sum(registry.get(q.type).grade(q.payload, answers.get(q.id, {}), quiz.settings).score
                            for q in questions) / len(questions)
                passed = score * 100 + 1e-9 >= quiz.course.pass_mark
                results[name] += passed
                if number % REAL_EVERY == 0 and name == names[number // REAL_EVERY % len(names)]:
                    # This strategy's turn to answer for real: saved, submitted, and the
                    # stored grade must be the one worked out here.
                    for question in questions:
                        if question.id in answers:
                            operations.save_answer(attempt, question, answers[question.id])
                    operations.submit_attempt(attempt)
                    assert (attempt.score, attempt.passed) == (pytest.approx(score), passed)
            if attempt.state == "in_progress":
                # Handed in blank, so the next attempt is a new draw (an attempt in
                # progress would be resumed): nothing saved scores nothing.
                operations.submit_attempt(attempt)
                assert (attempt.score, attempt.passed) == (0, False)
    over = {name: passes for name, passes in results.items() if passes > allowed}
    assert over == {}, (f"{pack_name}: {ATTEMPTS} attempts per strategy, chance bound "
                        f"p_pass={p_pass:.2e}, at most {allowed} passes allowed; got {results}")
