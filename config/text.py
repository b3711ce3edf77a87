"""Text every layer can store: PostgreSQL refuses NUL characters, so input carrying them is
refused with the field's path instead of failing at the database."""

from typing import Annotated

from pydantic import AfterValidator
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
