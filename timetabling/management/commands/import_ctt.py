from django.core.management.base import BaseCommand

from timetabling.management.commands._org import import_term_or_fail, organization_from_option, read_text
from timetabling.services import term_import_ctt


class Command(BaseCommand):
    help = "Import an ITC-2007 .ctt instance as a new term."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--name", help="The term's name (default: the instance's Name).")

    def handle(self, *args, file, org, name, **options):
        organization = organization_from_option(org)
        text = read_text(file)
        import_term_or_fail(self, file, lambda: term_import_ctt(organization=organization, text=text, name=name))
