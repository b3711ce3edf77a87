from django.core.management.base import CommandError

from accounts.models import Organization


def organization_from_option(slug):
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        known = ", ".join(Organization.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No organization with slug {slug!r} (known: {known}).")
