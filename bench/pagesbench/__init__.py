"""Pieces of bench/pages.py: the data generator (data.py), the servers and the load
(serve.py), the in-process CPU measure (inprocess.py)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "Xe-dap-qua-cau-Rong-2026!"
#: Bump when the generated data changes: cached databases of another version are rebuilt.
GENERATOR_VERSION = 1
