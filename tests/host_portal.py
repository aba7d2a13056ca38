"""The host app of tests/test_host_app.py (the README's example, mounted under /learn),
also used by tests/test_security_headers.py: its pieces, for the ``portal`` fixture of
tests/conftest.py."""
import re
from pathlib import Path

from flask_login import UserMixin

README = Path(__file__).resolve().parent.parent / "README.md"

HOST_LAYOUT = """<!doctype html><html lang="vi"><head><title>{% block title %}{% endblock %}</title>
{% block head %}{% endblock %}</head><body><div id="portal-banner">Cổng thông tin Sở</div>
{% block content %}{% endblock %}</body></html>"""

OVERRIDDEN_HOME = """{% extends "lms_default/home.html" %}
{% block home_sections %}<p id="portal-note">Nội dung riêng của cổng thông tin</p>{% endblock %}"""


def readme_python_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    host_blocks = [block for block in blocks if "profile_loader" in block]
    assert len(host_blocks) == 1, "README must hold exactly one host-mounting example"
    return host_blocks[0]


class PortalUser(UserMixin):
    def __init__(self, user_id, full_name, staff_code, unit_code):
        self.id, self.full_name = user_id, full_name
        self.staff_code, self.unit_code = staff_code, unit_code
