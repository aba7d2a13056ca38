"""Reading the learner's home page in tests: the two parts of the mandatory courses."""
from __future__ import annotations


def mandatory_parts(html: str) -> tuple[str, str]:
    """(open, done): the HTML of the list of mandatory courses still to do and of the
    "Đã hoàn thành" part ("" for a part not shown)."""
    open_part = done_part = ""
    if 'class="lms-todo"' in html:
        open_part = html.split('class="lms-todo"', 1)[1].split("</ul>", 1)[0]
    if 'id="lms-mandatory-done-heading"' in html:
        done_part = html.split('id="lms-mandatory-done-heading"', 1)[1].split("</ul>", 1)[0]
    return open_part, done_part
