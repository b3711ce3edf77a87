"""`python -m ga_runner solve`: load, search, write the outputs, report on stdout."""
from __future__ import annotations

import hashlib
import json
import os
import sys

from ..problem import ProblemInvalid, load_problem
from . import stopping
from .analysis import analyse
from .model import HARD, SOFT, Model
from .outputs import assignments, write_calendars, write_convergence, write_schedule
from .score import score
from .search import Search

# Progress lines at most this often (seconds).
PROGRESS_EVERY = 0.5
# With neither a generation count nor a time limit, search this long (seconds).
DEFAULT_TIME_LIMIT = 60.0


def emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def solve(problem_path: str, out_dir: str, pop_size: int, generations, time_limit, seed: int,
          started: float) -> int:
    """Run `solve`; `started` is time.monotonic() at process start. Returns the exit code."""
    try:
        doc = load_problem(problem_path)
    except ProblemInvalid as error:
        emit({"event": "error", "errors": error.errors})
        return 2
    with open(problem_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as error:
        emit({"event": "error", "errors": [{"path": "--out", "message": str(error)}]})
        return 2
    if not generations and not time_limit:
        time_limit = DEFAULT_TIME_LIMIT

    model = Model(doc)
    analysis = analyse(model)
    last = {"t": -1.0}

    def on_progress(search: Search):
        now = search.elapsed()
        if now - last["t"] >= PROGRESS_EVERY:
            last["t"] = now
            _, hard, soft = search.history[-1]
            emit({"event": "progress", "generation": search.generation,
                  "evaluations": search.evaluations, "elapsed": round(now, 2),
                  "hard": hard, "soft": soft})

    search = Search(model, seed, pop_size, generations, time_limit, started, analysis.hard_floor,
                    should_stop=stopping.requested, on_progress=on_progress)
    best = search.run().state
    if stopping.requested():
        status = "stopped"
    elif time_limit and search.elapsed() >= time_limit:
        status = "time_limit"
    else:
        status = "finished"

    cost, violations = score(model, best.m_start, best.m_room, best.c_inst)
    scored = [cost["hard"][k] for k in HARD] + [cost["soft"][k] for k in SOFT]
    if scored != [int(x) for x in best.cost]:
        # The incremental bookkeeping disagrees with the from-scratch score: a bug. The
        # from-scratch score is what we report.
        sys.stderr.write("ga_runner: incremental cost %s != scored cost %s\n"
                         % ([int(x) for x in best.cost], scored))
    elapsed = round(search.elapsed(), 2)
    items = assignments(model, best.m_start, best.m_room, best.c_inst)
    result = write_schedule(
        os.path.join(out_dir, "schedule.json"), model, sha, status, cost, violations, items,
        analysis,
        {"seed": seed, "generations": search.generation, "evaluations": search.evaluations,
         "elapsed": elapsed})
    # Stopped runs draw only the first calendar page: each page costs about a second on a big
    # campus, and a stopped run should exit promptly.
    write_calendars(out_dir, model, items, max_pages=1 if status == "stopped" else None)
    write_convergence(os.path.join(out_dir, "convergence.png"), search.history,
                      model.name or os.path.basename(problem_path))
    emit({"event": "result", "status": status, "hard": result["hard"], "soft": result["soft"],
          "elapsed": elapsed, "out": out_dir})
    return 0

