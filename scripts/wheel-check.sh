#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the checkout and
# prove it carries everything: templates, static files, translations, migrations, packs.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== building the wheel"
"$checkout/.venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$checkout"
wheel=$(ls "$work"/dist/*.whl)
"$checkout/.venv/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
required = [
    "lms/templates/lms/layout.html", "lms/templates/lms/auth/login.html",
    "lms/static/lms.css",
    "lms/translations/vi/LC_MESSAGES/messages.mo", "lms/translations/en/LC_MESSAGES/messages.mo",
    "lms/migrations/env.py", "lms/migrations/script.py.mako",
    "courses/content/cybersecurity-officials/course.yaml",
    # The certificate PDF: its template and the four shipped faces with their licence.
    "lms/templates/lms/certificates/certificate.pdf.html",
    "certificates/fonts/LiberationSerif-Regular.ttf", "certificates/fonts/LiberationSerif-Bold.ttf",
    "certificates/fonts/LiberationSerif-Italic.ttf", "certificates/fonts/LiberationSerif-BoldItalic.ttf",
    "certificates/fonts/LICENSE-OFL.txt",
]
missing = [name for name in required if name not in names]
if not any(n.startswith("lms/migrations/versions/") and n.endswith(".py") for n in names):
    missing.append("lms/migrations/versions/*.py")
if missing:
    sys.exit(f"wheel is missing: {missing}")
print(f"wheel holds {len(names)} files, all required ones present")
PY

echo "== installing into a fresh venv outside the checkout"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel[postgresql]"
cp "$checkout/wsgi.py" "$work/wsgi.py"
cd "$work"
export FLASK_LMS_INSTANCE_PATH="$work/instance"
export FLASK_SECRET_KEY="wheel-check-secret-key-0123456789-abcdefghij"
"$work/venv/bin/flask" --app wsgi lms --help >/dev/null
"$work/venv/bin/flask" --app wsgi lms db upgrade
"$work/venv/bin/flask" --app wsgi lms load-demo >/dev/null

echo "== serving the login page from the installed wheel"
port=$("$work/venv/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$work/venv/bin/flask" --app wsgi run --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
"$work/venv/bin/python" - "$port" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/auth/login"
for _ in range(50):
    try:
        page = urllib.request.urlopen(url, timeout=2).read().decode("utf-8")
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit(f"no answer from {url}")
assert "Đăng nhập" in page and 'lang="vi"' in page, page[:500]
css = urllib.request.urlopen(url.replace("/auth/login", "/static/lms.css"), timeout=2).read()
assert b"--lms-primary" in css
print("login page served in Vietnamese from the installed wheel")
PY
echo "wheel check passed"
