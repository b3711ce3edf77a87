"""A small problem and a hand-written result for it, for the grid and Excel export tests.

Two days of three periods; cohort BAM2AB with lab subgroups BAM2A and BAM2B; a cohort lecture
(two single-period meetings) and a two-period lab per subgroup. On Monday both labs run in
parallel in periods 2-3 (not a clash: different students), and the lecture's second meeting is
put in period 3, on top of both labs and in lab B's room: the clash. Lab A's room is too small:
the soft violation. Costs follow docs/problem-format.md (checked with the engine tests'
independent evaluator); the weights of the constraints this timetable would otherwise break
are 0 to keep the list short.

    Monday   1: -              2: lab A (L1, Ahmed) | lab B (A104, Rosa)   3: lab A | lab B | lecture (A104, Rosa)
    Tuesday  1: lecture (A104, Rosa)
"""


def small_problem():
    return {
        "format": "timetable-problem/1",
        "name": "Autumn 2026",
        "days": ["Monday", "Tuesday"],
        "periods": [
            {"name": "1", "start": "08:00", "end": "09:00"},
            {"name": "2", "start": "09:00", "end": "10:00"},
            {"name": "3", "start": "10:00", "end": "11:00"},
        ],
        "lunch_break": [],
        "weights": {"room_capacity": 1, "min_working_days": 5, "isolated_lectures": 0,
                    "room_stability": 1, "idle_gaps": 0, "lunch_break": 1, "preferred_free": 1},
        "rooms": [
            {"id": "A104", "name": "Lecture Hall", "capacity": 48, "type": None, "features": [],
             "unavailable": []},
            {"id": "L1", "name": "Physics Lab", "capacity": 18, "type": None, "features": [],
             "unavailable": []},
        ],
        "instructors": [
            {"id": "I1", "name": "Rosa", "email": "", "unavailable": [], "preferred_free": []},
            {"id": "I2", "name": "Ahmed", "email": "", "unavailable": [], "preferred_free": []},
        ],
        "groups": [
            {"id": "BAM2AB", "name": "Automobile Engineering Semester 2", "size": 40, "parent": None,
             "wants_lunch_break": False},
            {"id": "BAM2A", "name": "BAM2A", "size": 20, "parent": "BAM2AB", "wants_lunch_break": False},
            {"id": "BAM2B", "name": "BAM2B", "size": 20, "parent": "BAM2AB", "wants_lunch_break": False},
        ],
        "courses": [
            {"id": "ENME 151", "name": "Engineering Drawing"},
            {"id": "PHYS 101", "name": "Physics"},
        ],
        "classes": [
            {"id": "ENME 151/lecture/BAM2AB", "course": "ENME 151", "kind": "lecture",
             "groups": ["BAM2AB"], "periods_per_week": 2, "block_length": 1, "room_type": None,
             "room_features": [], "instructors": ["I1"], "min_working_days": 2, "students": 40,
             "unavailable": []},
            {"id": "PHYS 101/practical/BAM2A", "course": "PHYS 101", "kind": "practical",
             "groups": ["BAM2A"], "periods_per_week": 2, "block_length": 2, "room_type": None,
             "room_features": [], "instructors": ["I2"], "min_working_days": 0, "students": 20,
             "unavailable": []},
            {"id": "PHYS 101/practical/BAM2B", "course": "PHYS 101", "kind": "practical",
             "groups": ["BAM2B"], "periods_per_week": 2, "block_length": 2, "room_type": None,
             "room_features": [], "instructors": ["I1", "I2"], "min_working_days": 0, "students": 20,
             "unavailable": []},
        ],
    }


LECTURE = "ENME 151/lecture/BAM2AB"
LAB_A = "PHYS 101/practical/BAM2A"
LAB_B = "PHYS 101/practical/BAM2B"


def small_result():
    def meeting(klass, course, kind, groups, meeting, day, period, length, room, instructor):
        return {"class": klass, "course": course, "kind": kind, "groups": groups, "meeting": meeting,
                "day": day, "period": period, "length": length, "room": room, "instructor": instructor}

    def violation(constraint, hard, cost, message, klass, course, groups, instructor, room, day, period):
        return {"constraint": constraint, "hard": hard, "cost": cost, "message": message,
                "class": klass, "course": course, "groups": groups, "instructor": instructor,
                "room": room, "day": day, "period": period}

    return {
        "format": "timetable-result/1",
        "problem": {"name": "Autumn 2026", "sha256": "0" * 64},
        "status": "finished",
        "hard": 3,
        "soft": 2,
        "cost": {
            "hard": {"conflicts": 2, "class_overlaps": 0, "room_occupancy": 1, "availability": 0,
                     "room_suitability": 0, "no_instructor": 0},
            "soft": {"room_capacity": 2, "min_working_days": 0, "isolated_lectures": 0,
                     "room_stability": 0, "idle_gaps": 0, "lunch_break": 0, "preferred_free": 0},
        },
        "assignments": [
            meeting(LECTURE, "ENME 151", "lecture", ["BAM2AB"], 0, 1, 0, 1, "A104", "I1"),
            meeting(LECTURE, "ENME 151", "lecture", ["BAM2AB"], 1, 0, 2, 1, "A104", "I1"),
            meeting(LAB_A, "PHYS 101", "practical", ["BAM2A"], 0, 0, 1, 2, "L1", "I2"),
            meeting(LAB_B, "PHYS 101", "practical", ["BAM2B"], 0, 0, 1, 2, "A104", "I1"),
        ],
        "violations": [
            violation("conflicts", True, 1, f"{LECTURE} and {LAB_A} both on Monday period 3 (BAM2A)",
                      LECTURE, "ENME 151", ["BAM2A"], None, None, 0, 2),
            violation("conflicts", True, 1, f"{LECTURE} and {LAB_B} both on Monday period 3 (BAM2B, I1)",
                      LECTURE, "ENME 151", ["BAM2B"], "I1", None, 0, 2),
            violation("room_occupancy", True, 1, "room A104 holds 2 classes on Monday period 3",
                      LECTURE, "ENME 151", [], None, "A104", 0, 2),
            violation("room_capacity", False, 2, f"{LAB_A} in room L1 (18 seats) has 20 students",
                      LAB_A, "PHYS 101", ["BAM2A"], None, "L1", 0, 1),
        ],
        "unsatisfiable": [],
        "hard_floor": 0,
        "stats": {"seed": 1, "generations": 10, "evaluations": 400, "elapsed": 0.1},
    }
