from pathlib import Path

import pytest

# CI clones the repository next to a copy of shared/, as on the developers' machines.
BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"


@pytest.fixture
def bench():
    if not BENCH.is_dir():
        pytest.fail(f"The benchmark data is missing: expected it at {BENCH}")
    return BENCH
