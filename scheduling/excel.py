"""A timetable result as an Excel workbook, for planners.

Sheets: "Quality" (the score by constraint, every violation, the unsatisfiable requirements),
"Assignments" (one row per meeting, filterable), then a week grid per student group ("G …"),
instructor ("I …") and room ("R …"). Quality and Assignments come first: a term can have
hundreds of grid sheets, and the first question about a timetable is whether it is feasible.
Only plain openpyxl features (values, fonts, fills, wrapping, widths, frozen panes, an
autofilter) so that Excel and LibreOffice open it alike.
"""

from io import BytesIO
import math
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ga_runner.problem import DEFAULT_WEIGHTS
from scheduling.grids import timetable_grids
from timetabling.spreadsheets import LIST_SEPARATOR, escape_formula

SHEET_NAME_LENGTH = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
GRID_PREFIXES = (("groups", "G"), ("instructors", "I"), ("rooms", "R"))
GRID_LABEL_WIDTH = 16
GRID_DAY_WIDTH = 34
LINE_HEIGHT = 15  # points per text line at the default 11 pt font

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CLASH_FILL = PatternFill("solid", start_color="FFC7CE")
CLASH_FONT = Font(color="9C0006")


def timetable_workbook_bytes(problem: dict, result: dict) -> bytes:
    workbook = Workbook()
    quality = workbook.active
    quality.title = "Quality"
    _write_quality(quality, problem, result)
    _write_assignments(workbook.create_sheet("Assignments"), problem, result)
    sheet_names = _SheetNames(["Quality", "Assignments"])
    grids = timetable_grids(problem, result)
    for kind, prefix in GRID_PREFIXES:
        for grid in grids[kind]:
            # Groups and rooms are known by their codes (BAM2AB, A104), instructors by name.
            label = grid["title"] if kind == "instructors" else grid["id"]
            _write_grid(workbook.create_sheet(sheet_names.unique(f"{prefix} {label}")), grid,
                        show_groups=kind != "groups")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value):
    """A cell value: text without characters XML cannot hold, never runnable as a formula."""
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _append(sheet, values, font=None):
    sheet.append([_text(value) for value in values])
    if font:
        for cell in sheet[sheet.max_row]:
            cell.font = font


def _widths(sheet, widths):
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _instructor_names(problem):
    return {item["id"]: item.get("name") or item["id"] for item in problem["instructors"]}


def _write_quality(sheet, problem, result):
    days = problem["days"]
    periods = [period["name"] for period in problem["periods"]]
    weights = {**DEFAULT_WEIGHTS, **(problem.get("weights") or {})}
    course_of_class = {klass["id"]: klass["course"] for klass in problem["classes"]}
    instructor_names = _instructor_names(problem)

    _append(sheet, ["Timetable", problem.get("name", "")], BOLD)
    for label, key in (("Status", "status"), ("Hard", "hard"), ("Hard, proven unavoidable", "hard_floor"),
                       ("Soft", "soft")):
        _append(sheet, [label, result[key]])

    _append(sheet, [])
    _append(sheet, ["Constraint", "Type", "Cost", "Weight"], BOLD)
    for name, cost in result["cost"]["hard"].items():
        _append(sheet, [name, "hard", cost, None])
    for name, cost in result["cost"]["soft"].items():
        _append(sheet, [name, "soft", cost, weights.get(name)])

    # The later tables share columns with this one where they mean the same: A what, C cost,
    # D the explanation, E course, F class.
    _append(sheet, [])
    _append(sheet, ["Violations"], BOLD)
    _append(sheet, ["Constraint", "Type", "Cost", "Message", "Course", "Class", "Groups",
                    "Instructor", "Room", "Day", "Period"], BOLD)
    for violation in result["violations"]:
        day, period = violation.get("day"), violation.get("period")
        _append(sheet, [violation["constraint"], "hard" if violation["hard"] else "soft",
                        violation["cost"], violation["message"], violation.get("course"),
                        violation.get("class"), LIST_SEPARATOR.join(violation.get("groups") or []),
                        instructor_names.get(violation.get("instructor"), violation.get("instructor")),
                        violation.get("room"),
                        days[day] if day is not None else None,
                        periods[period] if period is not None else None])
    if not result["violations"]:
        _append(sheet, ["none"])

    if result.get("unsatisfiable"):
        _append(sheet, [])
        _append(sheet, ["Unsatisfiable requirements"], BOLD)
        _append(sheet, ["Requirement", None, None, "Reason", "Course", "Class"], BOLD)
        for item in result["unsatisfiable"]:
            _append(sheet, [item["requirement"], None, None, item["reason"],
                            course_of_class.get(item["class"]), item["class"]])

    for row in sheet.iter_rows(min_col=4, max_col=4):
        row[0].alignment = WRAP
    _widths(sheet, [24, 8, 8, 60, 14, 28, 20, 14, 12, 12, 8])


