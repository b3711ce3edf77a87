import json

from django.core.management.base import BaseCommand, CommandError

from timetabling.management.commands._org import organization_from_option
from timetabling.services import TermImportError, term_import_problem


class Command(BaseCommand):
    help = "Import a timetable-problem/1 JSON document as a new term."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--name", help="The term's name (default: the document's).")

    def handle(self, *args, file, org, name, **options):
        organization = organization_from_option(org)
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{file}: {exc}")
        try:
            term = term_import_problem(organization=organization, document=document, name=name)
        except TermImportError as exc:
            raise CommandError(f"{file} was not imported:\n  " + "\n  ".join(exc.messages))
        self.stdout.write(self.style.SUCCESS(f"Imported term {term.name!r} (id {term.pk})."))
