"""The command line as the back office uses it: real subprocesses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ga_runner.problem import normalize_problem
from tests.ga_runner.conftest import BENCH, REPO, cli, json_lines
from tests.ga_runner.independent_evaluator import evaluate
from tests.ga_runner.problems import (crowded_studio_problem, random_problem, split_problem,
                                      studio_problem, uneven_split_problem)


def test_solve_writes_the_documented_outputs(tmp_path, write_problem):
    doc = random_problem(3)
    path = write_problem(doc)
    out = tmp_path / "out"
    run = cli("solve", path, "--out", out, "--generations", "4", "--seed", "7")
    assert run.returncode == 0, run.stderr
    events = json_lines(run.stdout)
    assert all(e["event"] == "progress" for e in events[:-1])
    assert set(events[0]) == {"event", "generation", "evaluations", "elapsed", "hard", "soft"}
    last = events[-1]
    assert last["event"] == "result" and last["status"] == "finished" and last["out"] == str(out)
    result = json.loads((out / "schedule.json").read_text())
    assert result["format"] == "timetable-result/1" and result["status"] == "finished"
    assert (result["hard"], result["soft"]) == (last["hard"], last["soft"])
    assert result["cost"] == evaluate(normalize_problem(doc), result["assignments"])
    assert result["stats"]["seed"] == 7 and result["stats"]["generations"] == 4
    for a in result["assignments"]:  # every block within one day
        assert 0 <= a["period"] and a["period"] + a["length"] <= len(doc["periods"])
    assert {"class", "course", "groups", "instructor", "room", "day", "period", "constraint",
            "hard", "cost", "message"} <= set(result["violations"][0])
    for name in ("calendar.png", "convergence.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


def test_same_seed_and_generations_give_the_same_timetable(tmp_path, write_problem):
    path = write_problem(random_problem(11, n_classes=12))
    results = []
    for k in range(2):
        run = cli("solve", path, "--out", tmp_path / str(k), "--generations", "3", "--seed", "5")
        assert run.returncode == 0, run.stderr
        results.append(json.loads((tmp_path / str(k) / "schedule.json").read_text()))
    assert results[0]["assignments"] == results[1]["assignments"]


def test_invalid_problem_exits_2_with_every_error(write_problem, tmp_path):
    doc = random_problem(1)
    doc["classes"][0]["instructors"] = ["T9"]
    doc["classes"][1]["periods_per_week"] = 3
    doc["classes"][1]["block_length"] = 2
    run = cli("solve", write_problem(doc), "--out", tmp_path / "out")
    assert run.returncode == 2
    lines = run.stdout.splitlines()
    assert len(lines) == 1
    error = json.loads(lines[0])
    assert error["event"] == "error"
    paths = {e["path"] for e in error["errors"]}
    assert "classes[0].instructors[0]" in paths and any(p.startswith("classes[1]") for p in paths)
    assert not (tmp_path / "out" / "schedule.json").exists()


def test_unreadable_problem_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    run = cli("solve", bad, "--out", tmp_path / "out")
    assert run.returncode == 2 and json.loads(run.stdout)["event"] == "error"


def test_sigterm_stops_and_writes_the_best_so_far(tmp_path):
    problem = tmp_path / "comp01.json"
    run = cli("from-ctt", BENCH / "itc2007" / "comp01.ctt", "-o", problem)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "ga_runner", "solve", str(problem), "--out",
                             str(out), "--time-limit", "100"], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    first = json.loads(proc.stdout.readline())  # the search is running
    assert first["event"] == "progress"
    time.sleep(1.0)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGTERM)
    rest = proc.stdout.read()
    assert proc.wait(timeout=10) == 0
    stopped_in = time.monotonic() - sent
    last = json_lines(rest)[-1]
    assert last["event"] == "result" and last["status"] == "stopped"
    result = json.loads((out / "schedule.json").read_text())
    assert result["status"] == "stopped" and len(result["assignments"]) == 160
    assert stopped_in < 3.0  # search stops within a second; the plots take the rest


def test_unsatisfiable_requirements_are_reported(tmp_path, write_problem):
    doc = random_problem(2)
    doc["instructors"].append({"id": "Never", "unavailable": [[d, p] for d in range(3)
                                                              for p in range(5)]})
    doc["classes"][0]["instructors"] = ["Never"]
    run = cli("solve", write_problem(doc), "--out", tmp_path, "--generations", "2")
    assert run.returncode == 0, run.stderr
    result = json.loads((tmp_path / "schedule.json").read_text())
    assert {"class": "C0", "requirement": "instructor",
            "reason": "the only qualified instructor Never is never available"} in result["unsatisfiable"]
    assert result["cost"]["hard"]["availability"] >= 1


@pytest.mark.parametrize("problem, floor", [(split_problem, 2), (uneven_split_problem, 1),
                                            (crowded_studio_problem, 1), (studio_problem, 1)])
def test_result_reports_the_proven_floor_and_the_engine_reaches_it(tmp_path, write_problem,
                                                                    problem, floor):
    run = cli("solve", write_problem(problem()), "--out", tmp_path, "--generations", "10")
    assert run.returncode == 0, run.stderr
    result = json.loads((tmp_path / "schedule.json").read_text())
    assert result["hard_floor"] == floor
    assert result["hard"] == floor


def test_converters_and_to_sol_run_without_the_scientific_stack(tmp_path):
    code = ("import sys; from ga_runner.cli import main; "
            "rc = main(['from-ctt', %r, '-o', %r]); "
            "assert rc == 0 and 'numpy' not in sys.modules and 'deap' not in sys.modules"
            % (str(BENCH / "itc2007" / "toy.ctt"), str(tmp_path / "toy.json")))
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    run = cli("solve", tmp_path / "toy.json", "--out", tmp_path / "out", "--generations", "3")
    assert run.returncode == 0, run.stderr
    run = cli("to-sol", tmp_path / "out" / "schedule.json")
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 16  # toy.ctt has 16 lectures


def test_a_problem_without_classes_gives_an_empty_timetable(tmp_path, write_problem):
    doc = random_problem(1)
    doc["classes"] = []
    run = cli("solve", write_problem(doc), "--out", tmp_path, "--generations", "2")
    assert run.returncode == 0, run.stderr
    result = json.loads((tmp_path / "schedule.json").read_text())
    assert result["assignments"] == [] and result["hard"] == 0
