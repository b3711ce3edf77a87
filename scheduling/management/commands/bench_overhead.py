import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from scheduling import services
from scheduling.models import ScheduleRun
from timetabling.management.commands._org import organization_from_option
from timetabling.models import Term


class Command(BaseCommand):
    help = ("Measure the overhead from submitting a run (the admin's click) to the engine's first progress "
            "line, over several runs of one term, one at a time. Needs a worker consuming the engine queues.")

    def add_arguments(self, parser):
        parser.add_argument("term")
        parser.add_argument("--org", required=True)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--time-limit", type=int, default=2)

    def handle(self, *args, term, org, runs, time_limit, **options):
        organization = organization_from_option(org)
        try:
            found = Term.objects.for_organization(organization).get(name=term)
        except Term.DoesNotExist:
            raise CommandError(f"{organization.slug} has no term called {term!r}.")
        rows = []
        for n in range(runs):
            run = services.run_submit(term=found, user=None, time_limit=time_limit, seed=1000 + n)
            deadline = time.monotonic() + time_limit + 120
            while run.is_active and time.monotonic() < deadline:
                time.sleep(0.1)
                run.refresh_from_db()
            if run.status != ScheduleRun.Status.SUCCEEDED or run.first_progress_at is None:
                raise CommandError(f"Run {run.pk} ended {run.status}: {run.error}")
            rows.append(((run.started_at - run.created_at).total_seconds(),
                         (run.first_progress_at - run.created_at).total_seconds(),
                         (run.finished_at - run.created_at).total_seconds()))
            self.stdout.write(f"run {run.pk}: claimed after {rows[-1][0]:.2f} s, first progress after "
                              f"{rows[-1][1]:.2f} s, finished after {rows[-1][2]:.2f} s")
        for label, index in (("submit → claimed by a worker", 0), ("submit → engine's first progress line", 1)):
            values = [row[index] for row in rows]
            self.stdout.write(f"{label}: median {statistics.median(values):.2f} s, "
                              f"min {min(values):.2f} s, max {max(values):.2f} s over {len(values)} runs")
