import json

from django.core.management.base import BaseCommand, CommandError

from timetabling.management.commands._org import organization_from_option
from timetabling.models import Term
from timetabling.selectors import term_problem_document


class Command(BaseCommand):
    help = "Write a term as a timetable-problem/1 JSON document (the engine's input)."

    def add_arguments(self, parser):
        parser.add_argument("term", help="The term's name.")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, term, org, output, **options):
        organization = organization_from_option(org)
        try:
            found = Term.objects.for_organization(organization).get(name=term)
        except Term.DoesNotExist:
            raise CommandError(f"{organization.slug} has no term called {term!r}.")
        text = json.dumps(term_problem_document(term=found), indent=1, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
