"""Compressed LMS responses (Flask-Compress), and only the LMS's.

Learners read on slow mobile links: a lesson's 10 KB of HTML travels as about 4 KB with
brotli or gzip. Flask-Compress normally hooks every response of the app; inside a host
that would change the host's own pages, so the LMS keeps a private instance that reads
its own settings (never the host's ``COMPRESS_*`` keys) and runs from the LMS
blueprint's ``after_request`` only. A host that compresses everything itself (Flask-
Compress, nginx) sees LMS responses already encoded and leaves them, or turns this off
with ``LMS_COMPRESSION = False``.
"""
from __future__ import annotations

#: Flask-Compress settings of the LMS's instance (see its documentation for each key).
SETTINGS: dict[str, object] = {
    # Text the LMS sends; images, PDFs, zips and XLSX are compressed already.
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "image/svg+xml", "image/x-icon",
                           "image/vnd.microsoft.icon"],
    "COMPRESS_ALGORITHM": ["br", "gzip"],  # every browser of the last years reads both
    "COMPRESS_LEVEL": 6,
    "COMPRESS_BR_LEVEL": 4,  # near gzip -9 in size at a fraction of brotli -11's CPU
    "COMPRESS_MIN_SIZE": 500,  # below this the headers outweigh the saving
    # Streamed exports stay as they are: they must arrive complete and row by row.
    "COMPRESS_STREAMS": False,
    "COMPRESS_REGISTER": False,  # never an app-wide hook: the host's pages are the host's
}


class _CompressSettings:
    """What Flask-Compress reads of "its app": the config. The LMS gives it its own."""

    def __init__(self, config: dict[str, object]):
        self.config = config


def make_compressor():
    """A Flask-Compress instance on the LMS's settings; its ``after_request`` compresses
    one response when the client accepts brotli or gzip."""
    from flask_compress import Compress

    return Compress(_CompressSettings(dict(SETTINGS)))


def hook():
    """The LMS blueprint's after-request hook: compresses while ``LMS_COMPRESSION`` is on."""
    compressor = make_compressor()

    def compress(response):
        from flask import current_app

        if not current_app.config["LMS_COMPRESSION"]:
            return response
        return compressor.after_request(response)

    return compress
