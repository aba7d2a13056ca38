"""Tests for quizzes.gift: real-world files, error reporting and round trips."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.gift import (BLANK, SUPPORTED_FORMATS, GiftParseError, ParsedQuestion,
                          blank_sentence, parse_gift)
from quizzes.gift_export import export_gift
from quizzes.grading import grade_multiple
from quizzes.question_types import default_registry

DATA = Path(__file__).resolve().parent.parent / "data" / "gift"
REGISTRY = default_registry()
VI_FILE, EN_FILE, CRLF_FILE = (
    "an_toan_thong_tin.vi.gift", "security_basics.en.gift", "categories_escapes_crlf_bom.gift")


def read(name: str) -> str:
    return (DATA / name).read_bytes().decode("utf-8")  # not utf-8-sig: the parser strips the BOM


def correct_response(question: ParsedQuestion) -> dict:
    payload = question.payload
    if question.type == "matching":
        return {"matches": {p["id"]: p["id"] for p in payload["pairs"] if p["prompt"]}}
    if question.type == "single":
        return {"choice": next(c["id"] for c in payload["choices"] if c["correct"])}
    if question.type == "multiple":
        return {"choices": [c["id"] for c in payload["choices"] if c["correct"]]}
    if question.type == "true_false":
        return {"value": payload["answer"]}
    best = max(payload["answers"], key=lambda answer: answer["fraction"])
    if question.type == "short_answer":
        return {"text": best["text"]}
    return {"value": str(best["value"]).replace(".", ",")}


def test_vietnamese_quiz_types_titles_and_categories() -> None:
    questions = parse_gift(read(VI_FILE))
    assert [q.type for q in questions] == (
        ["single", "multiple"] + ["true_false"] * 4 + ["short_answer"] + ["numeric"] * 4
        + ["single"] * 2 + ["true_false"])
    first = questions[0]
    assert (first.title, first.line) == ("Nhận diện thư lừa đảo", 7)
    assert first.category == "$course$/An toàn thông tin/Lừa đảo trực tuyến"
    assert questions[3].category == "$course$/An toàn thông tin/Tài khoản và mật khẩu"
    assert first.text == {
        "vi": "Dấu hiệu nào cho thấy một thư điện tử có thể là thư lừa đảo (phishing)?"}
    assert first.explanation == {
        "vi": "Hãy kiểm tra kỹ địa chỉ người gửi và đường liên kết trước khi bấm."}


def test_vietnamese_quiz_answers_feedback_and_weights() -> None:
    questions = parse_gift(read(VI_FILE))
    assert questions[0].payload["choices"][1] == {
        "id": "c2", "text": {"vi": "Thư được gửi trong giờ hành chính"}, "correct": False,
        "feedback": {"vi": "Thời điểm gửi không phải dấu hiệu đáng tin cậy."}}
    weighted = questions[1]
    assert weighted.text_format == "markdown"
    assert weighted.text["vi"].startswith("Khi nhận được thư **nghi ngờ**")
    assert [(c["weight"], c["correct"]) for c in weighted.payload["choices"]] == [
        (50, True), (50, True), (-100, False), (-100, False)]
    assert [q.payload["answer"] for q in questions[2:6]] == [False, True, False, True]
    assert questions[3].payload == {
        "answer": True, "feedback_true": {"vi": "Đúng vậy!"},
        "feedback_false": {"vi": "Chưa đúng: 2FA đòi hỏi thêm một yếu tố nữa."}}
    # {FALSE#...}: the first feedback is for the wrong answer, i.e. picking "true".
    assert questions[4].payload["feedback_true"] == {
        "vi": "Không an toàn: dữ liệu có thể bị nghe lén."}
    assert [(a["text"], a["fraction"]) for a in questions[6].payload["answers"]] == [
        ("mã độc", 1.0), ("phần mềm độc hại", 1.0), ("malware", 1.0), ("virus", 0.5)]
    numbers = [[(a["value"], a["tolerance"], a["fraction"]) for a in q.payload["answers"]]
               for q in questions[7:11]]
    assert numbers == [[(6, 0, 1)], [(12, 4, 1)], [(12.5, 11.5, 1)], [(2017, 0, 1), (2017, 1, 0.5)]]


def test_vietnamese_quiz_escapes_and_formats() -> None:
    escaped, html, untitled = parse_gift(read(VI_FILE))[11:]
    assert escaped.text["vi"] == (
        "Trong biểu thức {a} = b, các dấu ~ và # có ý nghĩa gì?\nChọn một đáp án.")
    choice = escaped.payload["choices"][0]["text"]["vi"]
    assert choice == "Chúng là ký tự thường, đã được thoát bằng dấu \\"
    assert (html.text_format, html.text["vi"]) == (
        "html", "<p>Giao thức nào mã hóa kết nối tới trang web?</p>")
    assert (untitled.title, untitled.text_format, untitled.line) == ("", "moodle", 62)


def test_english_quiz_is_stored_under_the_requested_language() -> None:
    questions = parse_gift(read(EN_FILE), lang="en")
    assert len(questions) == 8 and all(set(q.text) == {"en"} for q in questions)
    report = questions[0].payload["choices"][1]
    assert report["correct"] and report["feedback"]["en"].startswith("Right")
    assert questions[3].explanation == {"en": "Unlocked screens let anyone act in your name."}
    range_answer = {"value": 4.0, "tolerance": 3.0, "fraction": 1.0, "feedback": None}
    assert questions[6].payload["answers"] == [range_answer]


def test_crlf_bom_categories_comments_and_escapes() -> None:
    raw = (DATA / CRLF_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") > 10  # really CRLF + BOM
    questions = parse_gift(raw.decode("utf-8"))
    nested = "$course$/Escapes/Nested path"
    assert [(q.title, q.line, q.category) for q in questions] == [
        ("Colon: in a title", 5, "$course$/Escapes"), ("Address", 12, nested),
        ("Multi-line", 14, nested), ("Tiếng Việt", 18, nested)]
    first = questions[0].payload["choices"][0]
    assert first["text"]["vi"] == "~ = # { } : and \\"
    assert first["feedback"] == {"vi": "Yes: all of them."}
    assert questions[1].text["vi"].startswith("The address https://dichvucong.gov.vn")
    assert questions[2].text["vi"] == (
        "This question\nspans two source lines\nand has an escaped line break.")
    assert all("\r" not in q.text["vi"] for q in questions)


def test_blank_input_decomposed_text_and_format_case() -> None:
    assert parse_gift("") == [] and parse_gift("\ufeff// chỉ có chú thích\r\n\r\n") == []
    [question] = parse_gift(unicodedata.normalize("NFD", "::Đề::[HTML]Mã độc? {=Đúng ~Sai}"))
    assert question.text == {"vi": "Mã độc?"} and question.title == "Đề"
    assert question.text_format == "html"
    assert question.payload["choices"][0]["text"] == {"vi": "Đúng"}


@pytest.mark.parametrize("name", [VI_FILE, EN_FILE, CRLF_FILE])
def test_data_files_validate_grade_and_round_trip(name: str) -> None:
    questions = parse_gift(read(name))
    for question in questions:
        kind = REGISTRY.get(question.type)
        assert kind.validate(question.payload) == []
        if not kind.graded:
            continue
        response = correct_response(question)
        assert kind.grade(question.payload, response, {"multiple_scoring": "partial"}).score == 1
    assert parse_gift(export_gift(questions)) == questions


@pytest.mark.parametrize("path", sorted(DATA.glob("invalid_*.gift")), ids=lambda path: path.stem)
def test_invalid_files_report_line_and_code(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = re.match(r"// expect-error: line=(\d+) code=(\S+)", text)
    with pytest.raises(GiftParseError) as caught:
        parse_gift(text)
    assert (caught.value.line, caught.value.code) == (int(expected.group(1)), expected.group(2))
    assert str(caught.value).startswith(f"line {caught.value.line}: ")


PREFIX = "// đề thi\n::Hợp lệ::Câu hợp lệ {T}\n\n"  # the broken question starts on line 4


@pytest.mark.parametrize(("source", "line", "code"), [
    ("::Tự luận::Trình bày ý kiến. {}", 4, "unsupported-essay"),
    ("::Tự luận::Trình bày ý kiến.\n{\n####Gợi ý: nêu ba ý.\n}", 5, "unsupported-essay"),
    ("::Ghép::Ghép cặp.\n{\n=a -> 1\n}", 5, "invalid-answers"),  # one pair is no matching
    ("::Ghép::Ghép cặp.\n{\n=a -> 1\n=%50%b -> 2\n}", 7, "invalid-answers"),
    ("Có {#12} ký tự và {=là ~không là} duy nhất.", 4, "unsupported-embedded"),
    ("Có {#12} ký tự\nvà {=là ~không là} duy nhất.", 4, "unsupported-embedded"),
    ("Câu một {T}\nCâu hai {F}", 5, "missing-blank-line"),
    ("Câu một {T}\n::Câu hai::Đúng không? {F}", 5, "missing-blank-line"),
    ("Mã OTP {T} dùng một lần.", 4, "unsupported-missing-word"),  # true/false has no blank
    ("Chọn {~a =b} và _____ nữa.", 4, "unsupported-missing-word"),
    ("::T::\n[latex] x {T}", 5, "unsupported-format"),
    ("::T::Chọn {=a =b ~c}", 4, "invalid-answers"),
    ("::T::Chọn {=%50%a ~b ~c}", 4, "invalid-weight"),
    ("::T::Chọn {=a ~%100%b ~c}", 4, "invalid-weight"),
    ("::T::Chọn {\n~%50%a\n~%40%b\n}", 4, "invalid-weight"),
    ("::T::Chọn {\n~a\n~%150%b\n}", 6, "invalid-weight"),
    ("::T::Chọn {~a ~b}", 4, "no-correct-answer"),
    ("::T::Gõ {=%50%a}", 4, "no-correct-answer"),
    ("::T::Số {#\n=5:0\n=abc\n}", 6, "invalid-number"),
    ("::T::Số {#1,5}", 4, "invalid-number"),
    ("::T::Số {#5..1}", 4, "invalid-number"),
    ("::T::Số {#5:-1}", 4, "invalid-number"),
    ("::T::Số {#\n=5\n~6\n}", 6, "invalid-answers"),
    ("::T::Đúng sai {T#a#b#c}", 4, "invalid-answers"),
    ("::T::Câu {abc}", 4, "invalid-answers"),
    ("::T::Câu {=a\n=\n}", 5, "invalid-answers"),
    ("::T::Câu\n{=a", 5, "unclosed-answers"),
    ("::T::Câu {=a {=b}}", 4, "syntax-error"),
    ("::Chưa đóng tiêu đề {T}", 4, "unclosed-title"),
    ("::T:: {T}", 4, "empty-question"),
])
def test_errors_point_at_the_offending_line(source: str, line: int, code: str) -> None:
    with pytest.raises(GiftParseError) as caught:
        parse_gift(PREFIX + source + "\n\nCâu sau {T}")
    assert (caught.value.line, caught.value.code) == (line, code), caught.value.message


def test_export_escapes_and_guards_ambiguous_text() -> None:
    text = {"vi": "[ghi chú] {x} = ~y # z: \\ 100%\nhết"}
    payload = {"answer": True, "feedback_true": None, "feedback_false": None}
    question = ParsedQuestion("true_false", "a::b", text, payload)
    exported = export_gift([question])
    assert exported.startswith(
        "::a\\:\\:b::[moodle][ghi chú] \\{x\\} \\= \\~y \\# z\\: \\\\ 100%\\nhết {TRUE\n}")
    assert parse_gift(exported) == [question]
    for start in ("// not a comment", "$CATEGORY: not a category", "\ufeffnot a BOM"):
        untitled = ParsedQuestion("true_false", "", {"vi": start}, payload)
        assert parse_gift(export_gift([untitled])) == [untitled]
    answer = {"value": 1e-7, "tolerance": 2e20, "fraction": 1.0, "feedback": None}
    numeric = ParsedQuestion("numeric", "", {"vi": "Số?"}, {"answers": [answer]})
    assert "=0.0000001:200000000000000000000" in export_gift([numeric])
    answers = [{"text": "virus", "fraction": 0.29, "feedback": None},
               {"text": "%", "fraction": 1.0, "feedback": None}]
    short = ParsedQuestion("short_answer", "", {"vi": "Gõ"}, {"answers": answers})
    assert "\n\t=%29%virus\n\t=%100%%\n}" in export_gift([short])  # readable, '%' kept literal


def test_unweighted_multiple_exports_weights_with_the_same_scores() -> None:
    choices = [{"id": f"c{n}", "text": {"vi": f"ý {n}"}, "correct": n <= 3, "feedback": None}
               for n in range(1, 6)]
    original = ParsedQuestion("multiple", "", {"vi": "Chọn"}, {"choices": choices})
    [parsed] = parse_gift(export_gift([original]))
    weights = [c["weight"] for c in parsed.payload["choices"]]
    assert weights == [33.33333] * 3 + [-33.33333] * 2
    picks = (["c1"], ["c1", "c2"], ["c1", "c2", "c3"], ["c1", "c4"], ["c1", "c2", "c3", "c5"])
    for picked in picks:
        for mode in ("partial", "all_or_nothing"):
            expected = grade_multiple(original.payload, {"choices": picked}, mode).score
            got = grade_multiple(parsed.payload, {"choices": picked}, mode).score
            assert got == pytest.approx(expected, abs=1e-6)


# ---- properties -------------------------------------------------------------
# deadline=None: timing varies on loaded CI machines; example counts keep runs short.

FRAGMENTS = [
    "{", "}", "=", "~", "#", "####", "::", "\\", "\\n", "\n", "\n\n", "\r\n", "\r", "%50%",
    "%-100%", "%", "->", "..", ":", "T", "FALSE", "//", "$CATEGORY:", "[html]", "[xyz]", "5",
    "-1.5", "1e999", "mã độc", " ", "\ufeff",
]
gift_like = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=gift_like | st.text())
def test_parser_raises_only_gift_parse_error_and_yields_valid_payloads(text: str) -> None:
    last_line = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    try:
        questions = parse_gift(text)
    except GiftParseError as error:
        assert 1 <= error.line <= last_line and error.code and error.message
        return
    for question in questions:
        assert 1 <= question.line <= last_line
        assert REGISTRY.get(question.type).validate(question.payload) == []


def canonical(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


pieces = st.sampled_from([
    *"\\~=#{}:%[]/$->. ", "\n", "đ", "Đ", "ươ", "ạ", "ễ", "->", "####", "//", "$CATEGORY:",
    "\\n", "::", "%50%", "[html]", "T", "An toàn thông tin",
])
chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
texts = st.lists(pieces | chars, min_size=1, max_size=10).map("".join).map(canonical)
texts = texts.filter(lambda text: text != "" and canonical(text) == text)
localised = texts.map(lambda text: {"vi": text})
feedback = st.none() | localised


@st.composite
def choice_payloads(draw, kind: str) -> dict:
    count = draw(st.integers(2, 5))
    if kind == "multiple":
        flags = draw(st.lists(st.booleans(), min_size=count, max_size=count).filter(any))
    else:
        right = draw(st.integers(0, count - 1))
        flags = [n == right for n in range(count)]
    choices = [{"id": f"c{n + 1}", "text": draw(localised), "correct": flag,
                "feedback": draw(feedback)} for n, flag in enumerate(flags)]
    if kind == "single" and draw(st.booleans()):  # Moodle's partial credit on wrong answers
        weights = st.integers(-100, 99).map(float) | st.just(33.33333) | st.just(-12.5)
        for item in choices:
            item["weight"] = 100.0 if item["correct"] else draw(weights)
        assume(any(item["weight"] for item in choices if not item["correct"]))
    if kind == "multiple":
        wrong = st.integers(-100, 0) | st.just(-33.33333)
        for item in choices:
            item["weight"] = 100 / flags.count(True) if item["correct"] else draw(wrong)
    return {"choices": choices}


@st.composite
def payloads(draw, kind: str) -> dict:
    if kind in ("single", "multiple"):
        return draw(choice_payloads(kind))
    if kind == "true_false":
        return {"answer": draw(st.booleans()), "feedback_true": draw(feedback),
                "feedback_false": draw(feedback)}
    fractions = st.lists(st.integers(0, 100).map(lambda w: w / 100), max_size=3)
    fractions = draw(st.permutations([*draw(fractions), 1.0]))
    if kind == "short_answer":
        answers = [{"text": draw(texts), "fraction": f, "feedback": draw(feedback)}
                   for f in fractions]
        assume(not all("->" in answer["text"] for answer in answers))
        return {"answers": answers, "ignore_diacritics": False}
    values, margins = st.floats(allow_nan=False, allow_infinity=False), st.floats(0, 1e6)
    return {"answers": [{"value": draw(values), "tolerance": draw(margins), "fraction": f,
                         "feedback": draw(feedback)} for f in fractions]}


#: A matching prompt: the first "->" ends it, and a leading "%50%" would be a weight.
prompts = texts.filter(lambda text: "->" not in text and not re.match(r"\s*%-?[0-9]", text))


@st.composite
def matching_payloads(draw) -> dict:
    count = draw(st.integers(2, 5))
    pairs = [{"id": f"m{n + 1}", "prompt": {"vi": draw(prompts)}, "answer": draw(localised)}
             for n in range(count)]
    if draw(st.booleans()):  # shared answers ("mammal" twice)
        pairs[-1]["answer"] = dict(pairs[0]["answer"])
    for extra in range(draw(st.integers(0, 2))):  # answers that match nothing
        pairs.append({"id": f"m{count + extra + 1}", "prompt": None, "answer": draw(localised)})
    return {"pairs": pairs}


no_blank = texts.filter(lambda text: BLANK not in text)


@st.composite
def questions(draw) -> ParsedQuestion:
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "short_answer", "numeric",
                                 "matching", "description"]))
    text = draw(no_blank)
    if kind == "matching":
        payload = draw(matching_payloads())
    elif kind == "description":
        payload = {}
    else:
        payload = draw(payloads(kind))
    if kind in ("single", "short_answer") and draw(st.booleans()):  # missing word
        payload["blank"] = True
        text = blank_sentence(draw(st.just("") | no_blank), draw(no_blank))
    return ParsedQuestion(
        type=kind, title=draw(st.just("") | texts), text={"vi": text}, payload=payload,
        explanation={} if kind == "description" else draw(st.just({}) | localised),
        category=draw(st.none() | texts.filter(lambda t: "\n" not in t)),
        text_format=draw(st.sampled_from(SUPPORTED_FORMATS)),
    )


@settings(max_examples=200, deadline=None)
@given(originals=st.lists(questions(), min_size=1, max_size=4))
def test_export_then_parse_is_identity(originals: list[ParsedQuestion]) -> None:
    parsed = parse_gift(export_gift(originals))
    assert parsed == originals
    assert [q.line for q in parsed] == sorted({q.line for q in parsed})
    for question in parsed:
        assert REGISTRY.get(question.type).validate(question.payload) == []
