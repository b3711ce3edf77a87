from django.core.management.base import CommandError

from accounts.models import Organization
from timetabling.services import TermImportError


def organization_from_option(slug):
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        known = ", ".join(Organization.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No organization with slug {slug!r} (known: {known}).")


def read_text(path):
    """The file's text; a CommandError naming the file if it cannot be read as UTF-8."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {exc}")


def import_term_or_fail(command, source, create):
    """Run create() (a term_import_* service call) and report the new term; a TermImportError
    becomes a CommandError listing every problem with `source`."""
    try:
        term = create()
    except TermImportError as exc:
        raise CommandError(f"{source} was not imported:\n  " + "\n  ".join(exc.messages))
    command.stdout.write(command.style.SUCCESS(f"Imported term {term.name!r} (id {term.pk})."))