def _write_assignments(sheet, problem, result):
    days = problem["days"]
    periods = problem["periods"]
    course_names = {course["id"]: course.get("name") for course in problem.get("courses", [])}
    instructor_names = _instructor_names(problem)

    headers = ["Course", "Course name", "Kind", "Groups", "Instructor", "Room", "Day", "Period",
               "Start", "Length"]
    _append(sheet, headers, BOLD)
    for assignment in result["assignments"]:
        period = periods[assignment["period"]]
        instructor = assignment["instructor"]
        _append(sheet, [assignment["course"], course_names.get(assignment["course"]), assignment["kind"],
                        LIST_SEPARATOR.join(assignment["groups"]),
                        instructor_names.get(instructor, instructor), assignment["room"],
                        days[assignment["day"]], period["name"], period.get("start"),
                        assignment["length"]])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet, [14, 32, 12, 24, 24, 12, 12, 8, 8, 8])


def _write_grid(sheet, grid, *, show_groups):
    # A1 repeats the full title: sheet names are short and may be truncated.
    _append(sheet, [grid["title"], *grid["days"]], BOLD)
    for row in grid["rows"]:
        texts = [_cell_text(cell, show_groups) for cell in row["cells"]]
        _append(sheet, [row["label"], *texts])
        cells = sheet[sheet.max_row]
        for cell in cells:
            cell.alignment = WRAP
        cells[0].font = BOLD
        for cell, grid_cell in zip(cells[1:], row["cells"]):
            if grid_cell["clash"]:
                cell.fill = CLASH_FILL
                cell.font = CLASH_FONT
        # Set explicitly: not every spreadsheet program fits rows to wrapped text when opening.
        lines = max(_line_count(text, width) for text, width in
                    [(row["label"], GRID_LABEL_WIDTH)] + [(text, GRID_DAY_WIDTH) for text in texts])
        sheet.row_dimensions[sheet.max_row].height = LINE_HEIGHT * max(2, lines)
    sheet.freeze_panes = "B2"
    _widths(sheet, [GRID_LABEL_WIDTH] + [GRID_DAY_WIDTH] * len(grid["days"]))
    sheet.page_setup.orientation = "landscape"


def _cell_text(cell, show_groups):
    lines = ["CLASH"] if cell["clash"] else []
    for meeting in cell["meetings"]:
        parts = [f"{meeting['course']} {meeting['kind']}", meeting["room"],
                 meeting["instructor_name"] or "no instructor"]
        if show_groups:
            parts.append(LIST_SEPARATOR.join(meeting["groups"]))
        text = " / ".join(parts)
        if meeting["via"]:
            text = f"[{meeting['via']}] {text}"
        if meeting["continuation"]:
            text += " (cont.)"
        lines.append(text)
    return "\n".join(lines) or None


def _line_count(text, width):
    if not text:
        return 1
    return sum(max(1, math.ceil(len(line) / (width - 2))) for line in text.split("\n"))


class _SheetNames:
    """Valid, unique sheet names: without []:*?/\\, at most 31 characters, not starting or ending
    with an apostrophe, unique regardless of case (as Excel compares them)."""

    def __init__(self, taken):
        self.taken = {name.casefold() for name in taken}

    def unique(self, wanted):
        base = SHEET_NAME_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", wanted)).strip().strip("'")
        name = base[:SHEET_NAME_LENGTH].rstrip().rstrip("'")
        number = 1
        while name.casefold() in self.taken:
            number += 1
            suffix = f" ({number})"
            name = base[:SHEET_NAME_LENGTH - len(suffix)].rstrip().rstrip("'") + suffix
        self.taken.add(name.casefold())
        return name
