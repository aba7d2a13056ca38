"""The matching question type: graded per pair (property tests), shuffled on the server
when an attempt starts, answered with plain selects (no JavaScript), and no page before
grading tells which answer belongs to which prompt. Missing-word questions and
information items in an attempt too."""
import random
import re

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import grade_matching
from quizzes.matching import Matching
from quizzes.models import Attempt, Question, Quiz
from tests.conftest import pack_files
from tests.quizzes.quiz_helpers import start

PAIRS = [("Phishing", "thư giả mạo lừa lấy mật khẩu"), ("Ransomware", "mã hóa dữ liệu đòi tiền chuộc"),
         ("Keylogger", "ghi lại phím gõ"), ("Botnet", "mạng máy tính bị điều khiển từ xa")]
MATCHING = {"id": "threats", "type": "matching", "lesson": 1,
            "text": {"vi": "Ghép mỗi mối đe dọa với mô tả của nó", "en": "Match each threat"},
            "payload": {"pairs": [
                *({"id": f"m{n}", "prompt": {"vi": p, "en": p}, "answer": {"vi": a, "en": a}}
                  for n, (p, a) in enumerate(PAIRS, start=1)),
                {"id": "m5", "prompt": None, "answer": {"vi": "tường lửa", "en": "firewall"}}]},
            "explanation": {"vi": "GIẢI-THÍCH-GHÉP", "en": "EXPLANATION-MATCH"}}
BLANK = {"id": "blank", "type": "single", "lesson": 1,
         "text": {"vi": "Mã độc tống tiền _____ dữ liệu của nạn nhân.", "en": "Ransomware _____ the data."},
         "blank": True, "choices": [
             {"text": {"vi": "xóa sạch", "en": "wipes"}, "correct": False},
             {"text": {"vi": "mã hóa", "en": "encrypts"}, "correct": True}],
         "explanation": {"vi": "GIẢI-THÍCH-ĐIỀN", "en": "EXPLANATION-BLANK"}}
INFO = {"id": "intro", "type": "description", "lesson": 1,
        "text": {"vi": "THÔNG-TIN: được dùng giấy bút nháp.", "en": "INFO: pen and paper allowed."},
        "payload": {}, "explanation": {"vi": "—", "en": "—"}}


@pytest.fixture
def matching_course(app, db, app_context):
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    def make(**settings):
        files = pack_files(code="MATCH1", lessons=1, media=False)
        files["quiz.yaml"] = yaml.safe_dump({
            "settings": {"review": "after_passing", "questions_per_attempt": 2, **settings},
            "questions": [MATCHING, BLANK, INFO]}, allow_unicode=True).encode()
        with app_context():
            pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
            assert errors == [], errors
            course = import_pack(pack, publish=True).course
            db.commit()
        return course

    return make


def position_of(db, attempt_id, key):
    db.expire_all()
    attempt = db.get(Attempt, attempt_id)
    keys = {q.id: q.key for q in db.scalars(sa.select(Question).where(Question.id.in_(attempt.question_ids)))}
    return [keys[qid] for qid in attempt.question_ids].index(key) + 1


SELECT = re.compile(r'<label for="answer-(\d+)">([^<]*)</label>\s*<select name="answer-\1" id="answer-\1">(.*?)</select>',
                    re.DOTALL)
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def selects(html):
    """[(position, prompt, [(token, text, selected)])] of a matching page."""
    return [(int(position), prompt, [(t, text, bool(sel)) for t, sel, text in OPTION.findall(body)])
            for position, prompt, body in SELECT.findall(html)]


