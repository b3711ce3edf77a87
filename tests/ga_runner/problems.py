"""Small problem documents generated for the engine's tests."""
from __future__ import annotations

import random


def random_problem(seed: int, n_days: int = 3, n_periods: int = 5, n_classes: int = 8) -> dict:
    """A small problem using every feature: subgroups, blocks, room types and features, a
    choice of instructors, availability, preferred-free slots, lunch windows, all weights."""
    rng = random.Random(seed)
    slots = [[d, p] for d in range(n_days) for p in range(n_periods)]

    def some_slots(k):
        return sorted(rng.sample(slots, k))

    rooms = [{"id": "R%d" % k, "name": "Room %d" % k, "capacity": rng.choice([10, 20, 30, 50]),
              "type": rng.choice(["Lecture", "Lecture", "Practical"]),
              "features": rng.sample(["lab", "projector"], rng.randint(0, 2)),
              "unavailable": some_slots(rng.randint(0, 2))} for k in range(4)]
    rooms[0].update(type="Lecture", features=[])
    rooms[1].update(type="Practical", features=["lab", "projector"])
    instructors = [{"id": "I%d" % k, "name": "Instructor %d" % k, "email": "",
                    "unavailable": some_slots(rng.randint(0, 3)),
                    "preferred_free": some_slots(rng.randint(0, 3))} for k in range(5)]
    groups = [{"id": "G1", "name": "G1", "size": 40, "parent": None, "wants_lunch_break": True},
              {"id": "G1a", "name": "G1a", "size": 20, "parent": "G1", "wants_lunch_break": True},
              {"id": "G1b", "name": "G1b", "size": 20, "parent": "G1", "wants_lunch_break": False},
              {"id": "G2", "name": "G2", "size": 30, "parent": None, "wants_lunch_break": False}]
    classes = []
    for k in range(n_classes):
        length = rng.choice([1, 1, 2])
        meetings = rng.randint(1, 3)
        practical = rng.random() < 0.3
        classes.append({
            "id": "C%d" % k, "course": "K%d" % (k % 5), "kind": "practical" if practical else "lecture",
            "groups": rng.choice([["G1"], ["G1a"], ["G1b"], ["G2"], ["G1", "G2"]]),
            "periods_per_week": length * meetings, "block_length": length,
            "room_type": "Practical" if practical else rng.choice([None, "Lecture"]),
            "room_features": ["lab"] if practical else [],
            "instructors": rng.sample(["I%d" % x for x in range(5)], rng.randint(1, 2)),
            "min_working_days": rng.randint(0, meetings), "students": rng.choice([15, 25, 40]),
            "unavailable": some_slots(rng.randint(0, 2)),
        })
    return {
        "format": "timetable-problem/1", "name": "random-%d" % seed,
        "days": ["D%d" % d for d in range(n_days)],
        "periods": [{"name": str(p + 1), "start": None, "end": None} for p in range(n_periods)],
        "lunch_break": [2, 3],
        "weights": {"room_capacity": 1, "min_working_days": 5, "isolated_lectures": 2,
                    "room_stability": 1, "idle_gaps": 1, "lunch_break": 3, "preferred_free": 2},
        "rooms": rooms, "instructors": instructors, "groups": groups,
        "courses": [{"id": "K%d" % k, "name": "Course %d" % k} for k in range(5)],
        "classes": classes,
    }


def split_problem() -> dict:
    """A and B are free 4 periods each; three 3-period classes only they can teach need 9. The
    periods alone fall 1 short, but a class cannot be split, so one of them teaches 6: 2 over."""
    return {
        "format": "timetable-problem/1", "name": "split", "days": ["Mon", "Tue"],
        "periods": [{"name": str(p)} for p in range(4)],
        "rooms": [{"id": "R%d" % k, "capacity": 30} for k in range(3)],
        "instructors": [{"id": "A", "unavailable": [[1, p] for p in range(4)]},
                        {"id": "B", "unavailable": [[0, p] for p in range(4)]}],
        "groups": [{"id": "G%d" % k, "size": 10} for k in range(3)],
        "courses": [{"id": "K"}],
        "classes": [{"id": "c%d" % k, "course": "K", "kind": "lecture", "groups": ["G%d" % k],
                     "periods_per_week": 3, "block_length": 1, "instructors": ["A", "B"]}
                    for k in range(3)],
    }


def uneven_split_problem() -> dict:
    """A and B are free 5 periods each, 10 in all, and three 3-period classes only they can
    teach need 9: enough periods, but one of them teaches two classes, 6 periods: 1 over."""
    doc = split_problem()
    doc["name"] = "uneven split"
    doc["periods"] = [{"name": str(p)} for p in range(5)]
    doc["instructors"] = [{"id": "A", "unavailable": [[1, p] for p in range(5)]},
                          {"id": "B", "unavailable": [[0, p] for p in range(5)]}]
    return doc


def studio_problem() -> dict:
    """One day of 8 periods and one studio; three 4-period studio classes, each with its own
    instructor who is always free. The studio holds two such blocks a day: 1 over."""
    return {
        "format": "timetable-problem/1", "name": "studio", "days": ["Mon"],
        "periods": [{"name": str(p)} for p in range(8)],
        "rooms": [{"id": "S", "capacity": 30, "type": "Practical", "features": ["studio"]},
                  {"id": "LAB", "capacity": 30, "type": "Practical", "features": []}],
        "instructors": [{"id": "T%d" % k} for k in range(3)],
        "groups": [{"id": "G%d" % k, "size": 10} for k in range(3)],
        "courses": [{"id": "K"}],
        "classes": [{"id": "s%d" % k, "course": "K", "kind": "practical", "groups": ["G%d" % k],
                     "periods_per_week": 4, "block_length": 4, "room_type": "Practical",
                     "room_features": ["studio"], "instructors": ["T%d" % k]} for k in range(3)],
    }


def fragmented_studio_problem() -> dict:
    """Two days of 8 periods and three studios; three 4-period classes that only T can teach.
    T is free 12 periods for 12, but only periods 1-6 of each day: one block a day fits, 1 over."""
    doc = studio_problem()
    doc["name"] = "fragmented studio"
    doc["days"] = ["Mon", "Tue"]
    doc["rooms"] = [{"id": "S%d" % k, "capacity": 30, "type": "Practical", "features": ["studio"]}
                    for k in range(3)]
    doc["instructors"] = [{"id": "T", "unavailable": [[d, p] for d in range(2) for p in (6, 7)]}]
    for cls in doc["classes"]:
        cls["instructors"] = ["T"]
    return doc


def crowded_studio_problem() -> dict:
    """One day of 3 periods and one studio; four 1-period studio classes with instructors who are
    always free: one of them must share the studio (or take the lab, an unsuitable room)."""
    doc = studio_problem()
    doc["name"] = "crowded studio"
    doc["periods"] = [{"name": str(p)} for p in range(3)]
    doc["instructors"] = [{"id": "T%d" % k} for k in range(4)]
    doc["groups"] = [{"id": "G%d" % k, "size": 10} for k in range(4)]
    doc["classes"] = [dict(doc["classes"][0], id="s%d" % k, groups=["G%d" % k], periods_per_week=1,
                           block_length=1, instructors=["T%d" % k]) for k in range(4)]
    return doc
