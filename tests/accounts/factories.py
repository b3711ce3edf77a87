import factory

from accounts.models import Organization, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"University {n}")
    slug = factory.Sequence(lambda n: f"university-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organization = factory.SubFactory(OrganizationFactory)
    role = User.Role.PLANNER
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()
