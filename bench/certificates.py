"""Certificate benchmark, one command, ratios measured in the same run (these machines'
CPU speed changes from second to second, so absolute numbers from two runs do not compare):

Render and serve are CPU time of this process (``time.process_time``): the other work on
a shared 2-core machine does not count against either.

1. render time per certificate in a warm process (xhtml2pdf, the shipped template), next to
   plain reportlab drawing the same text with the same font: the floor;
2. time to serve the stored certificate through the app (test client, full request: sign-in
   cookie, policy, ETag, headers); serving must be at least 20× faster than rendering;
3. time to issue N certificates through the queue (completion → receiver → outbox → render
   task → stored file), tasks run at once in this process (LMS_TASK_QUEUE_IMMEDIATE).

Run:  .venv/bin/python bench/certificates.py [--renders 30] [--serves 300] [--issue 1000]
Exit status 1 when serving is not at least 20× faster than rendering.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_app(folder: Path):
    from flask import Flask

    from lms.extension import LMS
    from lms.migrations_runner import upgrade
    from tests.conftest import make_test_config

    app = Flask("bench", instance_path=str(folder / "instance"), static_folder=None)
    app.config.update(make_test_config(LMS_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}"))
    LMS(app)
    with app.app_context():
        upgrade()
    return app


def seed(app, count: int):
    """A unit, a course and ``count`` learners (one with an account)."""
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations
    from lms.db import get_session
    from tests.conftest import PASSWORD, pack_files

    with app.app_context():
        unit = operations.create_org_unit("DSVH", "Phòng Quản lý Di sản văn hóa", "Heritage", None)
        pack, errors = validate_pack(pack_files(code="BENCH1", lessons=1, media=False,
                                                title_vi="Chuyển đổi số cho công chức"),
                                     app.extensions["lms"].pack_parts)
        assert not errors, errors
        course_id = import_pack(pack, publish=True).course.id
        ids = [operations.create_learner(full_name=f"Nguyễn Thị Hường {n}", staff_code=f"B{n:05d}",
                                         org_unit=unit).id for n in range(count)]
        from lms.accounts.models import Learner

        operations.create_account(get_session().get(Learner, ids[0]), "bench", PASSWORD)
        get_session().commit()
    return course_id, ids


def complete(app, course_id: int, learner_id: int) -> None:
    from courses import operations
    from courses.models import Course
    from lms.accounts.models import Learner
    from lms.db import get_session, unit_of_work

    with app.app_context(), unit_of_work():
        session = get_session()
        course, learner = session.get(Course, course_id), session.get(Learner, learner_id)
        enrollment = operations.enrol(learner, course)
        operations.mark_lesson_done(enrollment, course.lessons[0], learner)


def time_render(app, certificate_id: int, rounds: int) -> list[float]:
    from certificates.models import Certificate
    from certificates.rendering import render_certificate
    from lms.db import get_session

    times = []
    with app.app_context(), app.test_request_context():
        certificate = get_session().get(Certificate, certificate_id)
        render_certificate(certificate, "vi")  # warm: fonts and templates loaded once
        for _ in range(rounds):
            start = time.process_time()
            render_certificate(certificate, "vi")
            times.append(time.process_time() - start)
    return times


def time_reportlab(rounds: int) -> list[float]:
    """The same lines of text drawn with plain reportlab and the same TrueType font."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from certificates.pdf import FONT_DIR, qr_data_uri

    pdfmetrics.registerFont(TTFont("BenchSerif", str(FONT_DIR / "LiberationSerif-Regular.ttf")))
    lines = ["UBND TỈNH ĐIỆN BIÊN", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc", "GIẤY CHỨNG NHẬN",
             "HOÀN THÀNH KHÓA BỒI DƯỠNG", "Nguyễn Thị Hường 0", "Ngày sinh: 07/03/1990",
             "Đơn vị: Phòng Quản lý Di sản văn hóa", "Chuyển đổi số cho công chức", "1 tiết",
             "Kết quả: Đạt", "Số: 00001/2026/GCN-SVHTTDL", "Điện Biên, ngày 01 tháng 12 năm 2026",
             "GIÁM ĐỐC"]
    times = []
    for _ in range(rounds + 1):
        start = time.process_time()
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer, pagesize=landscape(A4))
        page.setFont("BenchSerif", 14)
        for number, line in enumerate(lines):
            page.drawCentredString(420, 560 - number * 30, line)
        qr_data_uri("http://127.0.0.1:5000/verify/ABCD-EFGH-JKMN-PQRS-TVWX")  # same QR work
        page.showPage()
        page.save()
        times.append(time.process_time() - start)
    return times[1:]


def time_serve(app, certificate_id: int, rounds: int) -> list[float]:
    from tests.conftest import PASSWORD

    client = app.test_client()
    client.post("/auth/login", data={"username": "bench", "password": PASSWORD})
    url = f"/certificates/{certificate_id}/pdf"
    assert client.get(url).status_code == 200  # stored already: a plain read
    times = []
    for _ in range(rounds):
        start = time.process_time()
        response = client.get(url)
        response.close()
        times.append(time.process_time() - start)
        assert response.status_code == 200
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--serves", type=int, default=300)
    parser.add_argument("--issue", type=int, default=1000, help="certificates issued through the queue")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        course_id, learner_ids = seed(app, options.issue + 1)
        complete(app, course_id, learner_ids[0])
        import sqlalchemy as sa

        from certificates.models import Certificate, CertificateFile
        from lms.db import get_session

        with app.app_context():
            certificate_id = get_session().scalar(sa.select(Certificate.id))
        render = statistics.median(time_render(app, certificate_id, options.renders))
        floor = statistics.median(time_reportlab(options.renders))
        serve = statistics.median(time_serve(app, certificate_id, options.serves))
        start = time.perf_counter()
        for learner_id in learner_ids[1:]:
            complete(app, course_id, learner_id)
        issue_seconds = time.perf_counter() - start
        with app.app_context():
            files = get_session().scalar(sa.select(sa.func.count()).select_from(CertificateFile))
            serials = get_session().scalars(sa.select(Certificate.seq).order_by(Certificate.seq)).all()
        app.extensions["lms"].database.dispose()
    print(f"render (xhtml2pdf, warm)   CPU median {render * 1000:8.1f} ms")
    print(f"reportlab, same text       CPU median {floor * 1000:8.1f} ms   render/reportlab = {render / floor:5.1f}×")
    print(f"serve stored PDF (app)     CPU median {serve * 1000:8.2f} ms   render/serve     = {render / serve:5.1f}×")
    print(f"issue {options.issue} through the queue  {issue_seconds:8.1f} s    "
          f"({issue_seconds / max(options.issue, 1) * 1000:.1f} ms each, {files} files stored)")
    ok = render / serve >= 20 and files == options.issue + 1 and serials == list(range(1, len(serials) + 1))
    print("serving ≥ 20× faster than rendering, every file stored, serials gap-free:",
          "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
