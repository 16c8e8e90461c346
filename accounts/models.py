from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.links import pk_url

HR_GROUP_NAME = "HR"


class Department(models.Model):
    """A node of the organisation tree; it can be coached and reviewed as a unit."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="accounts_department_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:org_chart") + f"?department={self.pk}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are matched without regard to case at login.
        return self.get(email__iexact=username or "")

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person in the organisation; the e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("direct manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Language of the interface and of e-mails. Empty: the organisation default."),
    )
    weekly_digest = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_(
            "Managers: a weekly e-mail with the team's reviews, overdue items and coaching."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("May log in to the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    invitation_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="accounts_user_not_own_manager",
            ),
        ]
        indexes = [
            models.Index(
                fields=["invitation_requested_at"],
                name="accounts_user_invite_pending",
                condition=models.Q(invited_at__isnull=True, invitation_requested_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    # The place in the organisation as last read or saved: ``save`` writes the
    # assignment history when it changed (accounts.assignments).
    ORG_FIELDS = ("manager_id", "department_id", "is_active")

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> User:
        user = super().from_db(db, field_names, values)
        user._org_loaded = user._org_place()
        return user

    def _org_place(self) -> tuple[Any, ...]:
        return tuple(self.__dict__.get(name) for name in self.ORG_FIELDS)

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        touched = update_fields is None or {"manager", "department", "is_active"} & {
            name.removesuffix("_id") for name in update_fields
        }
        # What this save changed in the organisation, for the services that act on it.
        self.org_changes: list[OrgChange] = []
        if touched and getattr(self, "_org_loaded", None) != self._org_place():
            self.org_changes = Assignment.objects.sync([self.pk])
            self._org_loaded = self._org_place()

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_absolute_url(self) -> str:
        return pk_url("accounts:person_detail", self.pk)

    @property
    def preferred_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE


# Who is changing the organisation, and through what: set by the import, the
# admin and the app's services around their writes, read by the history.
_change_context: ContextVar[tuple[User | None, str]] = ContextVar(
    "org_change_context", default=(None, "app")
)


@contextmanager
def org_change_context(*, by: User | None, source: str) -> Iterator[None]:
    """Assignment history written inside this block names ``by`` and ``source``
    (an ``Assignment.Source`` value)."""
    token = _change_context.set((by, source))
    try:
        yield
    finally:
        _change_context.reset(token)


@dataclass(frozen=True)
class OrgChange:
    """One person's change of place: (manager id, department id) before and after.

    ``before`` is None for a person who joined or came back, ``after`` None for
    one who left (deactivated).
    """

    person_id: int
    before: tuple[int | None, int | None] | None
    after: tuple[int | None, int | None] | None

    @property
    def left(self) -> bool:
        return self.after is None

    @property
    def joined(self) -> bool:
        return self.before is None

    @property
    def manager_changed(self) -> bool:
        return None not in (self.before, self.after) and self.before[0] != self.after[0]  # type: ignore[index]

    @property
    def department_changed(self) -> bool:
        return None not in (self.before, self.after) and self.before[1] != self.after[1]  # type: ignore[index]


class AssignmentManager(models.Manager["Assignment"]):
    def sync(self, user_ids: Iterable[int]) -> list[OrgChange]:
        """Bring the history of these people up to date with their present place.

        For each person whose manager, department or active flag differs from
        their open row, the row is ended now and (unless they left) a new one
        opened, naming who made the change and through what
        (``org_change_context``). Idempotent; the people's rows are locked
        meanwhile, so two writers never open two rows. Four queries whatever the
        number of people. Returns the changes, for the services that act on them.
        """
        ids = sorted(set(user_ids))
        if not ids:
            return []
        by, source = _change_context.get()
        now = timezone.now()
        changes: list[OrgChange] = []
        with transaction.atomic():
            people = User.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            places = {
                pk: (manager_id, department_id) if active else None
                for pk, manager_id, department_id, active in people.values_list(
                    "pk", "manager_id", "department_id", "is_active"
                )
            }
            open_rows = {
                row.person_id: row for row in self.filter(person_id__in=ids, ended_at__isnull=True)
            }
            ended, started = [], []
            for pk, place in places.items():
                row = open_rows.get(pk)
                was = (row.manager_id, row.department_id) if row else None
                if place == was:
                    continue
                if row is not None:
                    row.ended_at = max(now, row.started_at)
                    ended.append(row)
                if place is not None:
                    started.append(
                        Assignment(
                            person_id=pk,
                            manager_id=place[0],
                            department_id=place[1],
                            started_at=now,
                            source=source,
                            changed_by=by if by is None or by.pk else None,
                        )
                    )
                changes.append(OrgChange(pk, was, place))
            self.bulk_update(ended, ["ended_at"])
            self.bulk_create(started)
        return changes


class Assignment(models.Model):
    """Where a person was in the organisation, from when to when: the assignment history.

    One row per period with the same direct manager and department; the open
    row (``ended_at`` empty) is the present one, and a person who has left has
    none. Written by ``accounts.assignments.assignments_sync`` after every
    change (import, admin, the app), so reports of past months can place each
    person where they were then (issue 15, section 1).
    """

    class Source(models.TextChoices):
        APP = "app", _("In the app")
        IMPORT = "import", _("Organisation import")
        ADMIN = "admin", _("Administration site")
        OFFBOARDING = "offboarding", _("Off-boarding")
        START = "start", _("Before the history was kept")

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="assignments"
    )
    manager = models.ForeignKey(
        User,
        verbose_name=_("direct manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("from"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    source = models.CharField(
        _("changed through"), max_length=12, choices=Source.choices, default=Source.APP
    )
    changed_by = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["person", "-started_at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignment history")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_at__isnull=True),
                name="accounts_assignment_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="accounts_assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "started_at"], name="accounts_assignment_manager"),
        ]

    objects: ClassVar[AssignmentManager] = AssignmentManager()

    def __str__(self) -> str:
        return f"{self.person_id}: {self.manager_id} / {self.department_id} from {self.started_at}"


def org_place_of(
    *, employee: User | None = None, department: Department | None = None
) -> dict[str, int | None]:
    """Where a subject is now, as ``OrgRecord`` keeps it: the ids of the home department
    and line manager (an employee's department and direct manager; a department
    itself and its head)."""
    if employee is not None:
        return {
            "home_department_id": employee.department_id,
            "line_manager_id": employee.manager_id,
        }
    if department is not None:
        return {"home_department_id": department.pk, "line_manager_id": department.head_id}
    return {"home_department_id": None, "line_manager_id": None}


class OrgRecord(models.Model):
    """A record that keeps where its subject was in the organisation when it was made.

    Review tables, coaching sessions and improvement plans are placed in
    reports under the department of the time, and stay readable by the line
    manager of the time, however the organisation changes later (issue 15,
    section 1). Filled on creation by ``save`` (bulk creators call
    ``org_place_of`` themselves) and never changed after, except on a review
    table of this month or later still in draft, which follows its subject to a
    new line (``reviews.reviewers.route_drafts``).
    """

    home_department = models.ForeignKey(
        Department,
        verbose_name=_("department at the time"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    line_manager = models.ForeignKey(
        User,
        verbose_name=_("line manager at the time"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.home_department_id is None and self.line_manager_id is None:
            place = org_place_of(
                employee=getattr(self, "employee", None),
                department=getattr(self, "department", None),
            )
            self.home_department_id = place["home_department_id"]
            self.line_manager_id = place["line_manager_id"]
        super().save(*args, **kwargs)


class Notification(models.Model):
    """An in-app message for one person, written in their language when it was sent."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="accounts_notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.message


class SentReminder(models.Model):
    """A reminder that was sent: a re-run finds it and sends nothing twice.

    The table keeps the name it had when this model lived in ``reviews``
    (``Meta.db_table``): moving the code moved no data (migration 0004).
    """

    kind = models.CharField(max_length=30)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reviews_sentreminder"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="reviews_reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.key})"


from accounts.integration_models import *  # noqa: E402, F403 - registered as models of this app
