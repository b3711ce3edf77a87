"""Terms and their data over HTTP: list, create, read, update, delete, and whole-term imports.

Every query starts from the caller's organization (the selectors), so another organization's
row answers 404 exactly like a missing one. Viewers read; planners and owners write.
"""

from typing import Optional

from django.conf import settings
from ninja import Body, File, Form, Router, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.permissions import require_editor
from config.fields import Id, Text
from timetabling import selectors, services
from timetabling.models import Course, Instructor, Room, StudentGroup, Term
from timetabling.schemas import (
    CourseIn,
    CourseOut,
    GroupIn,
    GroupOut,
    InstructorIn,
    InstructorOut,
    RoomIn,
    RoomOut,
    TermData,
    TermOut,
)

router = Router(tags=["data"])


def _organization(request):
    return request.auth.organization


def _term(request, term_id):
    try:
        return selectors.term_get(organization=_organization(request), term_id=term_id)
    except Term.DoesNotExist:
        raise HttpError(404, "Not found.")


def term_out(term):
    return {
        "id": term.pk, "name": term.name, "day_names": term.day_names, "weights": term.weights,
        "periods": [{"name": p.name, "start": p.start, "end": p.end, "is_lunch_break": p.is_lunch_break}
                    for p in term.periods.all()],
    }


@router.get("/terms", response=list[TermOut])
@paginate
def term_list(request):
    return [term_out(term) for term in selectors.term_list(organization=_organization(request)).prefetch_related("periods")]


@router.post("/terms", response={201: TermOut})
def term_create(request, body: TermData):
    require_editor(request)
    term = services.term_create(organization=_organization(request), data=body.dict())
    return Status(201, term_out(term))


# Before /terms/{term_id}: URL patterns match in order.
@router.post("/terms/import", response={201: TermOut})
def term_import(request, body: dict = Body(...), name: Optional[Text] = None):
    """Create a term from a ``timetable-problem/1`` document."""
    require_editor(request)
    term = services.term_import_problem(organization=_organization(request), document=body, name=name)
    return Status(201, term_out(term))


@router.post("/terms/import-ctt", response={201: TermOut})
def term_import_ctt(request, file: UploadedFile = File(...), name: Optional[Text] = Form(None)):
    """Create a term from an uploaded ITC-2007 ``.ctt`` instance."""
    require_editor(request)
    if file.size > settings.API_MAX_UPLOAD_BYTES:
        raise HttpError(413, f"The file is {file.size} bytes; uploads are limited to {settings.API_MAX_UPLOAD_BYTES}.")
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(422, f"file: not UTF-8 text ({exc}).")
    return Status(201, term_out(services.term_import_ctt(organization=_organization(request), text=text, name=name)))


@router.get("/terms/{term_id}", response=TermOut)
def term_read(request, term_id: Id):
    return term_out(_term(request, term_id))


@router.put("/terms/{term_id}", response=TermOut)
def term_update(request, term_id: Id, body: TermData):
    require_editor(request)
    return term_out(services.term_update(term=_term(request, term_id), data=body.dict()))


@router.delete("/terms/{term_id}", response={204: None})
def term_delete(request, term_id: Id):
    require_editor(request)
    _term(request, term_id).delete()
    return Status(204, None)


@router.get("/terms/{term_id}/problem", response=dict)
def term_problem(request, term_id: Id):
    """The term as the engine's problem document (docs/problem-format.md)."""
    return selectors.term_problem_document(term=_term(request, term_id))


def _data_routes(path, model, schema_in, schema_out, saver, to_out, saver_keyword):
    """list / create / read / update / delete for rows that belong to a term. ``saver`` creates
    a row, or updates the one passed as ``saver_keyword``."""
    noun = model._meta.model_name

    def scoped(request):
        return model.objects.for_organization(_organization(request))

    def get(request, item_id):
        found = scoped(request).filter(pk=item_id).first()
        if found is None:
            raise HttpError(404, "Not found.")
        return found

    @router.get(f"/{path}", response=list[schema_out], operation_id=f"{noun}_list")
    @paginate
    def list_items(request, term_id: Optional[Id] = None):
        items = scoped(request)
        if term_id is not None:
            items = items.filter(term_id=term_id)
        return [to_out(item) for item in items]

    @router.post(f"/{path}", response={201: schema_out}, operation_id=f"{noun}_create")
    def create_item(request, body: schema_in):
        require_editor(request)
        data = body.dict()
        term = _term(request, data.pop("term_id"))
        return Status(201, to_out(saver(term=term, data=data)))

    @router.get(f"/{path}/{{item_id}}", response=schema_out, operation_id=f"{noun}_read")
    def read_item(request, item_id: Id):
        return to_out(get(request, item_id))

    @router.put(f"/{path}/{{item_id}}", response=schema_out, operation_id=f"{noun}_update")
    def update_item(request, item_id: Id, body: schema_in):
        require_editor(request)
        item = get(request, item_id)
        data = body.dict()
        if data.pop("term_id") != item.term_id:
            raise HttpError(422, "term_id: a row cannot move to another term.")
        return to_out(saver(term=item.term, data=data, **{saver_keyword: item}))

    @router.delete(f"/{path}/{{item_id}}", response={204: None}, operation_id=f"{noun}_delete")
    def delete_item(request, item_id: Id):
        require_editor(request)
        get(request, item_id).delete()
        return Status(204, None)


def room_out(room):
    return {"id": room.pk, "term_id": room.term_id, "code": room.code, "name": room.name, "capacity": room.capacity,
            "room_type": room.room_type, "features": sorted(f.name for f in room.features.all()),
            "unavailable": room.unavailable}


def instructor_out(instructor):
    return {"id": instructor.pk, "term_id": instructor.term_id, "code": instructor.code, "name": instructor.name,
            "email": instructor.email, "unavailable": instructor.unavailable, "preferred_free": instructor.preferred_free}


def group_out(group):
    return {"id": group.pk, "term_id": group.term_id, "code": group.code, "name": group.name, "size": group.size,
            "parent": group.parent.code if group.parent else None, "wants_lunch_break": group.wants_lunch_break,
            "courses": sorted(c.code for c in group.courses.all())}


def course_out(course):
    return {
        "id": course.pk, "term_id": course.term_id, "code": course.code, "name": course.name,
        "components": [
            {"kind": c.kind, "periods_per_week": c.periods_per_week, "block_length": c.block_length,
             "grouping": c.grouping, "room_type": c.room_type,
             "room_features": sorted(f.name for f in c.required_features.all()),
             "fixed_instructor": c.fixed_instructor.code if c.fixed_instructor else None,
             "qualified_instructors": sorted(i.code for i in c.qualified_instructors.all()),
             "min_working_days": c.min_working_days, "expected_students": c.expected_students,
             "unavailable": c.unavailable}
            for c in course.components.all()
        ],
    }


_data_routes("rooms", Room, RoomIn, RoomOut, services.room_save, room_out, "room")
_data_routes("instructors", Instructor, InstructorIn, InstructorOut, services.instructor_save, instructor_out, "instructor")
_data_routes("groups", StudentGroup, GroupIn, GroupOut, services.group_save, group_out, "group")
_data_routes("courses", Course, CourseIn, CourseOut, services.course_save, course_out, "course")
