"""A realistic demo faculty: 60 courses, 20 instructors, 15 rooms, 12 student groups, 5 × 6.

Built as a problem document and imported through the same service as any uploaded term, so
the demo exercises the real import path. Deterministic: the same data every time.
"""

import random

from django.db import transaction

from accounts.models import Organization, User
from accounts.services import organization_create, user_create
from ga_runner import PROBLEM_FORMAT
from timetabling.services import term_import_problem

DEMO_ORGANIZATION = "Demo Faculty of Engineering"
DEMO_TERM = "Autumn 2026"
DEMO_USERNAME = "planner"
DEMO_PASSWORD = "timetable-demo"

PROGRAMMES = {"CE": "Civil Engineering", "CS": "Computing", "EE": "Electrical Engineering", "ME": "Mechanical Engineering"}
COHORT_SIZES = {"CE": 55, "CS": 60, "EE": 48, "ME": 42}
SPLIT_COHORTS = ("CS1", "EE1")  # first-year cohorts whose labs run per subgroup
SUBJECTS = {
    "CE": ["Statics", "Surveying", "Building Materials", "Engineering Geology", "Fluid Mechanics",
           "Structural Analysis", "Soil Mechanics", "Hydraulics", "Concrete Design", "Transportation",
           "Construction Management", "Steel Design", "Water Supply", "Estimating"],
    "CS": ["Programming I", "Discrete Structures", "Digital Logic", "Computer Organisation", "Data Structures",
           "Algorithms", "Databases", "Operating Systems", "Networks", "Software Engineering",
           "Theory of Computation", "Web Systems", "Computer Graphics", "Compilers"],
    "EE": ["Circuit Theory", "Electronics I", "Electrical Measurements", "Signals", "Electromagnetics",
           "Electronics II", "Machines I", "Power Systems", "Control Systems", "Machines II",
           "Power Electronics", "Microprocessors", "Instrumentation", "Protection"],
    "ME": ["Engineering Drawing", "Workshop Technology", "Thermodynamics I", "Materials Science",
           "Mechanics of Solids", "Thermodynamics II", "Theory of Machines", "Fluid Machines",
           "Machine Design", "Heat Transfer", "Manufacturing", "Metrology", "Refrigeration", "Automobiles"],
}
SHARED_FIRST_YEAR = [("MA101", "Calculus"), ("PH101", "Physics"), ("EN101", "Technical English")]
LAB_FEATURES = {"CS": "Computers", "EE": "Electronics benches"}


