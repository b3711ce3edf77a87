"""Benchmark: `python -m ga_runner.bench [--time-limit S] [--instances comp01,...] [--campus]
[--campus-time-limit S] [--parallel N] [--out DIR]`.

Each instance runs as a real `solve` subprocess pinned to one core; the table shows hard and
soft cost, the ITC-2007 README's reference columns (competition winner, best known), the ratio
to the winner, when the run first reported hard = 0 (its progress lines' elapsed seconds), wall
seconds and the child's peak memory (its own getrusage maxrss, via wait4).
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .cli import _positive_int

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
ITC_INSTANCES = ["comp0%d" % k for k in range(1, 8)]


def reference_results(readme: Path) -> dict:
    """{instance: (winner, best known)} from the README's reference table."""
    refs = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and re.fullmatch(r"comp\d+", cells[0]):
            refs[cells[0]] = (int(cells[-2]), int(cells[-1]))
    return refs


def run_instance(problem: Path, out: Path, time_limit: float, seed: int, cpu: int) -> dict:
    """Solve in a child process on core `cpu`; return its result line, seconds and peak memory."""
    out.mkdir(parents=True, exist_ok=True)
    log = out / "stdout.jsonl"
    started = time.monotonic()
    with open(log, "w") as stdout, open(out / "stderr.txt", "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ga_runner", "solve", str(problem), "--out", str(out),
             "--time-limit", str(time_limit), "--seed", str(seed)],
            cwd=REPO, stdout=stdout, stderr=stderr,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.strip()]
    result = lines[-1] if lines and lines[-1].get("event") == "result" else None
    feasible_at = next((x["elapsed"] for x in lines if x.get("hard") == 0), None)
    if result is None:
        raise SystemExit("%s: solve failed (status %d), see %s" % (problem, status, out / "stderr.txt"))
    return {"hard": result["hard"], "soft": result["soft"], "feasible_at": feasible_at,
            "seconds": round(seconds, 1),
            "peak_mb": round(usage.ru_maxrss / 1024.0, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ga_runner.bench", description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--instances", default=",".join(ITC_INSTANCES),
                        help="comma-separated ITC-2007 instances (default comp01..comp07)")
    parser.add_argument("--campus", action="store_true", help="also solve the campus data")
    parser.add_argument("--campus-time-limit", type=float, default=110.0,
                        help="seconds for the campus (default 110: its target is 120 s)")
    parser.add_argument("--out", default=str(REPO / "bench-out"), help="output directory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parallel", type=_positive_int, default=1,
                        help="instances solved at once, each on its own core (default 1)")
    parser.add_argument("--bench-dir", default=str(DEFAULT_BENCH), help="the shared bench folder")
    args = parser.parse_args(argv)

    from .formats.ctt import ctt_to_problem
    from .formats.four_files import read_four_files_dir

    bench = Path(args.bench_dir)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    refs = reference_results(bench / "itc2007" / "README.md")
    jobs = []  # (name, problem file, time limit)
    for name in (n for n in args.instances.split(",") if n):
        problem = out / (name + ".json")
        doc = ctt_to_problem((bench / "itc2007" / (name + ".ctt")).read_text(), name)
        problem.write_text(json.dumps(doc))
        jobs.append((name, problem, args.time_limit))
    if args.campus:
        problem = out / "campus.json"
        problem.write_text(json.dumps(read_four_files_dir(bench / "campus", name="campus")))
        jobs.append(("campus", problem, args.campus_time_limit))

    # Each instance runs alone on one core; --parallel N runs N at once on N distinct cores.
    cores = sorted(os.sched_getaffinity(0))[:args.parallel]
    free_cores = queue.Queue()
    for cpu in cores:
        free_cores.put(cpu)

    def solve(job):
        name, problem, time_limit = job
        cpu = free_cores.get()
        try:
            row = {"instance": name, **run_instance(problem, out / name, time_limit, args.seed, cpu)}
        finally:
            free_cores.put(cpu)
        print("%s done: hard %d, soft %d" % (name, row["hard"], row["soft"]), file=sys.stderr,
              flush=True)
        return row

    with ThreadPoolExecutor(len(cores)) as pool:
        rows = list(pool.map(solve, jobs))

    itc = [r for r in rows if r["instance"] != "campus"]
    if itc:
        print("| instance | hard | soft | ITC-2007 winner | best known | soft / winner "
              "| feasible after s | seconds | peak MB |")
        print("|---|---|---|---|---|---|---|---|---|")
    for row in itc:
        winner, best = refs.get(row["instance"], (None, None))
        row.update(winner=winner, best_known=best,
                   ratio=round(row["soft"] / winner, 2) if winner else None)
        print("| %s | %d | %d | %s | %s | %s | %s | %.1f | %.0f |" % (
            row["instance"], row["hard"], row["soft"], winner, best, row["ratio"],
            row["feasible_at"], row["seconds"], row["peak_mb"]))
    if sorted(r["instance"] for r in itc) == ITC_INSTANCES:
        print("| sum comp01-07 | %d | %d | %d | %d | %.2f | | | |" % (
            sum(r["hard"] for r in itc), sum(r["soft"] for r in itc),
            sum(r["winner"] for r in itc), sum(r["best_known"] for r in itc),
            sum(r["soft"] for r in itc) / sum(r["winner"] for r in itc)))
    for row in rows:
        if row["instance"] != "campus":
            continue
        result = json.loads((out / "campus" / "schedule.json").read_text())
        row["cost"] = result["cost"]
        row["unsatisfiable"] = result["unsatisfiable"]
        row["hard_floor"] = result["hard_floor"]
        print("\ncampus: hard %d (proven unavoidable: %d), soft %d (idle_gaps %d, lunch_break %d), "
              "%.1f s, %.0f MB peak; hard by constraint %s; %d unsatisfiable requirement(s) named" % (
                  row["hard"], row["hard_floor"], row["soft"], result["cost"]["soft"]["idle_gaps"],
                  result["cost"]["soft"]["lunch_break"], row["seconds"], row["peak_mb"],
                  {k: v for k, v in result["cost"]["hard"].items() if v},
                  len(result["unsatisfiable"])))
        for item in result["unsatisfiable"]:
            print("  - %s %s: %s" % (item["class"] or "", item["requirement"], item["reason"]))
    (out / "results.json").write_text(json.dumps(
        {"time_limit": args.time_limit, "seed": args.seed, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
