"""A term's data tables as an Excel workbook, and back.

The workbook is another rendering of the problem document (one sheet per list, one row per
item), so a round trip goes workbook → document → term with the same validation as every other
import. Slots read "Day Period" by name (e.g. "Monday 3"), lists are separated by "; ".
Text that a spreadsheet would run as a formula is written with a leading apostrophe.
"""

from io import BytesIO
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ga_runner import PROBLEM_FORMAT
from timetabling.selectors import term_problem_document
from timetabling.services import TermImportError, term_import_problem

LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# sheet: [(column header, document key, kind)]; kinds: text, int, bool, list, slots, optional text
SHEETS = {
    "Rooms": ("rooms", [("id", "id", "text"), ("name", "name", "text"), ("capacity", "capacity", "int"),
                        ("type", "type", "optional"), ("features", "features", "list"),
                        ("unavailable", "unavailable", "slots")]),
    "Instructors": ("instructors", [("id", "id", "text"), ("name", "name", "text"), ("email", "email", "text"),
                                    ("unavailable", "unavailable", "slots"),
                                    ("preferred free", "preferred_free", "slots")]),
    "Groups": ("groups", [("id", "id", "text"), ("name", "name", "text"), ("size", "size", "int"),
                          ("parent", "parent", "optional"), ("wants lunch break", "wants_lunch_break", "bool")]),
    "Courses": ("courses", [("id", "id", "text"), ("name", "name", "text")]),
    "Classes": ("classes", [("id", "id", "text"), ("course", "course", "text"), ("kind", "kind", "text"),
                            ("groups", "groups", "list"), ("periods per week", "periods_per_week", "int"),
                            ("block length", "block_length", "int"), ("room type", "room_type", "optional"),
                            ("room features", "room_features", "list"), ("instructors", "instructors", "list"),
                            ("min working days", "min_working_days", "int"), ("students", "students", "int"),
                            ("unavailable", "unavailable", "slots")]),
}


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _write_sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append([escape_formula(value) for value in row])
    sheet.freeze_panes = "A2"
    for column, header in zip(sheet.columns, headers):
        width = max([len(str(cell.value or "")) for cell in column] + [len(header)])
        sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)


def term_workbook_bytes(*, term):
    document = term_problem_document(term=term)
    days = document["days"]
    periods = [p["name"] for p in document["periods"]]

    def render(value, kind):
        if kind == "list":
            return LIST_SEPARATOR.join(value)
        if kind == "slots":
            return LIST_SEPARATOR.join(f"{days[d]} {periods[p]}" for d, p in value)
        if kind == "bool":
            return "yes" if value else "no"
        return value

    workbook = Workbook()
    workbook.remove(workbook.active)
    _write_sheet(workbook, "Term", ["name", "days"], [[document["name"], LIST_SEPARATOR.join(days)]])
    lunch = set(document["lunch_break"])
    _write_sheet(workbook, "Periods", ["name", "start", "end", "lunch break"],
                 [[p["name"], p["start"] or "", p["end"] or "", "yes" if i in lunch else "no"]
                  for i, p in enumerate(document["periods"])])
    _write_sheet(workbook, "Weights", ["constraint", "weight"], list(document["weights"].items()))
    for title, (key, columns) in SHEETS.items():
        _write_sheet(workbook, title, [header for header, _, _ in columns],
                     [[render(item[field], kind) for _, field, kind in columns] for item in document[key]])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Reader:
    """Reads cells into document values, collecting every error with its sheet, row and column."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.errors = []

    def rows(self, title, headers):
        if title not in self.workbook.sheetnames:
            self.errors.append(f"sheet {title}: missing")
            return []
        rows = list(self.workbook[title].iter_rows(values_only=True))
        found = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
        missing = [h for h in headers if h not in found]
        if missing:
            self.errors.append(f"sheet {title}: missing column(s) {', '.join(missing)}")
            return []
        index = {h: found.index(h) for h in headers}
        return [
            (number, {h: unescape_formula(row[index[h]]) if index[h] < len(row) else None for h in headers})
            for number, row in enumerate(rows[1:], start=2)
            if any(cell not in (None, "") for cell in row)
        ]

    def value(self, where, raw, kind, slot_names=None):
        text = "" if raw is None else str(raw).strip()
        if kind == "text":
            return text
        if kind == "optional":
            return text or None
        if kind == "bool":
            if text.lower() in {"yes", "true", "1"}:
                return True
            if text.lower() in {"no", "false", "0", ""}:
                return False
            self.errors.append(f"{where}: expected yes or no, not {text!r}")
            return False
        if kind == "int":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
                return int(raw)
            if text.lstrip("-").isdigit():
                return int(text)
            self.errors.append(f"{where}: expected a whole number, not {text!r}")
            return 0
        items = [part.strip() for part in text.split(";") if part.strip()]
        if kind == "list":
            return items
        slots = []
        for item in items:
            slot = slot_names.get(item)
            if slot is None:
                self.errors.append(f"{where}: {item!r} is not a day and period of the week (e.g. {next(iter(slot_names), '')!r})")
            else:
                slots.append(list(slot))
        return slots


def workbook_to_problem(data):
    """A problem document from workbook bytes; TermImportError lists every bad cell."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TermImportError([f"not an Excel workbook (.xlsx): {exc}"])
    reader = _Reader(workbook)
    term_rows = reader.rows("Term", ["name", "days"])
    period_rows = reader.rows("Periods", ["name", "start", "end", "lunch break"])
    weight_rows = reader.rows("Weights", ["constraint", "weight"])
    if reader.errors:
        raise TermImportError(reader.errors)
    if len(term_rows) != 1:
        raise TermImportError([f"sheet Term: expected one row, found {len(term_rows)}"])
    name = reader.value("Term!A2", term_rows[0][1]["name"], "text")
    days = reader.value("Term!B2", term_rows[0][1]["days"], "list")
    periods, lunch_break = [], []
    for index, (number, row) in enumerate(period_rows):
        periods.append({"name": reader.value(f"Periods row {number} name", row["name"], "text"),
                        "start": _clock(row["start"]), "end": _clock(row["end"])})
        if reader.value(f"Periods row {number} lunch break", row["lunch break"], "bool"):
            lunch_break.append(index)
    slot_names = {f"{day} {period['name']}": (d, p) for d, day in enumerate(days) for p, period in enumerate(periods)}

    document = {
        "format": PROBLEM_FORMAT, "name": name, "days": days, "periods": periods, "lunch_break": lunch_break,
        "weights": {str(row["constraint"]).strip(): reader.value(f"Weights row {number} weight", row["weight"], "int")
                    for number, row in weight_rows},
    }
    for title, (key, columns) in SHEETS.items():
        document[key] = [
            {field: reader.value(f"{title} row {number} {header}", row[header], kind, slot_names)
             for header, field, kind in columns}
            for number, row in reader.rows(title, [header for header, _, _ in columns])
        ]
    if reader.errors:
        raise TermImportError(reader.errors)
    return document


def _clock(value):
    if value in (None, ""):
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return str(value).strip()


def term_import_workbook(*, organization, data, name=None):
    return term_import_problem(organization=organization, document=workbook_to_problem(data), name=name)
