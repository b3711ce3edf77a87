from django.db import transaction
from django.utils.text import slugify

from accounts.models import Organization, User


@transaction.atomic
def organization_create(*, name, plan=Organization.Plan.FREE):
    organization = Organization(name=name, slug=slugify(name)[:60], plan=plan)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def user_create(*, organization, username, password, role=User.Role.PLANNER, email=""):
    """A staff user of an organization: they log in to the admin and see only its rows."""
    user = User(organization=organization, username=username, email=email, role=role, is_staff=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
