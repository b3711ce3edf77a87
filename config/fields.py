"""Input types every layer can store. PostgreSQL refuses NUL characters in text and integers
beyond 64 bits, so input carrying them is refused with the field's path instead of failing at
the database."""

from typing import Annotated

from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

NUL_MESSAGE = "text cannot contain NUL (\\u0000) characters"


def nul_paths(value, location=()):
    """The paths of the strings in parsed JSON that contain a NUL character."""
    if isinstance(value, str):
        return [location] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nul_paths(key, location) + nul_paths(item, (*location, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nul_paths(item, (*location, index))]
    return []


def _without_nul(value):
    if "\x00" in value:
        raise PydanticCustomError("nul_character", NUL_MESSAGE)
    return value


Text = Annotated[str, AfterValidator(_without_nul)]


# A database id: positive and within PostgreSQL's bigint.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """Limit/offset pages whose offset stays within what the database can count."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10**9)
