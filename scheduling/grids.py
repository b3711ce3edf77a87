"""A timetable result as week grids by student group, instructor and room.

Pure data in, pure data out: `problem` is a `timetable-problem/1` document and `result` a
`timetable-result/1` (schedule.json), both as dicts (docs/problem-format.md). The admin renders
the grids as HTML (templates/scheduling/timetable_grids.html) and the Excel export as sheets.
"""


def timetable_grids(problem: dict, result: dict) -> dict:
    """{"groups" | "instructors" | "rooms": [grid, ...]}, one grid per item of the problem.

    A grid is {"id", "title", "days": [day name, ...], "rows": [row, ...]}; a row is one period,
    {"label", "cells": [cell per day]}; a cell is {"meetings": [meeting, ...], "clash": bool}.
    A meeting is shown in every period of its block, with "continuation" true after the first.
    """
    days = problem["days"]
    labels = [_period_label(period) for period in problem["periods"]]
    courses = {course["id"]: course.get("name") or course["id"] for course in problem.get("courses", [])}
    instructor_names = {item["id"]: item.get("name") or item["id"] for item in problem["instructors"]}
    group_names = {group["id"]: group.get("name") or group["id"] for group in problem["groups"]}
    family = _GroupFamily(problem["groups"])

    meetings = [_meeting(assignment, courses, instructor_names) for assignment in result["assignments"]]

    def grid(item_id, title, placed):
        """`placed`: (assignment, meeting shown, students of the grid that attend it or None)."""
        cells = [[{"meetings": [], "clash": False, "attendees": []} for _ in days] for _ in labels]
        for assignment, shown, attendees in placed:
            for offset in range(assignment["length"]):
                cell = cells[assignment["period"] + offset][assignment["day"]]
                cell["meetings"].append({**shown, "continuation": offset > 0})
                cell["attendees"].append(attendees)
        for row in cells:
            for cell in row:
                cell["clash"] = _clash(cell.pop("attendees"))
        return {"id": item_id, "title": title, "days": days,
                "rows": [{"label": label, "cells": row} for label, row in zip(labels, cells)]}

    group_grids = []
    for group in problem["groups"]:
        placed = []
        for assignment, shown in zip(result["assignments"], meetings):
            attendees = family.attendees(group["id"], assignment["groups"])
            if attendees:
                # Set only where the group's grid shows a subgroup's class: which subgroup attends.
                via = ", ".join(group_names.get(g, g) for g in assignment["groups"]
                                if family.is_strict_descendant(g, group["id"]))
                direct = any(family.is_ancestor_or_self(g, group["id"]) for g in assignment["groups"])
                placed.append((assignment, {**shown, "via": None if direct else via}, attendees))
        group_grids.append(grid(group["id"], _title(group["id"], group_names[group["id"]]), placed))

    # Everything in one instructor's or one room's cell competes for it: any two meetings clash.
    instructor_grids = [
        grid(item["id"], instructor_names[item["id"]],
             [(a, {**shown, "via": None}, None) for a, shown in zip(result["assignments"], meetings)
              if a["instructor"] == item["id"]])
        for item in problem["instructors"]]
    room_grids = [
        grid(room["id"], _title(room["id"], room.get("name") or room["id"]),
             [(a, {**shown, "via": None}, None) for a, shown in zip(result["assignments"], meetings)
              if a["room"] == room["id"]])
        for room in problem["rooms"]]
    return {"groups": group_grids, "instructors": instructor_grids, "rooms": room_grids}


def _meeting(assignment, courses, instructor_names):
    instructor = assignment["instructor"]
    return {
        "class": assignment["class"],
        "course": assignment["course"],
        "course_name": courses.get(assignment["course"], assignment["course"]),
        "kind": assignment["kind"],
        "room": assignment["room"],
        "instructor": instructor,
        "instructor_name": instructor_names.get(instructor, instructor) if instructor else None,
        "groups": list(assignment["groups"]),
    }


def _clash(attendees):
    """Two meetings in one cell clash unless they are for disjoint sets of students (two lab
    subgroups of a cohort in parallel, seen in the cohort's grid). None means "anybody"."""
    if len(attendees) < 2:
        return False
    if None in attendees:
        return True
    seen = set()
    for students in attendees:
        if seen & students:
            return True
        seen |= students
    return False


def _period_label(period):
    if period.get("start") and period.get("end"):
        return f"{period['name']} ({period['start']}–{period['end']})"
    return period["name"]


def _title(item_id, name):
    return item_id if name == item_id else f"{item_id} · {name}"


class _GroupFamily:
    """The group tree: who is whose ancestor, and which leaf groups (the students) lie below."""

    def __init__(self, groups):
        self.parent = {group["id"]: group.get("parent") for group in groups}
        children = {group_id: [] for group_id in self.parent}
        for group_id, parent in self.parent.items():
            if parent is not None:
                children[parent].append(group_id)
        self.leaves = {}
        for group_id in self.parent:
            stack, leaves = [group_id], set()
            while stack:
                current = stack.pop()
                stack.extend(children[current])
                if not children[current]:
                    leaves.add(current)
            self.leaves[group_id] = leaves

    def is_ancestor_or_self(self, candidate, group_id):
        while group_id is not None:
            if group_id == candidate:
                return True
            group_id = self.parent.get(group_id)
        return False

    def is_strict_descendant(self, candidate, group_id):
        return candidate != group_id and self.is_ancestor_or_self(group_id, candidate)

    def attendees(self, group_id, class_groups):
        """The leaf groups under `group_id` that attend a class of `class_groups` (empty: none)."""
        return set().union(*(self.leaves.get(g, set()) for g in class_groups)) & self.leaves[group_id]
