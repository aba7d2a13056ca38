"""The README's `make run` steps, as the Makefile runs them: upgrade, shipped packs,
demo accounts — twice, creating nothing the second time, then the demo learner signs in."""
import re
from pathlib import Path

import sqlalchemy as sa

from lms import create_app

ROOT = Path(__file__).resolve().parent.parent


def run_steps():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [line.split("$(FLASK) ", 1)[1].split() for line in recipe.splitlines()
            if "$(FLASK) lms " in line]


def test_make_run_steps_are_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "quick-start-secret-0123456789-abcdefgh",
                      "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    steps = run_steps()
    assert [step[:2] for step in steps] == [["lms", "db"], ["lms", "import-pack"], ["lms", "load-demo"],
                                            ["lms", "credits"]]
    outputs = []
    for _round in range(2):
        for step in steps:
            result = app.test_cli_runner().invoke(args=step)
            assert result.exit_code == 0, (step, result.output)
            outputs.append(result.output)
    first_demo, second_demo = outputs[2], outputs[6]
    assert first_demo.count("password:") == 2 and "password:" not in second_demo
    assert outputs[5].count("unchanged") == 6
    assert "Đã tạo" in outputs[3] and "Đã tạo" not in outputs[7]  # credit defaults, once
    from courses.models import Course
    from lms.accounts.models import User

    with app.app_context():
        from lms.db import get_session

        session = get_session()
        assert session.scalar(sa.select(sa.func.count()).select_from(Course)) == 6
        assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
    password = re.search(r"username: hocvien\s+password: (\S+)", first_demo).group(1)
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/auth/login", data={"username": "hocvien", "password": password})
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Điểm học tập" in home and "0 / 8 điểm" in home  # the shipped target
    page = client.get("/courses").get_data(as_text=True)
    assert "An toàn thông tin cho cán bộ, công chức" in page
    assert "Dịch vụ công trực tuyến, VNeID và văn bản điện tử" in page
    # the sixth course's topic is its own, and the catalog filter finds it
    filtered = client.get("/courses?topic=e-government").get_data(as_text=True)
    assert "Dịch vụ công trực tuyến, VNeID và văn bản điện tử" in filtered
    assert "Chính phủ số và dịch vụ công" in filtered
    assert "An toàn thông tin cho cán bộ, công chức" not in filtered
    app.extensions["lms"].database.dispose()


def test_every_shipped_lesson_page_is_light(tmp_path, monkeypatch):
    """Lesson pages of the shipped courses stay under 60 KB (uncompressed) for slow phones."""
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "quick-start-secret-0123456789-abcdefgh",
                      "WTF_CSRF_ENABLED": False, "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    runner = app.test_cli_runner()
    for step in (["lms", "db", "upgrade"], ["lms", "import-pack", "--shipped"]):
        assert runner.invoke(args=step).exit_code == 0
    result = runner.invoke(args=["lms", "create-admin", "reader", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0
    client = app.test_client()
    client.post("/auth/login", data={"username": "reader", "password": "a long enough password"})
    sizes = {}
    for code, lessons in (("AI01", 5), ("CLOUD01", 5), ("CYBER01", 5), ("DATA01", 5), ("IOT01", 4),
                          ("DVC01", 5)):
        client.post(f"/courses/{code}/enrol")
        for number in range(1, lessons + 1):
            for language in ("vi", "en"):
                client.post("/language", data={"locale": language, "next": "/"})
                response = client.get(f"/courses/{code}/lessons/{number}")
                assert response.status_code == 200
                # The page with its figures: every image it shows is downloaded too.
                figures = re.findall(r'<img src="([^"]+)"', response.get_data(as_text=True))
                images = [client.get(src) for src in figures]
                assert all(image.status_code == 200 for image in images)
                sizes[(code, number, language)] = len(response.data) + sum(len(i.data) for i in images)
    assert len(sizes) == 58  # 29 lessons in two languages
    assert max(sizes.values()) < 60 * 1024, max(sizes.items(), key=lambda item: item[1])
    app.extensions["lms"].database.dispose()


def test_make_run_serves_with_a_worker_and_ctrl_c_stops_both(tmp_path):
    """The last step of `make run`: the web server and `flask lms worker` side by side."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/serve-with-worker.sh $(FLASK)" in recipe.splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), FLASK_LMS_INSTANCE_PATH=str(tmp_path),
               FLASK_SECRET_KEY="quick-start-secret-0123456789-abcdefgh")
    subprocess.run(flask + ["lms", "db", "upgrade"], env=env, cwd=ROOT, check=True, timeout=60,
                   capture_output=True)
    server = subprocess.Popen(["bash", "scripts/serve-with-worker.sh", *flask], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    status = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and status is None:
            time.sleep(0.3)
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status
            except OSError:
                pass
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl+C in the terminal sends
        output, _ = server.communicate(timeout=30)
    assert status == 200, output.decode()
    assert b"Worker started" in output
    assert (tmp_path / "lms-tasks.sqlite3").exists()  # the embedded queue's storage
