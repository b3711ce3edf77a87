"""The public API, v1: one NinjaAPI, one error shape.

Every error answers ``{"detail": "<what went wrong>", "errors": [{"path", "message"}, …]}``;
``errors`` lists each bad field (``body.courses[0].code``) when there are any.
"""

from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as auth_router, users_router
from accounts.auth import AdminSessionAuth, JWTAuth, RateLimited
from scheduling.api import router as schedules_router
from scheduling.services import RunRefused
from timetabling.api import router as data_router
from timetabling.services import TermDataInvalid, TermImportError

api = NinjaAPI(
    title="Timetabling API",
    version="1",
    description="Submit timetabling problems, follow runs and download timetables. "
    "Authenticate with a bearer access token from POST /api/v1/auth/token.",
    auth=[JWTAuth(), AdminSessionAuth()],
    urls_namespace="api-v1",
)
api.add_router("/auth", auth_router)
api.add_router("/", users_router)
api.add_router("/", data_router)
api.add_router("/schedules", schedules_router)


def error(request, status, detail, errors=(), headers=None):
    response = api.create_response(request, {"detail": detail, "errors": list(errors)}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _path(location):
    """ninja's ("body", "body", "courses", 0, "code") as "body.courses[0].code"."""
    parts = list(location)
    if len(parts) > 1 and parts[0] == "body" and isinstance(parts[1], str) and parts[1] in {"body", "file"}:
        parts.pop(1)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _split(message, prefix="body"):
    """ "classes[3].instructors[0]: unknown …" as a path and a message."""
    path, sep, rest = message.partition(": ")
    if sep and " " not in path:
        return {"path": f"{prefix}.{path}", "message": rest}
    return {"path": prefix, "message": message}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [{"path": _path(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors]
    return error(request, 422, "The request is not valid.", errors)


@api.exception_handler(TermDataInvalid)
def on_term_data_invalid(request, exc):
    return error(request, 422, "The data is not valid.", exc.errors)


@api.exception_handler(TermImportError)
def on_term_import_error(request, exc):
    return error(request, 422, "The document was not imported.", [_split(m) for m in exc.messages])


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"path": f"body.{field}", "message": m} for field, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"path": "body", "message": m} for m in exc.messages]
    return error(request, 422, "The request is not valid.", errors)


REFUSAL_STATUS = {"invalid": 422, "busy": 409, "plan_limit": 403, "quota": 429}


@api.exception_handler(RunRefused)
def on_run_refused(request, exc):
    errors = [_split(m, prefix="term") for m in exc.messages]
    headers = {"Retry-After": "3600"} if exc.reason == "quota" else None
    return error(request, REFUSAL_STATUS[exc.reason], exc.messages[0] if len(exc.messages) == 1 else
                 "The term cannot be scheduled as it is.", errors, headers)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc):
    return error(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error(request, 413, "The request body is too large.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "Authentication required: send a valid bearer access token.",
                 headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, str(exc))
