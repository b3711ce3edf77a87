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


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels(tmp_path_factory):
    """The first engine run on a machine compiles the numba kernels (one to two minutes); do it
    once up front so that no test's own timeout pays for it."""
    from tests.ga_runner.problems import random_problem

    folder = tmp_path_factory.mktemp("warm-up")
    problem = folder / "problem.json"
    problem.write_text(json.dumps(random_problem(1)))
    run = cli("solve", problem, "--out", folder / "out", "--generations", "1", timeout=900)
    assert run.returncode == 0, run.stderr


@pytest.fixture
def write_problem(tmp_path):
    def write(doc: dict, name: str = "problem.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc))
        return path
    return write
