"""The host question-type example of docs/question-types.md works as written."""
import re
from pathlib import Path

import yaml

from quizzes.pack_quiz import read_quiz

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "question-types.md"


def test_documented_custom_type_registers_grades_and_loads_from_a_pack(app):
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    exec(compile(code, str(DOC), "exec"), {"app": app})
    registry = app.extensions["lms"].question_types
    year = registry.get("year")
    assert year.grade({"year": 1954}, {"value": "1955"}).score == 1.0
    assert year.grade({"year": 1954}, {"value": "1960"}).score == 0.0
    assert year.grade({"year": 1954}, {"value": "năm"}).score == 0.0
    assert "1954" not in str(year.public_view({"year": 1954}))
    assert year.describe_correct({"year": 1954}, "vi") == "1954 (± 1)"
    assert year.describe_answer({"year": 1954}, {"value": "1955"}, "vi") == "1955"
    assert year.template == "lms/quizzes/types/text.html"  # the default input
    question = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1))
    quiz, errors = read_quiz({"questions": question}, {}, registry)
    assert errors == []
    assert quiz.questions[0].payload == {"year": 1954}
