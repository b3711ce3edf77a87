"""The three ways data comes in and goes out, each round-tripped, and bad files refused whole."""

import json
import re
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.accounts.factories import OrganizationFactory
from timetabling.demo import demo_problem_document
from timetabling.models import CourseComponent, Term
from timetabling.selectors import term_problem_document
from timetabling.services import TermImportError, term_import_ctt, term_import_problem
from timetabling.spreadsheets import term_import_workbook, term_workbook_bytes

pytestmark = pytest.mark.django_db


def comparable(document):
    """A document up to the order of its lists (they are sets) and the generated class ids."""
    document = json.loads(json.dumps(document))
    for item in document["classes"]:
        item.pop("id")
        for key in ("groups", "instructors", "room_features", "unavailable"):
            item[key] = sorted(item[key])
    for room in document["rooms"]:
        room["features"] = sorted(room["features"])
    document["classes"].sort(key=lambda c: (c["course"], c["kind"], c["groups"]))
    for key in ("rooms", "instructors", "groups", "courses"):
        document[key].sort(key=lambda item: item["id"])
    return document


def test_problem_document_round_trips():
    document = demo_problem_document()
    term = term_import_problem(organization=OrganizationFactory(), document=document)
    assert comparable(term_problem_document(term=term)) == comparable(document)


def test_bad_problem_document_lists_every_error_and_imports_nothing():
    document = demo_problem_document()
    document["classes"][0]["instructors"] = ["NOBODY"]
    document["rooms"][0]["capacity"] = -1
    with pytest.raises(TermImportError) as caught:
        term_import_problem(organization=OrganizationFactory(), document=document)
    text = "\n".join(caught.value.messages)
    assert "classes[0].instructors[0]" in text and "NOBODY" in text
    assert "rooms[0].capacity" in text
    assert not Term.objects.exists()


def ctt_header(text):
    return {key: int(value) for key, value in re.findall(r"^(Courses|Rooms|Curricula|Constraints):\s*(\d+)", text, re.M)}


@pytest.mark.parametrize("instance", ["toy", "comp01", "comp02", "comp03", "comp04", "comp05", "comp06", "comp07"])
def test_every_itc_instance_imports_and_exports_with_the_headers_counts(bench, instance):
    text = (bench / "itc2007" / f"{instance}.ctt").read_text()
    organization = OrganizationFactory(slug="itc")
    out = StringIO()
    call_command("import_ctt", str(bench / "itc2007" / f"{instance}.ctt"), org="itc", stdout=out)
    term = Term.objects.get(organization=organization)
    exported = StringIO()
    call_command("export_term", term.name, org="itc", stdout=exported)
    document = json.loads(exported.getvalue())

    header = ctt_header(text)
    courses_section = text.split("COURSES:")[1].split("ROOMS:")[0].split()
    lectures = sum(int(courses_section[i + 2]) for i in range(0, len(courses_section), 5))
    assert len(document["courses"]) == len(document["classes"]) == header["Courses"]
    assert sum(c["periods_per_week"] for c in document["classes"]) == lectures
    assert len(document["rooms"]) == header["Rooms"]
    assert len(document["groups"]) == header["Curricula"]
    assert sum(len(c["unavailable"]) for c in document["classes"]) == header["Constraints"]


def test_bad_ctt_file_names_its_lines_and_imports_nothing():
    text = "Name: Bad\nCourses: 2\nRooms: 1\nDays: 5\nPeriods_per_day: 4\nCurricula: 1\nConstraints: 0\n\nCOURSES:\nc1 t1 3 x 30\n\nROOMS:\nA 30\n\nCURRICULA:\nq1 1 c9\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n"
    with pytest.raises(TermImportError) as caught:
        term_import_ctt(organization=OrganizationFactory(), text=text)
    assert any(message.startswith("line ") for message in caught.value.messages)
    assert not Term.objects.exists()


def test_import_commands_report_errors_clearly(tmp_path):
    OrganizationFactory(slug="uni")
    with pytest.raises(CommandError, match="No organization with slug 'nope'"):
        call_command("import_term", "x.json", org="nope")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="broken.json"):
        call_command("import_term", str(broken), org="uni")


def test_campus_imports_with_everything_accounted_for(bench):
    campus = bench / "campus"
    raw = {name: json.loads((campus / f"{name}.json").read_text()) for name in ("Course", "Groups", "Instructors", "Rooms")}
    OrganizationFactory(slug="campus")
    call_command("import_four_files", str(campus), org="campus", term="Campus", stdout=StringIO())
    term = Term.objects.get(name="Campus")

    attended = {code for group in raw["Groups"] for code in group["courses"]}
    subgroups = {sub["id"] if isinstance(sub, dict) else sub for group in raw["Groups"] for sub in group["subgroups"]}
    assert set(term.courses.values_list("code", flat=True)) == attended
    assert term.groups.filter(parent__isnull=True).count() == len(raw["Groups"])
    assert set(term.groups.filter(parent__isnull=False).values_list("code", flat=True)) == subgroups
    # Courses with no weekly hours (survey camps, industrial attachments) have nothing to place.
    hours = {c["CourseCode"]: c["L"] + c["T"] + c["P"] for c in raw["Course"]}
    for group in raw["Groups"]:
        stored = term.groups.get(code=group["group_id"])
        assert set(stored.courses.values_list("code", flat=True)) == {c for c in group["courses"] if hours[c] > 0}
    assert term.rooms.count() == len(raw["Rooms"]) and term.instructors.count() == len(raw["Instructors"])

    # Every qualification for an attended course is kept on the matching kinds of class.
    for instructor in raw["Instructors"]:
        stored = term.instructors.get(code=instructor["id"])
        for entry in instructor["courses"]:
            if entry["coursecode"] not in attended:
                continue
            kinds = {"practical"} if entry["coursetype"] == "Practical" else {"lecture", "tutorial"}
            components = CourseComponent.objects.filter(course__term=term, course__code=entry["coursecode"], kind__in=kinds)
            for component in components:
                assert stored in component.qualified_instructors.all() or component.fixed_instructor == stored
        # A day with no window is unavailable; a listed day is available at least somewhere.
        availability = instructor.get("availability") or {}
        days = term.day_names
        blocked_days = {day for day, period in (tuple(slot) for slot in stored.unavailable)
                        if sum(1 for d, _ in stored.unavailable if d == day) == term.periods.count()}
        if availability:
            assert blocked_days == {i for i, name in enumerate(days) if name not in availability}
        else:
            assert stored.unavailable == []


