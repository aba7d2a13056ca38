"""The quiz of the quiz-engine tests (tests/quizzes/test_attempts.py) and how a learner
goes through it, shared by the other quiz tests, tests/courses/ and tests/credits/
(``pass_quiz``). The ``make_quiz_course`` and ``learner_client`` fixtures are in
tests/quizzes/conftest.py."""
import re

import sqlalchemy as sa
import yaml

from quizzes.models import Attempt
from tests.conftest import pack_files

QUESTIONS = [
    {"id": "phishing", "type": "single", "tags": ["mail"],
     "text": {"vi": "Thư nào đáng ngờ nhất?", "en": "Which mail is most suspicious?"},
     "choices": [
         {"text": {"vi": "Thư yêu cầu gửi mã OTP", "en": "Asks for the OTP"}, "correct": True,
          "feedback": {"vi": "PHẢN-HỒI-ĐÚNG-OTP", "en": "FEEDBACK-RIGHT-OTP"}},
         {"text": {"vi": "Thư mời họp nội bộ", "en": "Internal meeting"}, "correct": False,
          "feedback": {"vi": "PHẢN-HỒI-SAI-HỌP", "en": "FEEDBACK-WRONG-MEETING"}}],
     "explanation": {"vi": "GIẢI-THÍCH-OTP", "en": "EXPLANATION-OTP"}},
    {"id": "twofa", "type": "multiple", "tags": ["account"],
     "text": {"vi": "Chọn các cách bảo vệ tài khoản", "en": "Pick ways to protect an account"},
     "choices": [
         {"text": {"vi": "Bật xác thực hai lớp", "en": "Turn on 2FA"}, "correct": True},
         {"text": {"vi": "Dùng cụm mật khẩu dài", "en": "Use a long passphrase"}, "correct": True},
         {"text": {"vi": "Chia sẻ mật khẩu qua Zalo", "en": "Share it on Zalo"}, "correct": False}],
     "explanation": {"vi": "GIẢI-THÍCH-2FA", "en": "EXPLANATION-2FA"}},
    {"id": "report", "type": "true_false", "tags": ["incident"],
     "text": {"vi": "Cần báo ngay cho bộ phận CNTT khi nghi bị tấn công.", "en": "Report at once."},
     "answer": True, "explanation": {"vi": "GIẢI-THÍCH-BÁO", "en": "EXPLANATION-REPORT"}},
    {"id": "otp-digits", "type": "numeric", "tags": ["account"],
     "text": {"vi": "Mã OTP ngân hàng thường có bao nhiêu chữ số?", "en": "How many digits?"},
     "answer": 6, "tolerance": 0, "explanation": {"vi": "GIẢI-THÍCH-SỐ", "en": "EXPLANATION-DIGITS"}},
    {"id": "malware", "type": "short_answer", "tags": ["mail"],
     "text": {"vi": "Phần mềm độc hại gọi tắt là gì?", "en": "Short name of malicious software?"},
     "answers": {"vi": ["mã độc"], "en": ["malware"]}, "ignore_diacritics": True,
     "explanation": {"vi": "GIẢI-THÍCH-MÃ-ĐỘC", "en": "EXPLANATION-MALWARE"}},
]
#: Choices are named by their (Vietnamese) text, as a learner reads them: the page carries
#: only this attempt's tokens, found next to the label (see form_data).
CORRECT = {"phishing": {"pick": ["Thư yêu cầu gửi mã OTP"]},
           "twofa": {"pick": ["Bật xác thực hai lớp", "Dùng cụm mật khẩu dài"]},
           "report": {"pick": ["Đúng"]}, "otp-digits": {"answer": "6"}, "malware": {"answer": "MA DOC"}}
WRONG = {"phishing": {"pick": ["Thư mời họp nội bộ"]}, "twofa": {"pick": ["Chia sẻ mật khẩu qua Zalo"]},
         "report": {"pick": ["Sai"]}, "otp-digits": {"answer": "4"}, "malware": {"answer": "virus"}}
OPTION = re.compile(r'<input type="(?:radio|checkbox)" name="answer" id="c-([^"]+)" value="([^"]+)"'
                    r'(?: checked)?><label for="c-[^"]+">([^<]*)</label>')

#: The lesson each question tests in a two-lesson pack ("malware" names none).
LESSONS = {"phishing": 1, "twofa": 2, "report": 2, "otp-digits": 1}


def quiz_pack(lessons=1, **settings):
    files = pack_files(code="QUIZT1", lessons=lessons, media=False)
    base = {"questions_per_attempt": 5, "review": "after_passing", "max_attempts": 3}
    base.update(settings)
    questions = QUESTIONS if lessons == 1 else [
        {**question, **({"lesson": LESSONS[question["id"]]} if question["id"] in LESSONS else {})}
        for question in QUESTIONS]
    files["quiz.yaml"] = yaml.safe_dump({"settings": {k: v for k, v in base.items() if v is not None},
                                         "questions": questions}, allow_unicode=True).encode()
    return files


def start(client, code="QUIZT1"):
    client.post(f"/courses/{code}/enrol")
    response = client.post(f"/courses/{code}/quiz/start")
    match = re.match(r"/attempts/(\d+)/questions/1$", response.headers.get("Location", ""))
    assert match, response.headers.get("Location")
    return int(match.group(1))


def keys_in_order(db, attempt_id):
    db.expire_all()
    attempt = db.get(Attempt, attempt_id)
    from quizzes.models import Question

    keys = {q.id: q.key for q in db.scalars(sa.select(Question).where(Question.id.in_(attempt.question_ids)))}
    return [keys[qid] for qid in attempt.question_ids]


def page_options(client, attempt_id, position) -> dict[str, str]:
    """{label text: token} of the question page, read the way a learner reads it."""
    html = client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
    return {text: token for element_id, token, text in OPTION.findall(html) if element_id == token}


def form_data(client, attempt_id, position, spec) -> dict:
    if "pick" not in spec:
        return dict(spec)
    options = page_options(client, attempt_id, position)
    return {"answer": [options[text] for text in spec["pick"]]}


def answer_all(client, db, attempt_id, answers):
    for position, key in enumerate(keys_in_order(db, attempt_id), start=1):
        data = form_data(client, attempt_id, position, answers[key])
        response = client.post(f"/attempts/{attempt_id}/questions/{position}", data={**data, "go": "next"})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def pass_quiz(client, code, *, right=True):
    """Read every lesson, then answer the one true/false question and submit."""
    client.post(f"/courses/{code}/enrol")
    for number in (1,):
        client.post(f"/courses/{code}/lessons/{number}/done")
    response = client.post(f"/courses/{code}/quiz/start")
    match = re.match(r"/attempts/(\d+)/questions/1$", response.headers.get("Location", ""))
    assert match, (response.status_code, response.headers.get("Location"))
    attempt_id = int(match.group(1))
    options = page_options(client, attempt_id, 1)
    client.post(f"/attempts/{attempt_id}/questions/1",
                data={"answer": [options["Đúng" if right else "Sai"]], "go": "next"})
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    return attempt_id
