"""HR's forms for people who move and leave, and for handing a review over (issue 15)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import PersonField
from accounts.models import Department, User
from accounts.selectors import reporting_circles
from reviews.handover import handover_assessee_ids, handover_refusal
from reviews.lifecycle import OffboardingPreview
from reviews.models import ReviewTable


class PersonMoveForm(forms.Form):
    """A new direct manager and department for one person."""

    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("No department"),
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["manager"] = PersonField(
            label=_("New direct manager (e-mail)"),
            required=False,
            help_text=_("Empty: nobody above (the top of the organisation)."),
            exclude={person.pk},
            exclude_message=_("Nobody manages themselves."),
        )
        self.order_fields(["manager", "department"])
        if not self.is_bound:
            self.initial = {"manager": person.manager, "department": person.department}

    def clean_manager(self) -> User | None:
        manager: User | None = self.cleaned_data.get("manager")
        if manager is not None and reporting_circles({self.person.pk: manager.pk}):
            raise forms.ValidationError(
                _("%(name)s reports to this person: the reporting line would go round in a circle.")
                % {"name": manager.full_name}
            )
        return manager

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            "manager" in data
            and "department" in data
            and data["manager"] == self.person.manager
            and data["department"] == self.person.department
        ):
            raise forms.ValidationError(_("Nothing changes: choose a new manager or department."))
        return data


class OffboardingForm(forms.Form):
    """Off-boarding one person: where each direct report goes and who heads what they headed."""

    confirm = forms.BooleanField(
        label=_(
            "Deactivate this person, withdraw their open tables and steps, and move on "
            "their reports and reviews as shown."
        ),
    )

    def __init__(self, *args: Any, preview: OffboardingPreview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        person = preview.person
        for report in preview.reports:
            self.fields[f"report_{report.pk}"] = PersonField(
                label=_("New manager of %(name)s") % {"name": report.full_name},
                required=False,
                initial=preview.default_manager,
                exclude={person.pk, report.pk},
                exclude_message=_("Choose someone other than the person leaving or the report."),
                help_text=_("Empty: nobody above."),
            )
        for department in preview.headed:
            self.fields[f"head_{department.pk}"] = PersonField(
                label=_("New head of %(department)s") % {"department": department.name},
                required=False,
                initial=preview.default_manager,
                exclude={person.pk},
                exclude_message=_("Choose someone other than the person leaving."),
                help_text=_("Empty: the department has no head until HR names one."),
            )

    def clean(self) -> dict[str, Any]:
        """No report goes under someone who would then be below them (a circle): anyone
        in their own team, or another report of the leaver put under them in this form,
        however long the way round."""
        data = super().clean() or {}
        chosen = {report.pk: f"report_{report.pk}" for report in self.preview.reports}
        new_managers = {
            pk: data[name].pk if data[name] is not None else None
            for pk, name in chosen.items()
            if name in data
        }
        for report_id in reporting_circles(new_managers):
            report = next(r for r in self.preview.reports if r.pk == report_id)
            self.add_error(
                f"report_{report_id}",
                _(
                    "%(name)s would then report to someone below them: the reporting "
                    "line would go round in a circle."
                )
                % {"name": report.full_name},
            )
        return data

    def report_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("report_")]

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("head_")]

    def reports_to(self) -> dict[int, User | None]:
        return {
            report.pk: self.cleaned_data.get(f"report_{report.pk}")
            for report in self.preview.reports
        }

    def new_heads(self) -> dict[int, User | None]:
        return {
            department.pk: self.cleaned_data.get(f"head_{department.pk}")
            for department in self.preview.headed
        }


class HandoverForm(forms.Form):
    """HR hands a table's review to someone else, saying why.

    The new reviewer is a manager, a department head or someone in HR; never the
    table's assessee, its reviewer already, or someone who reports to its subject.
    """

    reason = forms.CharField(
        label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, table: ReviewTable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["reviewer"] = PersonField(
            label=_("New reviewer (e-mail)"),
            exclude=handover_assessee_ids(table),
            exclude_message=_("Nobody reviews their own table."),
            help_text=_("A manager, a department head or someone in HR."),
        )
        self.order_fields(["reviewer", "reason"])

    def clean_reviewer(self) -> User:
        person: User = self.cleaned_data["reviewer"]
        problem = handover_refusal(self.table, person)
        if problem:
            raise forms.ValidationError(problem)
        return person
