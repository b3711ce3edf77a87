"""Shared helpers for the engine's tests: running the real command line, writing problems."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO.parent / "shared" / "bench"


def cli(*args, timeout=120) -> subprocess.CompletedProcess:
    """Run `python -m ga_runner ARGS` from the repository, as the back office does."""
    return subprocess.run([sys.executable, "-m", "ga_runner", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def json_lines(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def write_problem(tmp_path):
    def write(doc: dict, name: str = "problem.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc))
        return path
    return write
