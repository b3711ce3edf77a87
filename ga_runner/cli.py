"""The command line: `solve` runs the engine; the converters need no scientific stack."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .formats import FormatError


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ga_runner", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="timetable a problem document")
    p.add_argument("problem", help="PROBLEM.json (timetable-problem/1)")
    p.add_argument("--out", required=True, help="directory for schedule.json and the plots")
    p.add_argument("--pop-size", type=_positive_int, default=2, help="population size (default 2)")
    p.add_argument("--generations", type=_positive_int, help="stop after this many generations")
    p.add_argument("--time-limit", type=_positive_float,
                   help="stop after this many seconds (default 60 when --generations is absent)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p = sub.add_parser("from-ctt", help="ITC-2007 .ctt file -> problem document")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    p = sub.add_parser("from-four-files", help="Course/Groups/Instructors/Rooms.json folder -> "
                                                "problem document")
    p.add_argument("dir")
    p.add_argument("--name", help="the document's name")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    p = sub.add_parser("to-sol", help="schedule.json -> ITC-2007 solution (.sol)")
    p.add_argument("schedule")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    return parser


def _error(errors: list) -> int:
    print(json.dumps({"event": "error", "errors": errors}))
    return 2


def _write(text: str, output) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "solve":
        started = time.monotonic()
        from .engine import stopping
        stopping.install()
        from .engine.solve import solve  # numpy, numba, DEAP: only here
        return solve(args.problem, args.out, args.pop_size, args.generations, args.time_limit,
                     args.seed, started)
    try:
        if args.command == "from-ctt":
            from .formats.ctt import ctt_to_problem
            with open(args.file, encoding="utf-8") as f:
                text = f.read()
            doc = ctt_to_problem(text, os.path.splitext(os.path.basename(args.file))[0])
            _write(json.dumps(doc, indent=1) + "\n", args.output)
        elif args.command == "from-four-files":
            from .formats.four_files import read_four_files_dir
            doc = read_four_files_dir(args.dir, name=args.name)
            _write(json.dumps(doc, indent=1) + "\n", args.output)
        else:
            from .formats.sol import result_to_sol
            with open(args.schedule, encoding="utf-8") as f:
                result = json.load(f)
            _write(result_to_sol(result), args.output)
    except FormatError as error:
        return _error(error.errors)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return _error([{"path": "", "message": str(error)}])
    return 0
