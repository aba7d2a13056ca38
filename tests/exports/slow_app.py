"""WSGI app for the gunicorn test: the standalone LMS plus the slow dataset, on the
database named by ``SLOW_DATABASE_URL``."""
import os

from flask import Flask

from lms import features
from lms.extension import LMS

app = Flask("lms", instance_path=os.environ["SLOW_INSTANCE"])
app.config.update({
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "WTF_CSRF_ENABLED": False,
    "LMS_DATABASE_URL": os.environ["SLOW_DATABASE_URL"],
    "LMS_TASK_QUEUE_IMMEDIATE": True,
    "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "LMS_FEATURES": [*features.FEATURES, "tests.exports.slow_feature"],
    "LMS_EXPORT_STREAM_MAX_ROWS": 10**9,
})
LMS(app)
