"""In-process work: the signed-in clients (Flask's test client), the learner's attempts
for the question and result pages, and CPU per request (``time.process_time`` over N
requests after a warm-up; SQLite runs in the process, so its work is counted too)."""
from __future__ import annotations

import re
import time

from . import PASSWORD

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def signed_in(app, username: str):
    client = app.test_client()
    token = csrf(client.get("/auth/login").get_data(as_text=True))
    done = client.post("/auth/login", data={"csrf_token": token, "username": username,
                                            "password": PASSWORD})
    if done.status_code != 302:
        raise RuntimeError(f"sign-in of {username} failed: {done.status_code}")
    return client


def session_cookie(client) -> str:
    """The Cookie header of a signed-in test client, for wrk or the Python client."""
    return "; ".join(f"{cookie.key}={cookie.value}" for cookie in client._cookies.values())


def learner_paths(app, username: str) -> dict[str, str]:
    """Enrol the learner in two courses, submit one quiz (its result page) and start the
    other (its first question page). Returns the page paths of the learner."""
    client = signed_in(app, username)
    catalog = client.get("/courses").get_data(as_text=True)
    codes = list(dict.fromkeys(re.findall(r'href="/courses/([A-Z0-9]+)"', catalog)))
    paths, with_quiz = {}, []
    for code in codes:
        page = client.get(f"/courses/{code}").get_data(as_text=True)
        client.post(f"/courses/{code}/enrol", data={"csrf_token": csrf(page)})
        quiz = client.get(f"/courses/{code}/quiz")
        if quiz.status_code == 200:
            with_quiz.append((code, quiz.get_data(as_text=True)))
        if len(with_quiz) == 2:
            break
    (first, first_page), (second, second_page) = with_quiz
    paths["course"] = f"/courses/{first}"
    paths["lesson"] = f"/courses/{first}/lessons/1"
    started = client.post(f"/courses/{first}/quiz/start", data={"csrf_token": csrf(first_page)})
    attempt = re.search(r"/attempts/(\d+)/", started.headers["Location"]).group(1)
    submit_page = client.get(f"/attempts/{attempt}/submit").get_data(as_text=True)
    done = client.post(f"/attempts/{attempt}/submit", data={"csrf_token": csrf(submit_page)})
    if f"/attempts/{attempt}/result" not in done.headers.get("Location", ""):
        raise RuntimeError(f"submit did not lead to the result: {done.status_code}")
    paths["result"] = f"/attempts/{attempt}/result"
    started = client.post(f"/courses/{second}/quiz/start", data={"csrf_token": csrf(second_page)})
    paths["question"] = re.search(r"/attempts/\d+/questions/1", started.headers["Location"]).group(0)
    return paths


def cpu_per_request(client, path: str, count: int, warm_up: int = 5, budget: float = 3.0) -> float:
    """Milliseconds of this process's CPU per GET of ``path``: ``count`` requests, fewer
    (at least 3) for a page that has used ``budget`` seconds of CPU already."""
    for _ in range(warm_up):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    started = time.process_time()
    done = 0
    while done < count and (done < 3 or time.process_time() - started < budget):
        client.get(path)
        done += 1
    return (time.process_time() - started) * 1000 / done
