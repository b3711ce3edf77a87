import json

from django.core.management.base import BaseCommand, CommandError

from timetabling.management.commands._org import import_term_or_fail, organization_from_option, read_text
from timetabling.services import term_import_problem


class Command(BaseCommand):
    help = "Import a timetable-problem/1 JSON document as a new term."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--name", help="The term's name (default: the document's).")

    def handle(self, *args, file, org, name, **options):
        organization = organization_from_option(org)
        try:
            document = json.loads(read_text(file))
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: {exc}")
        import_term_or_fail(self, file, lambda: term_import_problem(organization=organization, document=document,
                                                                     name=name))
