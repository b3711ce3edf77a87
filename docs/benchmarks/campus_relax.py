"""The relaxed campus of docs/benchmarks/2026-11-29-campus-bounds.md (not part of the engine).

    python docs/benchmarks/campus_relax.py PROBLEM.json SCHEDULE.json OUT.json

Writes PROBLEM with every instructor named by an instructor requirement in SCHEDULE's
`unsatisfiable` made available all week. Those requirements then hold, so the relaxed problem's
floor is what the other requirements prove (the campus: 1, the studios), and a run that ends above
it shows violations that the instructor sets do not force.
"""
from __future__ import annotations

import json
import re
import sys


def relax(problem: dict, result: dict) -> tuple[dict, list[str]]:
    freed = set()
    for item in result["unsatisfiable"]:
        if item["requirement"] == "instructor":
            named = re.match(r"instructors? (.+?) (?:is|are) free", item["reason"])
            freed.update(name.strip() for name in named.group(1).split(","))
    relaxed = json.loads(json.dumps(problem))
    for instructor in relaxed["instructors"]:
        if instructor["id"] in freed:
            instructor["unavailable"] = []
    relaxed["name"] = problem["name"] + " (instructor sets always available)"
    return relaxed, sorted(freed)


if __name__ == "__main__":
    problem_path, result_path, out_path = sys.argv[1:]
    relaxed, freed = relax(json.load(open(problem_path)), json.load(open(result_path)))
    json.dump(relaxed, open(out_path, "w"))
    print("always available:", ", ".join(freed))
