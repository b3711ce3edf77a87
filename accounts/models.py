import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def new_webhook_secret():
    return secrets.token_hex(32)


class Organization(models.Model):
    """The tenant: a university or a faculty. Every timetabling row belongs to exactly one."""

    class Plan(models.TextChoices):
        FREE = "free", "Free"
        PRO = "pro", "Pro"
        ENTERPRISE = "enterprise", "Enterprise"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    dedicated_queue = models.CharField(
        max_length=100, blank=True,
        help_text="Enterprise: the Celery queue of this organization's own engine workers.",
    )
    webhook_secret = models.CharField(
        max_length=64, default=new_webhook_secret, help_text="Signs the webhooks sent when runs end."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.dedicated_queue and self.plan != self.Plan.ENTERPRISE:
            raise ValidationError({"dedicated_queue": "Only enterprise organizations have a dedicated queue."})

    @property
    def engine_queue(self):
        return self.dedicated_queue or settings.PLAN_LIMITS[self.plan]["queue"]


class User(AbstractUser):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        PLANNER = "planner", "Planner"
        VIEWER = "viewer", "Viewer"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    def clean(self):
        super().clean()
        if not self.is_superuser and self.organization_id is None:
            raise ValidationError({"organization": "Every user except a superuser belongs to an organization."})

    @property
    def can_edit(self):
        return self.is_superuser or self.role in {self.Role.OWNER, self.Role.PLANNER}

    @property
    def can_manage_users(self):
        return self.is_superuser or self.role == self.Role.OWNER
