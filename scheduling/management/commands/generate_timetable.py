import time

from django.core.management.base import BaseCommand, CommandError

from scheduling import services
from scheduling.models import ScheduleRun
from timetabling.management.commands._org import organization_from_option
from timetabling.models import Term


class Command(BaseCommand):
    help = "Queue the generation of a term's timetable; with --wait, follow it to the end."

    def add_arguments(self, parser):
        parser.add_argument("term", help="The term's name.")
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--wait", action="store_true", help="Print progress until the run ends.")
        parser.add_argument("--generations", type=int)
        parser.add_argument("--time-limit", type=int, help="Seconds the engine may search.")
        parser.add_argument("--pop-size", type=int)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, term, org, wait, generations, time_limit, pop_size, seed, **options):
        organization = organization_from_option(org)
        try:
            found = Term.objects.for_organization(organization).get(name=term)
        except Term.DoesNotExist:
            raise CommandError(f"{organization.slug} has no term called {term!r}.")
        try:
            run = services.run_submit(term=found, user=None, generations=generations, time_limit=time_limit,
                                      pop_size=pop_size, seed=seed)
        except services.RunRefused as refused:
            raise CommandError(f"{term} was not queued:\n  " + "\n  ".join(refused.messages))
        self.stdout.write(f"Queued run {run.pk} of {term}.")
        if not wait:
            return
        shown = None
        while run.is_active:
            time.sleep(1)
            run.refresh_from_db()
            line = f"{run.status} {run.progress:.0f}% generation {run.generation} hard {run.best_hard} soft {run.best_soft}"
            if line != shown:
                self.stdout.write(line)
                shown = line
        self.stdout.write(f"Run {run.pk}: {run.status}. {run.error}".strip())
        if run.status != ScheduleRun.Status.SUCCEEDED:
            raise CommandError(f"Run {run.pk} ended {run.status}.")
        self.stdout.write(f"Outputs: {run.schedule_file.path.rsplit('/', 1)[0]}")
