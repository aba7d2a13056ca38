"""gunicorn settings file passed to gunicorn by bench/quizbench/targets.py (``gunicorn -c bench/gunicorn_ready.py``).

Without ``--preload`` each worker imports the app after it is forked, so the first worker
may answer /healthz while the others are still loading and eating CPU. Each worker drops
a marker file once its app is loaded; the benchmark waits for all of them before timing.
"""
import os


def post_worker_init(worker):
    ready_dir = os.environ.get("LMS_BENCH_READY_DIR")
    if ready_dir:
        with open(os.path.join(ready_dir, f"worker-{worker.pid}"), "w"):
            pass
