"""The benchmark command refuses bad options before solving anything."""
from __future__ import annotations

import subprocess
import sys

from tests.ga_runner.conftest import REPO


def test_parallel_must_be_positive(tmp_path):
    run = subprocess.run([sys.executable, "-m", "ga_runner.bench", "--parallel", "0",
                          "--out", str(tmp_path / "out")], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2
    assert "argument --parallel: must be 1 or more" in run.stderr
    assert not (tmp_path / "out").exists()