def test_spreadsheet_round_trips_and_escapes_formulas():
    document = demo_problem_document()
    document["rooms"][0]["name"] = "=HYPERLINK(\"http://evil\")"
    term = term_import_problem(organization=OrganizationFactory(), document=document)
    data = term_workbook_bytes(term=term)

    sheet = load_workbook(BytesIO(data))["Rooms"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert {"Term", "Periods", "Weights", "Rooms", "Instructors", "Groups", "Courses", "Classes"} <= set(load_workbook(BytesIO(data)).sheetnames)

    copy = term_import_workbook(organization=term.organization, data=data, name="Copy")
    assert comparable(dict(term_problem_document(term=copy), name=term.name)) == comparable(term_problem_document(term=term))


def test_bad_spreadsheet_names_sheet_row_and_column():
    organization = OrganizationFactory()
    term = term_import_problem(organization=organization, document=demo_problem_document())
    workbook = load_workbook(BytesIO(term_workbook_bytes(term=term)))
    workbook["Rooms"]["C2"] = "lots"
    workbook["Instructors"]["D3"] = "Someday 9"
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(TermImportError) as caught:
        term_import_workbook(organization=organization, data=buffer.getvalue(), name="Broken")
    assert "Rooms row 2 capacity: expected a whole number, not 'lots'" in caught.value.messages
    assert any(m.startswith("Instructors row 3 unavailable: 'Someday 9'") for m in caught.value.messages)
    assert not Term.objects.filter(name="Broken").exists()
    with pytest.raises(TermImportError, match="not an Excel workbook"):
        term_import_workbook(organization=organization, data=b"plain text", name="Broken")


def test_load_demo_creates_the_faculty_and_a_working_login(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())  # running it again replaces the demo term
    term = Term.objects.get(name="Autumn 2026")
    assert (term.courses.count(), term.instructors.count(), term.rooms.count(), term.groups.count()) == (60, 20, 15, 12)
    assert (len(term.day_names), term.periods.count()) == (5, 6)
    assert len({room.room_type for room in term.rooms.all()}) in (2, 3)
    username, password = re.search(r"username '(\w+)', password '([\w-]+)'", out.getvalue()).groups()
    assert client.login(username=username, password=password)
    assert client.get("/admin/timetabling/term/").status_code == 200


def test_admin_import_shows_errors_and_changes_nothing(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    upload = BytesIO(b'{"format": "timetable-problem/9"}')
    upload.name = "p.json"
    response = client.post("/admin/timetabling/term/import/problem/", {"file": upload})
    assert "nothing was changed" in response.content.decode()
    assert "format" in response.content.decode()
    assert not Term.objects.exists()

    good = BytesIO(json.dumps(demo_problem_document()).encode())
    good.name = "demo.json"
    response = client.post("/admin/timetabling/term/import/problem/", {"file": good})
    assert response.status_code == 302
    assert Term.objects.get().organization == user.organization


def test_nul_characters_are_refused_not_crashed_on():
    document = demo_problem_document()
    document["rooms"][2]["name"] = "Lab\x00"
    with pytest.raises(TermImportError) as caught:
        term_import_problem(organization=OrganizationFactory(), document=document)
    assert caught.value.messages == ["rooms[2].name: text cannot contain NUL (\\u0000) characters"]


def test_four_file_import_round_trips_through_the_problem_document(bench):
    from ga_runner.formats.four_files import read_four_files_dir
    from timetabling.services import term_import_four_files

    campus = bench / "campus"
    raw = {key: json.loads((campus / f"{name}.json").read_text()) for key, name in
           (("courses", "Course"), ("groups", "Groups"), ("instructors", "Instructors"), ("rooms", "Rooms"))}
    term = term_import_four_files(organization=OrganizationFactory(), name="campus", **raw)
    assert comparable(term_problem_document(term=term)) == comparable(read_four_files_dir(campus, name="campus"))


def test_bad_four_files_name_the_problem_and_import_nothing(tmp_path, bench):
    for name in ("Course", "Instructors", "Rooms"):
        (tmp_path / f"{name}.json").write_text((bench / "campus" / f"{name}.json").read_text())
    groups = json.loads((bench / "campus" / "Groups.json").read_text())
    groups[3]["courses"].append("NO SUCH COURSE")
    del groups[5]["student_count"]
    (tmp_path / "Groups.json").write_text(json.dumps(groups))
    OrganizationFactory(slug="campus")
    with pytest.raises(CommandError) as caught:
        call_command("import_four_files", str(tmp_path), org="campus", term="Broken")
    message = str(caught.value)
    assert "Groups.json[3].courses" in message and "NO SUCH COURSE" in message
    assert "Groups.json[5]" in message and "student_count" in message
    assert not Term.objects.exists()
