from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import HR_GROUP_NAME, Department, User

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Specialist"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save(update_fields=["password"])


def make_hr(user: User) -> User:
    group, _ = Group.objects.get_or_create(name=HR_GROUP_NAME)
    user.groups.add(group)
    return user


def make_chain(depth: int, *, top: User | None = None) -> list[User]:
    """A reporting line ``depth`` people long, top first."""
    people = [top or UserFactory()]
    for _ in range(depth - 1):
        people.append(UserFactory(manager=people[-1]))
    return people
