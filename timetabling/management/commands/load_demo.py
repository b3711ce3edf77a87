from django.core.management.base import BaseCommand

from timetabling.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Create the demo faculty (60 courses, 20 instructors, 15 rooms, 12 groups) and a planner login."

    def handle(self, *args, **options):
        organization, term, user = demo_load()
        self.stdout.write(self.style.SUCCESS(
            f"Demo organization {organization.name!r}, term {term.name!r}: "
            f"{term.courses.count()} courses, {term.instructors.count()} instructors, "
            f"{term.rooms.count()} rooms, {term.groups.count()} student groups."
        ))
        self.stdout.write(f"Demo login: username {user.username!r}, password {DEMO_PASSWORD!r}")
