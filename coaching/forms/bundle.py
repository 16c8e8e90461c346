"""The session page's forms as one bundle (``SessionFormBundle``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from coaching.forms.sessions import (
    CONFIRM_FIELD,
    ActionItemFormSet,
    SessionForm,
    SessionObjectiveForm,
)
from coaching.models import CoachingSession, CoachingType
from coaching.selectors import (
    improvement_plans_offered,
    session_action_items,
    session_assessments,
    session_objectives_offered,
)
from coaching.services import ActionItemInput


def _owner_choices(
    coach: User, employee: User | None, department: Department | None
) -> list[tuple[str, str]]:
    coachee = employee or (department.head if department else None)
    # A whole sentence per role, so that a language may place the name and the role its way.
    choices = [(str(coach.pk), gettext("%(name)s (coach)") % {"name": coach.full_name})]
    if coachee is not None and coachee.pk != coach.pk:
        label = gettext("%(name)s (coachee)") % {"name": coachee.full_name}
        choices.append((str(coachee.pk), label))
    return choices


def _holds_something(fields: list[Any]) -> bool:
    """Does any of these bound fields show a value or an error (so its section opens)?"""
    return any(field.errors or field.value() for field in fields)


class SessionFormBundle:
    """The session page's forms as one bundle: the session itself (``form``), one
    ``SessionObjectiveForm`` per objective on offer (``objective_forms``), and the
    formset of action items (``item_formset``).

    Bound to ``data`` (a POST), ``is_valid()`` checks them together, a due date
    before the session included; ``save_arguments()`` then gives what
    ``session_save`` takes besides the actor, the session and the coachee.
    """

    def __init__(
        self,
        *,
        actor: User,
        session: CoachingSession | None,
        employee: User | None,
        department: Department | None,
        data: Any = None,
        initial: dict[str, Any] | None = None,
        ticked: Iterable[int] = (),
    ) -> None:
        """``ticked``: objectives a new session starts linked to (the page it came from)."""
        self.actor = actor
        linked = session_assessments(session=session)
        ticked = set(ticked)
        self.objective_forms = [
            (
                objective,
                SessionObjectiveForm(
                    data,
                    prefix=f"obj-{objective.pk}",
                    initial={
                        "linked": objective.pk in linked or objective.pk in ticked,
                        "assessment": linked.get(objective.pk, ""),
                    },
                ),
            )
            for objective in session_objectives_offered(
                linked_ids=list(linked), employee=employee, department=department
            )
        ]
        owners = _owner_choices(session.coach if session else actor, employee, department)
        every_item = session_action_items(session=session) if session else []
        # The steps are the formset's; the items following up promised support belong
        # to the support part of the form (its "promised" ticks).
        items = [item for item in every_item if not item.support_kind]
        support_items = {item.support_kind: item for item in every_item if item.support_kind}
        # A step keeps its owner (say a department head since replaced): a select that does
        # not offer the stored owner would hand the step to the coach on the next save.
        offered_owners = {pk for pk, _name in owners}
        for item in items:
            if str(item.owner_id) not in offered_owners:
                owners.append((str(item.owner_id), item.owner.full_name))
                offered_owners.add(str(item.owner_id))
        self.form = SessionForm(
            data,
            instance=session,
            initial=initial,
            improvement_plans=improvement_plans_offered(
                employee=employee, session=session, department=department
            ),
            support_items=support_items,
        )
        self.owners = owners
        self.item_formset = ActionItemFormSet(  # type: ignore[call-arg]
            data,
            prefix="items",
            owners=owners,
            initial=[
                {
                    "item_id": i.pk,
                    "title": i.title,
                    "owner": str(i.owner_id),
                    "due_date": i.due_date,
                }
                for i in items
            ],
        )

    def context(self) -> dict[str, Any]:
        """The forms under the names the session form's template uses."""
        return {
            "form": self.form,
            "objective_forms": self.objective_forms,
            "item_formset": self.item_formset,
            "questions_open": _holds_something(self.form.question_fields()),
            "support_open": _holds_something(
                [field for row in self.form.support_rows() for field in row]
            ),
            "asks_to_confirm": bool(
                self.form.errors.get(CONFIRM_FIELD) or self.form[CONFIRM_FIELD].value()
            ),
        }

    def is_valid(self) -> bool:
        valid = (
            self.form.is_valid()
            & self.item_formset.is_valid()
            & all(f.is_valid() for _o, f in self.objective_forms)
        )
        if not valid:
            return False
        held_on = self.form.cleaned_data["held_on"]
        for item_form in self.item_formset:
            due = item_form.cleaned_data.get("due_date")
            if due and held_on and due < held_on and not item_form.cleaned_data.get("DELETE"):
                item_form.add_error("due_date", _("The due date comes after the session."))
        if not self.item_formset.is_valid():
            return False
        steps = [
            f
            for f in self.item_formset
            if f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
        ]
        if (
            self.form.cleaned_data.get("type") == CoachingType.INSTRUCTION
            and not steps
            and not self.form.cleaned_data.get(CONFIRM_FIELD)
        ):
            # Asked, not refused: a first talk may only set the steps up for later.
            self.form.add_error(
                CONFIRM_FIELD,
                _("Specific instruction breaks the work into steps: save without steps?"),
            )
            return False
        return True

    def save_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``session_save`` from valid forms: the session's
        fields, the ticked objectives with their progress, and the action items."""
        owners = {str(u.pk): u for u in User.objects.filter(pk__in=[pk for pk, _n in self.owners])}
        items = [
            ActionItemInput(
                item_id=f.cleaned_data.get("item_id"),
                title=f.cleaned_data.get("title", ""),
                owner=owners.get(f.cleaned_data.get("owner") or "", self.actor),
                due_date=f.cleaned_data.get("due_date"),
                delete=bool(f.cleaned_data.get("DELETE")),
            )
            for f in self.item_formset
            if f.has_changed() or f.cleaned_data.get("item_id")
        ]
        # The ticked objectives, each with its progress (SessionObjectiveForm).
        assessments = {
            objective.pk: f.cleaned_data.get("assessment", "")
            for objective, f in self.objective_forms
            if f.cleaned_data.get("linked")
        }
        fields = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name in CoachingSession.EDITABLE_FIELDS or name == "version"
        }
        return {
            **fields,
            "assessments": assessments,
            "action_items": items,
            "support_promised": self.form.support_promised(),
        }
