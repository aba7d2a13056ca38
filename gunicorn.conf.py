"""The shipped gunicorn configuration: ``gunicorn -c gunicorn.conf.py wsgi:app``.

gthread workers, not gunicorn's default sync ones: a sync worker that is busy sending a
long response stops answering the arbiter's heartbeat, is killed at ``timeout`` and the
client receives a file cut short with status 200 (measured here, TECH-NOTES). A gthread
worker keeps its heartbeat in the main thread while request threads stream, so a long
export arrives whole; ``timeout`` then only catches a worker that is truly stuck.
Exports that would take minutes run as jobs anyway (lms.exports).

Every value can be set from the environment (``GUNICORN_*``) for the machine at hand.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
#: Processes: two per core is gunicorn's advice for mixed work.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
#: Threads per process: requests that wait on the database or on a slow client.
threads = int(os.environ.get("GUNICORN_THREADS", 8))
#: Seconds without a heartbeat before a worker is restarted (not a request time limit
#: with gthread workers).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 60))
#: Seconds an idle keep-alive connection stays open behind the load balancer.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