def demo_problem_document():
    rng = random.Random(2026)
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    starts = ["08:30", "09:30", "10:30", "11:30", "12:30", "13:30"]
    periods = [{"name": str(i + 1), "start": s, "end": f"{int(s[:2]) + 1:02d}:20"} for i, s in enumerate(starts)]

    rooms = [{"id": "AUD", "name": "Main Auditorium", "capacity": 220, "type": "Lecture", "features": [], "unavailable": []}]
    rooms += [
        {"id": f"L{n}", "name": f"Lecture Room {n}", "capacity": capacity, "type": "Lecture", "features": [],
         "unavailable": [[4, 5]] if n == 1 else []}
        for n, capacity in enumerate([70, 65, 60, 60, 55, 50, 48, 45], start=1)
    ]
    rooms += [{"id": f"S{n}", "name": f"Seminar Room {n}", "capacity": 30, "type": "Lecture", "features": [],
               "unavailable": []} for n in (1, 2)]
    rooms += [
        {"id": "LAB-C1", "name": "Computer Lab 1", "capacity": 32, "type": "Lab", "features": ["Computers"], "unavailable": []},
        {"id": "LAB-C2", "name": "Computer Lab 2", "capacity": 32, "type": "Lab", "features": ["Computers"], "unavailable": []},
        {"id": "LAB-E", "name": "Electronics Lab", "capacity": 30, "type": "Lab", "features": ["Electronics benches"], "unavailable": []},
        {"id": "LAB-W", "name": "Workshop", "capacity": 45, "type": "Lab", "features": ["Machine tools"], "unavailable": [[2, 0], [2, 1]]},
    ]

    first_names = ["Asha", "Bikash", "Chen", "Dana", "Elif", "Farid", "Gita", "Hugo", "Ines", "Jon",
                   "Kiran", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara"]
    surnames = ["Adhikari", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Gurung", "Haddad", "Ito", "Jensen",
                "Khan", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Silva", "Thapa"]
    instructors = []
    for n, (first, last) in enumerate(zip(first_names, surnames), start=1):
        day_off = rng.randrange(5)
        instructors.append({
            "id": f"T{n:02d}", "name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}@demo.example.edu",
            "unavailable": [[day_off, p] for p in range(3)] if n % 3 == 0 else [],
            "preferred_free": [[d, 5] for d in range(5)] if n % 4 == 0 else [],
        })
    # Each programme has five instructors of its own; the shared courses borrow from all.
    staff = {code: [f"T{i:02d}" for i in range(1 + 5 * k, 6 + 5 * k)] for k, code in enumerate(PROGRAMMES)}

    groups, courses, classes = [], [], []
    for programme, title in PROGRAMMES.items():
        for year in (1, 2):
            cohort = f"{programme}{year}"
            size = COHORT_SIZES[programme] - 4 * (year - 1)
            groups.append({"id": cohort, "name": f"{title}, year {year}", "size": size, "parent": None,
                           "wants_lunch_break": True})
            if cohort in SPLIT_COHORTS:
                for half in "AB":
                    groups.append({"id": f"{cohort}{half}", "name": f"{title}, year {year}, lab group {half}",
                                   "size": size // 2, "parent": cohort, "wants_lunch_break": True})

    def add_class(course, kind, class_groups, periods_per_week, block, room_type, features, eligible, students, min_days):
        suffix = "+".join(class_groups) if kind == "practical" else ""
        classes.append({
            "id": "/".join(p for p in (course, kind, suffix) if p), "course": course, "kind": kind,
            "groups": class_groups, "periods_per_week": periods_per_week, "block_length": block,
            "room_type": room_type, "room_features": features, "instructors": eligible,
            "min_working_days": min_days, "students": students, "unavailable": [],
        })

    sizes = {g["id"]: g["size"] for g in groups}
    first_years = [f"{p}1" for p in PROGRAMMES]
    for n, (code, name) in enumerate(SHARED_FIRST_YEAR):
        courses.append({"id": code, "name": name})
        eligible = sorted({staff[p][n] for p in PROGRAMMES})[:2]
        add_class(code, "lecture", first_years, 2, 1, "Lecture", [], eligible, sum(sizes[g] for g in first_years), 2)

    for programme, subjects in SUBJECTS.items():
        own = staff[programme]
        for year, year_subjects in ((1, subjects[:6]), (2, subjects[6:14])):
            cohort = f"{programme}{year}"
            for n, subject in enumerate(year_subjects):
                code = f"{programme}{year}{n + 1:02d}"
                courses.append({"id": code, "name": subject})
                lecturer = own[(n + year) % 5]
                lectures = 3 if year == 2 and n < 2 else 2
                add_class(code, "lecture", [cohort], lectures, 1, "Lecture", [], [lecturer], sizes[cohort], 2)
                if cohort in SPLIT_COHORTS and n < 2:
                    assistants = sorted({own[(n + 2) % 5], own[(n + 3) % 5]})
                    for half in "AB":
                        sub = f"{cohort}{half}"
                        add_class(code, "practical", [sub], 2, 2, "Lab", [LAB_FEATURES[programme]], assistants, sizes[sub], 0)
    courses.append({"id": "GE201", "name": "Engineering Ethics"})
    add_class("GE201", "lecture", [f"{p}2" for p in PROGRAMMES], 1, 1, "Lecture", [], ["T04", "T09"],
              sum(sizes[f"{p}2"] for p in PROGRAMMES), 0)

    return {
        "format": PROBLEM_FORMAT, "name": DEMO_TERM, "days": days, "periods": periods, "lunch_break": [3, 4],
        "weights": {"room_capacity": 1, "min_working_days": 5, "isolated_lectures": 2, "room_stability": 1,
                    "idle_gaps": 1, "lunch_break": 2, "preferred_free": 1},
        "rooms": rooms, "instructors": instructors, "groups": groups, "courses": courses, "classes": classes,
    }


@transaction.atomic
def demo_load():
    """Create (or re-create) the demo organization, its term and a planner login."""
    organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first() or organization_create(
        name=DEMO_ORGANIZATION, plan=Organization.Plan.PRO)
    organization.terms.filter(name=DEMO_TERM).delete()
    term = term_import_problem(organization=organization, document=demo_problem_document())
    user = User.objects.filter(username=DEMO_USERNAME, organization=organization).first()
    if user is None:
        user = user_create(organization=organization, username=DEMO_USERNAME, password=DEMO_PASSWORD,
                           role=User.Role.PLANNER)
    else:
        # The printed login must work even if someone changed the password.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return organization, term, user