def test_a_learner_matches_with_selects_and_is_graded_per_pair(learner_client, matching_course, db):
    matching_course()
    attempt_id = start(learner_client, "MATCH1")
    position = position_of(db, attempt_id, "threats")
    html = learner_client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
    shown = selects(html)
    assert sorted(prompt for _, prompt, _ in shown) == sorted(p for p, _ in PAIRS)
    answers = {text: token for token, text, _ in shown[0][2] if token}
    assert sorted(answers) == sorted([a for _, a in PAIRS] + ["tường lửa"])
    right = dict(PAIRS)
    form = {}
    for index, (pos, prompt, _) in enumerate(shown):
        # Three right, one given the extra answer (wrong).
        form[f"answer-{pos}"] = answers["tường lửa"] if index == 0 else answers[right[prompt]]
    response = learner_client.post(f"/attempts/{attempt_id}/questions/{position}", data={**form, "go": "next"})
    assert response.status_code == 302
    # Shown again with each select on the saved answer.
    again = selects(learner_client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True))
    assert [[text for _, text, selected in options if selected] for _, _, options in again] == [
        ["tường lửa"], *([right[prompt]] for _, prompt, _ in again[1:])]
    learner_client.post(f"/attempts/{attempt_id}/submit")
    db.expire_all()
    attempt = db.get(Attempt, attempt_id)
    response_scores = {r.question_id: r.score for r in attempt.responses}
    quiz = db.get(Quiz, attempt.quiz_id)
    matching_id = next(q.id for q in quiz.questions if q.key == "threats")
    assert response_scores[matching_id] == pytest.approx(3 / 4)


def test_an_unknown_token_in_a_select_is_refused(learner_client, matching_course, db):
    matching_course()
    attempt_id = start(learner_client, "MATCH1")
    position = position_of(db, attempt_id, "threats")
    response = learner_client.post(f"/attempts/{attempt_id}/questions/{position}",
                                   data={"answer-1": "m1", "go": "next"})
    assert response.status_code == 400


def test_no_page_before_grading_tells_the_pairs(app, learner_client, matching_course, create_learner, db):
    """Every select lists the same tokens in the same order (by text); the prompts come in
    a random order drawn on the server; no pair id, no explanation on the page."""
    matching_course()
    first_prompts = set()
    clients = [learner_client]
    for number in range(12):
        create_learner(f"Người Ghép {number}", username=f"ghep{number}")
        other = app.test_client()
        other.post("/auth/login", data={"username": f"ghep{number}", "password": "correct horse battery"})
        clients.append(other)
    for client in clients:
        attempt_id = start(client, "MATCH1")
        position = position_of(db, attempt_id, "threats")
        html = client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
        shown = selects(html)
        orders = {tuple(text for _, text, _ in options) for _, _, options in shown}
        assert len(orders) == 1  # one order for every select …
        (order,) = orders
        assert list(order[1:]) == sorted(order[1:], key=str.casefold)  # … by text
        for value in ("m1", "m2", "m3", "m4", "m5"):
            assert f'value="{value}"' not in html and f'"{value}"' not in html
        assert "GIẢI-THÍCH" not in html and "EXPLANATION" not in html
        first_prompts.add(shown[0][1])
    assert len(first_prompts) > 1  # shuffled per attempt on the server


def test_a_missing_word_question_shows_its_sentence_with_a_select(learner_client, matching_course, db):
    matching_course()
    attempt_id = start(learner_client, "MATCH1")
    position = position_of(db, attempt_id, "blank")
    html = learner_client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
    sentence = re.search(r'<p class="lms-question-text lms-blank-sentence">Mã độc tống tiền (<select name="answer"[^>]*>.*?</select>) dữ liệu của nạn nhân.</p>',
                         html, re.DOTALL)
    assert sentence, html
    tokens = dict((text, token) for token, _sel, text in OPTION.findall(sentence.group(1)) if token)
    assert sorted(tokens) == ["mã hóa", "xóa sạch"]
    assert "_____" not in html
    learner_client.post(f"/attempts/{attempt_id}/questions/{position}", data={"answer": tokens["mã hóa"]})
    learner_client.post(f"/attempts/{attempt_id}/submit")
    db.expire_all()
    assert any(r.score == 1.0 for r in db.get(Attempt, attempt_id).responses)


