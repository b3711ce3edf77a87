import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timetabling.management.commands._org import import_term_or_fail, organization_from_option
from timetabling.services import term_import_four_files

FILES = {"courses": "Course.json", "groups": "Groups.json", "instructors": "Instructors.json", "rooms": "Rooms.json"}


class Command(BaseCommand):
    help = "Import a folder in the four-file JSON format (Course, Groups, Instructors, Rooms) as a new term."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--term", required=True, help="The new term's name.")

    def handle(self, *args, directory, org, term, **options):
        organization = organization_from_option(org)
        data, errors = {}, []
        for key, filename in FILES.items():
            path = Path(directory) / filename
            try:
                data[key] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                errors.append(f"{path}: {exc}")
        if errors:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(errors))
        import_term_or_fail(self, directory,
                            lambda: term_import_four_files(organization=organization, name=term, **data))
