"""An independent scorer for timetables, for the engine's tests.

Written straight from "How a timetable is scored" in docs/problem-format.md (and, for ITC-2007
data, the UD2 definitions in ../shared/bench/itc2007/README.md), without looking at the engine:
plain loops over the assignments, chosen to be obviously right rather than fast.

`assignments` are a result's items: {"class", "meeting", "day", "period", "length", "room",
"instructor"}; one item per meeting, occupying `length` consecutive periods from `period`.
A list that is not a complete timetable of the problem (a meeting missing or twice, a wrong
block length, an ineligible instructor...) raises ValueError rather than being scored.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from ga_runner.problem import HARD_CONSTRAINTS, SOFT_CONSTRAINTS, normalize_problem


def evaluate(problem: dict, assignments: list) -> dict:
    problem = normalize_problem(problem)
    classes = {k["id"]: k for k in problem["classes"]}
    rooms = {r["id"]: r for r in problem["rooms"]}
    instructors = {i["id"]: i for i in problem["instructors"]}
    groups = {g["id"]: g for g in problem["groups"]}
    weights = problem["weights"]
    _check_structure(problem, classes, assignments)

    def ancestors_and_self(group_id):
        chain = [group_id]
        while groups[chain[-1]]["parent"] is not None:
            chain.append(groups[chain[-1]]["parent"])
        return chain

    def related(a, b):
        return a in ancestors_and_self(b) or b in ancestors_and_self(a)

    leaf_groups = [g for g in groups if not any(other["parent"] == g for other in groups.values())]

    def attends(leaf, class_id):
        return any(g in ancestors_and_self(leaf) for g in classes[class_id]["groups"])

    # Every (assignment, day, period) a meeting occupies.
    occupancies = [(a, a["day"], p) for a in assignments
                   for p in range(a["period"], a["period"] + a["length"])]
    slots_of_class = defaultdict(set)
    for a, day, period in occupancies:
        slots_of_class[a["class"]].add((day, period))
    instructors_of_class = defaultdict(set)
    for a in assignments:
        if a["instructor"] is not None:
            instructors_of_class[a["class"]].add(a["instructor"])

    hard = dict.fromkeys(HARD_CONSTRAINTS, 0)
    soft = dict.fromkeys(SOFT_CONSTRAINTS, 0)

    placed = sorted(slots_of_class)
    for i, first in enumerate(placed):
        for second in placed[i + 1:]:
            conflicting = (
                any(related(g, h) for g in classes[first]["groups"] for h in classes[second]["groups"])
                or bool(instructors_of_class[first] & instructors_of_class[second]))
            if conflicting:
                hard["conflicts"] += len(slots_of_class[first] & slots_of_class[second])

    per_class_slot = Counter((a["class"], day, period) for a, day, period in occupancies)
    hard["class_overlaps"] = sum(n - 1 for n in per_class_slot.values())
    per_room_slot = Counter((a["room"], day, period) for a, day, period in occupancies)
    hard["room_occupancy"] = sum(n - 1 for n in per_room_slot.values())

    for a, day, period in occupancies:
        slot = [day, period]
        if slot in classes[a["class"]]["unavailable"]:
            hard["availability"] += 1
        if a["instructor"] is not None and slot in instructors[a["instructor"]]["unavailable"]:
            hard["availability"] += 1
        if slot in rooms[a["room"]]["unavailable"]:
            hard["availability"] += 1

    for a in assignments:
        klass, room = classes[a["class"]], rooms[a["room"]]
        wrong_type = klass["room_type"] is not None and room["type"] != klass["room_type"]
        missing_feature = not set(klass["room_features"]) <= set(room["features"])
        if wrong_type or missing_feature:
            hard["room_suitability"] += 1

    hard["no_instructor"] = sum(1 for k in classes.values() if not k["instructors"])

    for a in assignments:
        soft["room_capacity"] += max(0, classes[a["class"]]["students"] - rooms[a["room"]]["capacity"])

    for class_id, klass in classes.items():
        days = {a["day"] for a in assignments if a["class"] == class_id}
        soft["min_working_days"] += max(0, klass["min_working_days"] - len(days))
        used_rooms = {a["room"] for a in assignments if a["class"] == class_id}
        soft["room_stability"] += max(0, len(used_rooms) - 1)

    lunch = problem["lunch_break"]
    for leaf in leaf_groups:
        meetings = [a for a in assignments if attends(leaf, a["class"])]
        meeting_ids = {id(a) for a in meetings}
        busy = {(day, period) for a, day, period in occupancies if id(a) in meeting_ids}
        for a in meetings:
            before = (a["day"], a["period"] - 1)
            after = (a["day"], a["period"] + a["length"])
            if before not in busy and after not in busy:
                soft["isolated_lectures"] += 1
        soft["idle_gaps"] += _idle_periods(busy)
        if groups[leaf]["wants_lunch_break"] and lunch:
            for day in {d for d, _ in busy}:
                if all((day, p) in busy for p in lunch):
                    soft["lunch_break"] += 1

    for instructor_id, instructor in instructors.items():
        busy = {(day, period) for a, day, period in occupancies if a["instructor"] == instructor_id}
        soft["idle_gaps"] += _idle_periods(busy)
        soft["preferred_free"] += sum(1 for day, period in busy if [day, period] in instructor["preferred_free"])

    return {"hard": hard, "soft": {name: weights[name] * n for name, n in soft.items()}}


def _check_structure(problem: dict, classes: dict, assignments: list) -> None:
    """Refuse a timetable that is not one: the costs above assume every meeting is placed once,
    as a block of the class's length inside the week, with one eligible instructor per class."""
    problems = []
    n_days, n_periods = len(problem["days"]), len(problem["periods"])
    rooms = {r["id"] for r in problem["rooms"]}
    meetings = defaultdict(list)
    instructors = defaultdict(set)
    for a in assignments:
        klass = classes.get(a["class"])
        if klass is None:
            problems.append(f"unknown class {a['class']!r}")
            continue
        meetings[a["class"]].append(a["meeting"])
        instructors[a["class"]].add(a["instructor"])
        if a["room"] not in rooms:
            problems.append(f"{a['class']}: unknown room {a['room']!r}")
        if a["length"] != klass["block_length"]:
            problems.append(f"{a['class']}: length {a['length']}, block_length {klass['block_length']}")
        if not (0 <= a["day"] < n_days and 0 <= a["period"] and a["period"] + a["length"] <= n_periods):
            problems.append(f"{a['class']}: day {a['day']} period {a['period']} outside the week")
        eligible = klass["instructors"] or [None]
        if a["instructor"] not in eligible:
            problems.append(f"{a['class']}: instructor {a['instructor']!r} is not one of {eligible}")
    for class_id, klass in classes.items():
        expected = list(range(klass["periods_per_week"] // klass["block_length"]))
        if sorted(meetings[class_id]) != expected:
            problems.append(f"{class_id}: meetings {sorted(meetings[class_id])}, expected {expected}")
        if len(instructors[class_id]) > 1:
            problems.append(f"{class_id}: several instructors {sorted(map(str, instructors[class_id]))}")
    if problems:
        raise ValueError("not a timetable of this problem: " + "; ".join(problems))


def _idle_periods(busy: set) -> int:
    """Free periods between the first and the last busy period of each day."""
    total = 0
    for day in {d for d, _ in busy}:
        periods = [p for d, p in busy if d == day]
        total += max(periods) - min(periods) + 1 - len(periods)
    return total
