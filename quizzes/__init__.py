"""Quizzes: pluggable question types, pure grading, GIFT import/export, attempts."""
