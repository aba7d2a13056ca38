"""Courses: content packs, lessons, enrolment, progress and completion."""
