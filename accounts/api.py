"""Tokens and users over HTTP."""

from typing import Literal

from django.db import IntegrityError
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from accounts.models import User
from accounts.permissions import require_owner
from accounts.services import user_create
from config.fields import Text

router = Router(tags=["auth"])


class Credentials(Schema):
    username: Text = Field(min_length=1, max_length=150)
    password: Text = Field(min_length=1, max_length=200)


class RefreshIn(Schema):
    refresh: Text = Field(min_length=1, max_length=2000)


class TokenPair(Schema):
    access: str
    refresh: str


class UserIn(Schema):
    username: Text = Field(min_length=1, max_length=150)
    password: Text = Field(min_length=8, max_length=200)
    email: Text = Field("", max_length=254)
    role: Literal["owner", "planner", "viewer"] = "planner"


class UserOut(Schema):
    id: int
    username: str
    email: str
    role: str


@router.post("/token", auth=None, response=TokenPair)
def token_obtain(request, body: Credentials):
    """An access token (short-lived) and a refresh token for a user name and password."""
    serializer = TokenObtainPairSerializer(data=body.dict())
    try:
        serializer.is_valid(raise_exception=True)
    except (AuthenticationFailed, ValidationError, TokenError):
        raise HttpError(401, "Wrong user name or password, or the account is disabled.")
    return serializer.validated_data


@router.post("/token/refresh", auth=None, response=TokenPair)
def token_refresh(request, body: RefreshIn):
    """A new access token and a new refresh token; the old refresh token stops working."""
    serializer = TokenRefreshSerializer(data=body.dict())
    try:
        serializer.is_valid(raise_exception=True)
    except (TokenError, ValidationError, AuthenticationFailed):
        raise HttpError(401, "The refresh token is invalid, expired or already used.")
    return serializer.validated_data


users_router = Router(tags=["users"])


@users_router.get("/users", response=list[UserOut])
@paginate
def user_list(request):
    require_owner(request)
    return User.objects.filter(organization=request.auth.organization_id).order_by("username")


@users_router.post("/users", response={201: UserOut})
def user_add(request, body: UserIn):
    require_owner(request)
    try:
        return Status(201, user_create(organization=request.auth.organization, **body.dict()))
    except IntegrityError:
        raise HttpError(409, f"The user name {body.username!r} is taken.")
