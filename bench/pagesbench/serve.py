"""The servers (the app and a bare Flask "hello", both under the shipped gunicorn.conf.py)
and the load on loopback: wrk from Debian when installed, else a bounded Python client."""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

from . import ROOT, VENV_BIN

HELLO_APP = '''
from flask import Flask
app = Flask(__name__)

@app.get("/hello")
def hello():
    return "hello"
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url: str, instance: Path) -> dict[str, str]:
    """The app's environment; inherited FLASK_* variables are dropped so a shell cannot
    change the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_"))}
    env.update({
        "FLASK_SECRET_KEY": secrets.token_urlsafe(48),
        "FLASK_LMS_DATABASE_URL": database_url,
        "FLASK_LMS_INSTANCE_PATH": str(instance),
        "FLASK_LMS_PASSWORD_HASH_METHOD": json.dumps("pbkdf2:sha256:1000"),
        "FLASK_LMS_QUIZ_REQUIRES_LESSONS": json.dumps(False),
    })
    return env


class Server:
    """gunicorn -c gunicorn.conf.py (gthread) with the workers and threads asked for."""

    def __init__(self, module: str, env: dict[str, str], workdir: Path, name: str, *,
                 workers: int, threads: int, cwd: Path = ROOT):
        self.port = free_port()
        self.workers = workers
        self.ready = workdir / f"ready-{name}"
        self.ready.mkdir()
        self.log = open(workdir / f"gunicorn-{name}.log", "w")
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers),
               "GUNICORN_THREADS": str(threads), "GUNICORN_ACCESSLOG": "",
               "LMS_BENCH_READY_DIR": str(self.ready), "PYTHONPATH": str(cwd)}
        # The shipped settings, plus the readiness marker of bench/gunicorn_ready.py.
        command = [str(VENV_BIN / "gunicorn"), "-c", str(workdir / "gunicorn-bench.py"), module]
        (workdir / "gunicorn-bench.py").write_text(
            f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\n"
            f"exec(open({str(ROOT / 'bench' / 'gunicorn_ready.py')!r}).read())\n")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while len(list(self.ready.iterdir())) < workers or not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn {name} did not start; see {self.log.name}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def hello_server(workdir: Path, *, workers: int, threads: int) -> Server:
    folder = workdir / "hello"
    folder.mkdir()
    (folder / "hello_app.py").write_text(HELLO_APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_"))}
    return Server("hello_app:app", env, workdir, "hello", workers=workers, threads=threads,
                  cwd=folder)


# --- the load -------------------------------------------------------------------------------

WRK = shutil.which("wrk")
LOAD_TOOL = "wrk" if WRK else "python"


def measure(port: int, path: str, cookie: str | None, seconds: float, connections: int) -> dict:
    """req/s, p50/p95 (ms), bytes per response and non-2xx count of ``seconds`` of load."""
    if WRK:
        return _wrk(port, path, cookie, seconds, connections)
    return _python(port, path, cookie, seconds, connections)


_WRK_SCRIPT = '''
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"bytes\\": %d, \\"seconds\\": %f, " ..
    "\\"p50\\": %f, \\"p95\\": %f, \\"non2xx\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.bytes, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
'''


def _wrk(port, path, cookie, seconds, connections) -> dict:
    script = Path(os.environ.get("TMPDIR", "/tmp")) / "lms-bench-pages-wrk.lua"
    script.write_text(_WRK_SCRIPT)
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    found = re.search(r"^JSON (.*)$", done.stdout, re.M)
    if not found:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    data = json.loads(found.group(1))
    return {"rps": data["requests"] / data["seconds"], "p50": data["p50"], "p95": data["p95"],
            "bytes": data["bytes"] / max(data["requests"], 1),
            "bad": data["non2xx"] + data["errors"]}


def _python(port, path, cookie, seconds, connections) -> dict:
    """Threads with keep-alive connections, each bounded by the deadline and a count."""
    latencies, sizes, bad = [], [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, my_sizes, my_bad = [], [], 0
        for _ in range(100000):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            my_sizes.append(len(body))
            my_bad += response.status >= 300
        connection.close()
        with lock:
            latencies.extend(mine)
            sizes.extend(my_sizes)
            bad[0] += my_bad

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) if latencies else 0,
            "p95": latencies[int(len(latencies) * 0.95)] if latencies else 0,
            "bytes": statistics.mean(sizes) if sizes else 0, "bad": bad[0]}
