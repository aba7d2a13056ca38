"""Self-check of the shipped quiz banks (a test helper, not shipped code).

    .venv/bin/python -m tests.quiz_bank_report

prints per course: question count, type mix, lesson coverage, how often the key is the
longest single-choice option, the key/wrong length ratio, multiple-response balance and
true/false balance, computed on the Vietnamese and English texts. It reads the packs
through the real validator, so what it reports is what the LMS imports.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from courses.pack_files import read_folder
from courses.pack_validation import validate_pack
from quizzes.cue_lint import key_is_longest, key_is_shortest, key_length_ratio, true_false_counts
from quizzes.question_types import default_registry
from quizzes.pack_part import pack_parts

SHIPPED = Path(__file__).resolve().parents[1] / "courses" / "content"


def bank_numbers(pack) -> dict:
    questions = pack.parts["quiz.yaml"].questions
    singles = [q for q in questions if q.type == "single"]
    multiples = [q for q in questions if q.type == "multiple"]
    choices = singles + multiples
    balance = []
    for question in multiples:
        marks = [c["correct"] for c in question.payload["choices"]]
        balance.append((sum(marks), len(marks) - sum(marks)))
    trues, falses = true_false_counts([q for q in questions if q.type == "true_false"])
    return {
        "code": pack.code,
        "questions": len(questions),
        "drawn": pack.parts["quiz.yaml"].settings["questions_per_attempt"],
        "types": dict(Counter(q.type for q in questions)),
        "per_lesson": dict(sorted(Counter(q.lesson for q in questions).items(),
                                  key=lambda item: (item[0] is None, item[0] or 0))),
        "key_longest": {lang: (sum(key_is_longest(q, lang) for q in singles), len(singles))
                        for lang in ("vi", "en")},
        "key_shortest": {lang: sum(key_is_shortest(q, lang) for q in singles) for lang in ("vi", "en")},
        "key_length_ratio": {lang: round(key_length_ratio(choices, lang) or 0, 2)
                             for lang in ("vi", "en")},
        "multiple_correct_wrong": balance,
        "multiple_all_but_one": sum(1 for right, wrong in balance if wrong == 1 and right >= 2),
        "multiple_keys_outnumber": sum(1 for right, wrong in balance if right > wrong),
        "true_false": (trues, falses),
        "warnings": len(pack.warnings),
    }


def main() -> None:
    registry = default_registry()
    for folder in sorted(p for p in SHIPPED.iterdir() if (p / "course.yaml").is_file()):
        pack, errors = validate_pack(read_folder(folder), pack_parts(registry))
        if errors:
            print(folder.name, "INVALID:", *errors, sep="\n  ")
            continue
        numbers = bank_numbers(pack)
        print(f"{numbers['code']}: {numbers['questions']} questions "
              f"(drawn {numbers['drawn']}), types {numbers['types']}")
        print(f"  per lesson {numbers['per_lesson']}")
        for lang in ("vi", "en"):
            longest, total = numbers["key_longest"][lang]
            print(f"  {lang}: key longest in {longest}/{total} single-choice "
                  f"({longest / total:.0%}), shortest in {numbers['key_shortest'][lang]}/{total}; "
                  f"key/wrong length ratio "
                  f"{numbers['key_length_ratio'][lang]}")
        print(f"  multiple (correct, wrong): {numbers['multiple_correct_wrong']}; "
              f"all-but-one {numbers['multiple_all_but_one']}, "
              f"keys outnumber {numbers['multiple_keys_outnumber']}")
        print(f"  true/false: {numbers['true_false'][0]} true, {numbers['true_false'][1]} false; "
              f"lint warnings {numbers['warnings']}")


if __name__ == "__main__":
    main()
