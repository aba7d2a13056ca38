"""Issue 13, point 10: a long lesson has an in-page contents list; the progress and the
"done" action are reachable at the top; the last lesson leads to the final quiz."""
import re

from courses.lesson_outline import MIN_SECTIONS, outline


def test_outline_anchors_every_section():
    body, entries = outline("<p>a</p><h2>Một &amp; hai</h2><p>b</p><h2><em>Ba</em></h2>")
    assert entries == [("muc-1", "Một & hai"), ("muc-2", "Ba")]
    assert '<h2 id="muc-1">Một &amp; hai</h2>' in body and '<h2 id="muc-2"><em>Ba</em></h2>' in body


def lesson_markdown(sections: int) -> str:
    return "\n\n".join(f"## Phần {n}\n\nNội dung phần {n}." for n in range(1, sections + 1))


def test_long_lesson_lists_its_sections_and_the_last_leads_to_the_quiz(client, create_learner, login,
                                                                       create_course, db):
    create_learner(username="hoa")
    course = create_course(code="TOC01", quiz=True)
    login("hoa")
    client.post(f"/courses/{course.code}/enrol")
    first = client.get(f"/courses/{course.code}/lessons/1").get_data(as_text=True)
    assert "Đã học 0/2 bài" in first
    assert 'href="#lms-lesson-done"' in first and 'id="lms-lesson-done"' in first
    assert f"/courses/{course.code}/quiz" not in first.split('class="lms-pager"')[0].split("</article>")[1]
    last = client.get(f"/courses/{course.code}/lessons/2").get_data(as_text=True)
    after_article = last.split("</article>")[1]
    assert f'href="/courses/{course.code}/quiz"' in after_article


def test_contents_only_for_long_lessons():
    _body, entries = outline(lesson_markdown(0))
    assert entries == [] and MIN_SECTIONS == 3
    _body, entries = outline("".join(f"<h2>Phần {n}</h2>" for n in range(1, 4)))
    assert [anchor for anchor, _text in entries] == ["muc-1", "muc-2", "muc-3"]
    assert all(re.fullmatch(r"muc-\d+", anchor) for anchor, _text in entries)