def test_an_information_item_is_shown_before_the_quiz_and_never_drawn(
        app, app_context, learner_client, matching_course, create_learner, db):
    from quizzes import operations

    course = matching_course()
    learner_client.post("/courses/MATCH1/enrol")
    page = learner_client.get("/courses/MATCH1/quiz").get_data(as_text=True)
    assert "Trước khi làm bài" in page and "THÔNG-TIN: được dùng giấy bút nháp." in page
    assert "2 câu hỏi" in page
    with app_context():
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        info_id = next(q.id for q in quiz.questions if q.key == "intro")
        for number in range(15):
            learner = create_learner(staff_code=f"INFO-{number}")
            attempt = operations.start_attempt(quiz, learner.id, rng=random.Random(number))
            assert info_id not in attempt.question_ids and len(attempt.question_ids) == 2


# --- grading, as properties ---------------------------------------------------------------

answers = st.text(min_size=1, max_size=4)


@st.composite
def matching_payloads(draw):
    count = draw(st.integers(2, 6))
    texts = draw(st.lists(answers, min_size=count, max_size=count))
    pairs = [{"id": f"m{n}", "prompt": {"vi": f"P{n}"}, "answer": {"vi": text}}
             for n, text in enumerate(texts)]
    extras = draw(st.lists(answers, max_size=2))
    pairs += [{"id": f"x{n}", "prompt": None, "answer": {"vi": text}} for n, text in enumerate(extras)]
    return {"pairs": draw(st.permutations(pairs))}


def prompts_of(payload):
    return [p for p in payload["pairs"] if p["prompt"]]


@given(payload=matching_payloads(), data=st.data())
def test_the_score_is_the_share_of_prompts_given_an_answer_with_their_text(payload, data):
    values = Matching.option_values(payload)
    answer_of = {p["id"]: p["answer"] for p in payload["pairs"]}
    prompts = prompts_of(payload)
    matches = {p["id"]: data.draw(st.sampled_from(values) | st.none() | st.text(max_size=3))
               for p in prompts}
    grade = grade_matching(payload, {"matches": matches})
    expected = sum(1 for p in prompts if matches[p["id"]] in answer_of
                   and answer_of[matches[p["id"]]] == p["answer"]) / len(prompts)
    assert grade.score == pytest.approx(expected)
    assert 0 <= grade.score <= 1 and grade.is_correct == (grade.score == 1)


@given(payload=matching_payloads())
def test_every_prompt_given_its_own_answer_scores_full_marks(payload):
    matches = {p["id"]: p["id"] for p in prompts_of(payload)}
    assert grade_matching(payload, {"matches": matches}).score == 1
    # The option offered for a shared answer (the first pair holding it) is right as well.
    canonical = {}
    for pair in payload["pairs"]:
        canonical.setdefault(tuple(pair["answer"].items()), pair["id"])
    options = {p["id"]: canonical[tuple(p["answer"].items())] for p in prompts_of(payload)}
    assert set(options.values()) <= set(Matching.option_values(payload))
    assert grade_matching(payload, {"matches": options}).score == 1


@given(payload=matching_payloads(), response=st.none() | st.integers() | st.text()
       | st.dictionaries(st.text(max_size=3), st.text(max_size=3) | st.integers()))
def test_malformed_responses_never_raise_and_never_score_above_what_they_match(payload, response):
    grade = grade_matching(payload, response if not isinstance(response, dict) else {"matches": response})
    assert 0 <= grade.score <= 1


@given(payload=matching_payloads(), seed=st.integers(0, 2**32 - 1))
def test_the_page_view_never_pairs_prompts_with_options(payload, seed):
    """The public view lists options by text whatever the attempt's order, and its
    prompts carry no id: nothing in it depends on the key."""
    from quizzes.attempt_options import assign_tokens

    pairs = assign_tokens(Matching.option_values(payload), random.Random(seed), shuffle=True)
    view = Matching.public_view(payload, [v for _, v in pairs], "vi")
    assert [c["text"] for c in view["choices"]] == sorted((c["text"] for c in view["choices"]),
                                                          key=lambda t: t.casefold())
    assert all(set(prompt) == {"text"} for prompt in view["prompts"])
    page = Matching.tokenise(payload, view, pairs, None)
    assert {c["token"] for c in page["choices"]} == {token for token, _ in pairs}
    assert all(set(c) == {"token", "text"} for c in page["choices"])
