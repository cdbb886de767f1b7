"""The benchmark runs by its path from any directory (it imports only chaingrad's engine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_runs_by_path_from_another_directory(tmp_path):
    # PYTHONPATH stands for an installed chaingrad; the working directory holds no tests package.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, str(REPO / "tests" / "bench.py"), "--help"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m tests.bench")
    assert "repository root" in (REPO / "tests" / "bench.py").read_text(encoding="utf-8")
