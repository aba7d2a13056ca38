"""Quizzes: pluggable question types, pure grading, GIFT import/export, attempts.

A feature (``lms.features``) that depends on ``courses`` (a quiz belongs to a course
version); courses never imports it. The link back is the app's registries (the final
quiz as a completion requirement, quiz.yaml as a content-pack part) and the
``quiz_submitted`` signal.
"""
from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ("courses",)


def load_models() -> None:
    import quizzes.models  # noqa: F401  (the import defines the tables)


def init_app(app, state) -> None:
    """Question types, quiz pages, commands, the final-quiz requirement, the quiz.yaml
    pack part and the periodic closing of overdue attempts."""
    from lms import cli as lms_cli
    from quizzes import cli, completion, pack_part, tasks
    from quizzes.blueprint import quizzes_blueprint
    from quizzes.question_types import default_registry

    state.question_types = default_registry()
    state.blueprint.register_blueprint(quizzes_blueprint)
    for command in cli.COMMANDS:
        lms_cli.add_command(state, command)
    state.completion_requirements.register("final_quiz", completion.FinalQuizPassed())
    state.pack_parts.register(pack_part.FILE_NAME, pack_part.QuizPackPart(state.question_types))
    tasks.register_tasks(state.tasks)
