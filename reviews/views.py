from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import HtmxHttpRequest, user_of
from accounts.models import Department, User
from accounts.selectors import headed_subtree_ids, reports_of, user_roles
from coaching.models import CoachingType
from plans.cycles import active_cycles_for
from reviews.dashboard import dashboard_build
from reviews.exports import (
    ExportFilter,
    csv_lines,
    export_job_request,
    export_tables,
    pdf_bytes,
    write_xlsx,
)
from reviews.forms import (
    AnswerForm,
    DashboardForm,
    ExportForm,
    InquiryForm,
    JobSettingsForm,
    ReviewerForm,
    ReviewTableFillForms,
    TableCreateForm,
)
from reviews.models import ExportJob, Inquiry, JobSettings, ReviewTable, WorkPlanItem
from reviews.permissions import (
    allowed_actions,
    can_answer,
    can_ask,
    can_create_tables,
    can_edit_as_assessee,
    can_edit_as_reviewer,
    is_assessee,
    is_reviewer,
    may_question,
    require,
    tables_visible_to,
)
from reviews.selectors import (
    department_tables_open_for_questions,
    jobs_status,
    last_status_change,
    tables_of_assessee,
    tables_to_review,
)
from reviews.services import StaleTableError, review_tables_generate
from reviews.workflow import (
    InquiryAnsweredError,
    SubmissionIncomplete,
    inquiry_answer,
    inquiry_ask,
    review_table_decide,
    review_table_save,
)

STALE_MESSAGE = gettext_lazy(
    "This table was saved since you opened this page (in another tab, or by someone else). "
    "Nothing of yours was saved: your input is still below. Open the table again in a new "
    "tab to see what was saved, then save yours."
)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, 50).get_page(request.GET.get("page"))


@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/table_list.html",
        {"page": _page(request, tables_of_assessee(user_of(request))), "view": "mine"},
    )


@login_required
def to_review(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("all") == "1"
    return render(
        request,
        "reviews/table_list.html",
        {
            "page": _page(request, tables_to_review(user_of(request), everything=everything)),
            "view": "to_review",
            "everything": everything,
        },
    )


@login_required
def open_for_questions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/table_list.html",
        {
            "page": _page(request, department_tables_open_for_questions(user_of(request))),
            "view": "questions",
        },
    )


# --- The table page ---------------------------------------------------------


def _fill_forms(table: ReviewTable, data: Any = None) -> ReviewTableFillForms:
    items = list(table.work_items.all())
    return ReviewTableFillForms(table, rows=list(table.rows.all()), items=items, data=data)


def _table_context(
    user: User,
    table: ReviewTable,
    *,
    fill: ReviewTableFillForms | None = None,
    reviewer_form: ReviewerForm | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The table page's context; ``fill`` and ``reviewer_form`` are bound forms to show again.

    A bound form is shown even when its owner may no longer edit the table (it
    was submitted or finalised meanwhile): disabled, so the typed text is not lost.
    """
    rows = list(table.rows.all())
    items = list(table.work_items.all())
    inquiries = list(table.inquiries.select_related("asked_by", "answered_by"))
    editing = can_edit_as_assessee(user, table)
    reviewing = can_edit_as_reviewer(user, table)
    actions = allowed_actions(user, table)
    open_inquiries = sum(1 for i in inquiries if i.is_open)
    context: dict[str, Any] = {
        "table": table,
        "rows": rows,
        "next_items": [i for i in items if i.kind == WorkPlanItem.Kind.NEXT],
        "carried_items": [i for i in items if i.kind == WorkPlanItem.Kind.CARRIED],
        "inquiries": inquiries,
        "open_inquiries": open_inquiries,
        "editing": editing,
        "reviewing": reviewing,
        "actions": actions,
        "can_ask": can_ask(user, table),
        "can_answer": can_answer(user, table),
        "is_assessee": is_assessee(user, table),
        "is_reviewer": is_reviewer(user, table),
        "show_history": is_reviewer(user, table)
        or is_assessee(user, table)
        or user_roles(user).is_hr,
        "inquiry_form": InquiryForm(),
        "show_confirm": "finalise" in actions and open_inquiries > 0,
    }
    if context["show_history"]:
        context["events"] = list(table.events.select_related("actor")[:100])
    if fill is None and editing:
        fill = ReviewTableFillForms(table, rows=rows, items=items)
    if fill is not None:
        context.update(fill.context(), fill_disabled=not editing)
    if reviewer_form is None and reviewing:
        reviewer_form = ReviewerForm(table=table)
    if reviewer_form is not None:
        context.update(reviewer_form=reviewer_form, reviewer_disabled=not reviewing)
    context.update(overrides)
    return context


def _load(user: User, pk: int) -> ReviewTable:
    """The table if ``user`` may read it (else 404), with what its page shows, in one query."""
    return get_object_or_404(
        tables_visible_to(user).select_related(
            "employee__manager", "department__head", "department__parent__head", "cycle"
        ),
        pk=pk,
    )


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _status_changed_text(user: User, table: ReviewTable) -> str:
    """What happened to a table whose status changed under the person: who, when, to what."""
    change = last_status_change(table)
    status = table.get_status_display()
    if change is None or change.actor is None:
        return _(
            "This table is now “%(status)s”, so it can no longer be changed here. Nothing you "
            "typed was saved: your text is still below, to copy."
        ) % {"status": status}
    if change.actor == user:
        return _(
            "You changed this table to “%(status)s” on %(when)s, in another tab or window. "
            "Nothing you typed here was saved: your text is still below, to copy."
        ) % {"status": status, "when": _when(change.at)}
    return _(
        "%(name)s changed this table to “%(status)s” on %(when)s, while you were editing it. "
        "Nothing you typed was saved: your text is still below, to copy."
    ) % {"name": change.actor.full_name, "status": status, "when": _when(change.at)}


def _changed_meanwhile(request: HttpRequest, table: ReviewTable) -> None:
    messages.error(request, _status_changed_text(user_of(request), table))


@login_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The table; the assessee saves their part here (POST), and may submit it at once."""
    user = user_of(request)
    table = _load(user, pk)
    if request.method != "POST":
        return render(request, "reviews/table_detail.html", _table_context(user, table))
    fill = _fill_forms(table, request.POST)
    if not can_edit_as_assessee(user, table):
        require(is_assessee(user, table))
        _changed_meanwhile(request, table)
        context = _table_context(user, table, fill=fill)
        return render(request, "reviews/table_detail.html", context, status=409)
    submit = "then_submit" in request.POST
    if not fill.is_valid():
        if submit:
            fill.show_problems(fill.submission_preview())
        messages.error(request, _("Nothing was saved: see the messages by the fields."))
        return render(request, "reviews/table_detail.html", _table_context(user, table, fill=fill))
    try:
        review_table_save(actor=user, table=table, submit=submit, **fill.fill_arguments())
    except StaleTableError:
        messages.error(request, STALE_MESSAGE)
        table.refresh_from_db()
        context = _table_context(user, table, fill=fill)
        return render(request, "reviews/table_detail.html", context, status=409)
    except SubmissionIncomplete as refused:
        table.refresh_from_db()
        fill.show_problems(refused.problems)
        messages.error(
            request,
            _(
                "Not submitted, and nothing was saved: complete what is marked below and "
                "press Save and submit again, or press Save to keep a draft."
            ),
        )
        return render(request, "reviews/table_detail.html", _table_context(user, table, fill=fill))
    if submit:
        messages.success(request, _("Submitted. Your reviewer has been told."))
    else:
        messages.success(request, _("Saved."))
    return redirect(table)


DONE_MESSAGES = {
    "save": gettext_lazy("Saved."),
    "start_review": gettext_lazy("The review has started: questions are open."),
    "return": gettext_lazy("Returned for revision."),
    "finalise": gettext_lazy("Finalised. The table is now locked."),
}


@login_required
def table_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's form: save the reviewer's part, and take the step of the button pressed."""
    user = user_of(request)
    table = _load(user, pk)
    if request.method != "POST":
        return redirect(table)
    form = ReviewerForm(request.POST, table=table)
    if not can_edit_as_reviewer(user, table):
        require(is_reviewer(user, table))
        _changed_meanwhile(request, table)
        context = _table_context(user, table, reviewer_form=form)
        return render(request, "reviews/table_detail.html", context, status=409)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: see the messages by the fields."))
        context = _table_context(user, table, reviewer_form=form)
        return render(request, "reviews/table_detail.html", context)
    data = dict(form.cleaned_data)
    action = data.pop("action")
    require(action == "save" or action in allowed_actions(user, table))
    try:
        review_table_decide(
            actor=user,
            table=table,
            version=data["version"],
            action=action,
            reviewer_summary=data["reviewer_summary"],
            suggestions=data["suggestions"],
            expectations=data["expectations"],
            rating=data["rating"],
            comment=data["comment"],
            confirm_open_inquiries=data["confirm"],
        )
    except StaleTableError:
        messages.error(request, STALE_MESSAGE)
        context = _table_context(user, table, reviewer_form=form)
        return render(request, "reviews/table_detail.html", context, status=409)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        messages.error(request, _("Not done, and nothing was saved: see the messages below."))
        table.refresh_from_db()
        context = _table_context(user, table, reviewer_form=form)
        return render(request, "reviews/table_detail.html", context)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(table)


def _inquiries_response(
    request: HtmxHttpRequest, user: User, table: ReviewTable, *, status: int = 200, **context: Any
) -> HttpResponse:
    """The questions part (htmx) or the whole page, with ``context`` over the table's."""
    if request.htmx:
        # htmx swaps only successful answers: a notice must come with a 200.
        return render(request, "reviews/_inquiries.html", _table_context(user, table, **context))
    return render(
        request, "reviews/table_detail.html", _table_context(user, table, **context), status=status
    )


@login_required
def inquiry_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    table = _load(user, pk)
    if request.method != "POST":
        return redirect(table)
    form = InquiryForm(request.POST)
    if not can_ask(user, table):
        require(may_question(user, table))
        # The review closed (or was returned) while the question was being written.
        return _inquiries_response(
            request,
            user,
            table,
            status=409,
            inquiry_notice=_status_changed_text(user, table),
            unsaved_text=request.POST.get("question", ""),
        )
    if form.is_valid():
        inquiry_ask(actor=user, table=table, question=form.cleaned_data["question"])
        form = InquiryForm()
        if not request.htmx:
            messages.success(request, _("Your question has been sent."))
            return redirect(table)
    return _inquiries_response(request, user, table, inquiry_form=form)


@login_required
def inquiry_reply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inquiry = get_object_or_404(Inquiry, pk=pk)
    table = _load(user, inquiry.table_id)
    if request.method != "POST":
        return redirect(table)
    typed = request.POST.get("answer", "")
    if not can_answer(user, table):
        require(is_assessee(user, table))
        return _inquiries_response(
            request,
            user,
            table,
            status=409,
            inquiry_notice=_status_changed_text(user, table),
            unsaved_text=typed,
        )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _inquiries_response(
            request, user, table, answer_errors={inquiry.pk: form.errors.get("answer")}
        )
    try:
        inquiry_answer(actor=user, inquiry=inquiry, answer=form.cleaned_data["answer"])
    except InquiryAnsweredError as answered:
        first = answered.inquiry
        who = first.answered_by
        notice = (
            _("You answered this question on %(when)s, in another tab or window.")
            if who == user
            else _("%(name)s answered this question on %(when)s, before your answer was sent.")
        ) % {
            "name": who.full_name if who else "—",
            "when": _when(first.answered_at or first.asked_at),
        }
        return _inquiries_response(
            request,
            user,
            table,
            status=409,
            inquiry_notice=notice + " " + _("Your answer was not saved: it is below, to copy."),
            unsaved_text=typed,
        )
    if not request.htmx:
        messages.success(request, _("Your answer has been saved."))
        return redirect(table)
    return _inquiries_response(request, user, table)


@login_required
def table_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    table = _load(user, pk)
    return render(request, "reviews/table_print.html", _table_context(user, table))


@login_required
def tables_create(request: HttpRequest) -> HttpResponse:
    """HR or a manager creates a month's tables by hand."""
    user = user_of(request)
    require(can_create_tables(user))
    roles = user_roles(user)
    people = (
        User.objects.filter(is_active=True)
        if roles.is_hr
        else reports_of(user, indirect=True).filter(is_active=True)
    )
    departments = (
        Department.objects.all()
        if roles.is_hr
        else Department.objects.filter(Q(pk__in=headed_subtree_ids(user)))
    )
    form = TableCreateForm(
        request.POST or None,
        people=people.order_by("full_name"),
        departments=departments,
        is_hr=roles.is_hr,
    )
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"].replace(day=1)
        cycle = active_cycles_for(month).first()
        if cycle is None:
            form.add_error("month", _("No active appraisal cycle covers this month."))
        else:
            scope = form.cleaned_data["scope"]
            employee_ids: list[int] | None = []
            department_ids: list[int] | None = []
            if scope == "person":
                employee_ids = [form.cleaned_data["employee"].pk]
            elif scope == "department":
                department_ids = [form.cleaned_data["department"].pk]
            elif scope == "team":
                employee_ids = list(people.values_list("pk", flat=True))
                department_ids = list(departments.values_list("pk", flat=True))
            else:
                employee_ids = department_ids = None
            result = review_tables_generate(
                cycle=cycle, month=month, employee_ids=employee_ids, department_ids=department_ids
            )
            messages.success(
                request,
                _("%(count)d table(s) created; tables that already existed were left as they are.")
                % {"count": result.tables_created},
            )
            if roles.is_hr:
                return redirect("reviews:create")
            # New tables are drafts, not yet waiting for review: list the whole team's.
            return redirect(f"{reverse('reviews:to_review')}?all=1")
    return render(request, "reviews/tables_create.html", {"form": form})


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    """HR and administrators: the jobs' last runs, pending work, broker, settings."""
    user = user_of(request)
    roles = user_roles(user)
    require(roles.is_hr or user.is_staff)
    can_change = roles.is_hr or user.is_superuser
    if request.method == "POST":
        # Check before reading the settings: the first read creates their row.
        require(can_change)
    job_settings = JobSettings.current()
    form = JobSettingsForm(request.POST or None, instance=job_settings)
    if not can_change:
        # Other staff read the settings; offering them a Save that ends in 403 would not do.
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The job settings have been saved."))
            return redirect("reviews:jobs")
    return render(
        request,
        "reviews/jobs.html",
        {"status": jobs_status(), "form": form, "can_change": can_change},
    )


# --- Exports ---------------------------------------------------------------------

ASYNC_EXPORT_TABLES = 1000
PDF_MAX_TABLES = 100


def _printable_context(table: ReviewTable) -> dict[str, Any]:
    items = list(table.work_items.all())
    return {
        "table": table,
        "rows": list(table.rows.all()),
        "next_items": [i for i in items if i.kind == WorkPlanItem.Kind.NEXT],
        "carried_items": [i for i in items if i.kind == WorkPlanItem.Kind.CARRIED],
        "inquiries": list(table.inquiries.select_related("asked_by")),
    }


def _pdf_response(pages: list[dict[str, Any]], filename: str) -> HttpResponse:
    try:
        content = pdf_bytes(pages)
    except RuntimeError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def table_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    table = _load(user_of(request), pk)
    return _pdf_response([_printable_context(table)], f"review-{table.month:%Y-%m}-{table.pk}.pdf")


@login_required
def export_page(request: HttpRequest) -> HttpResponseBase:
    """HR (everything) and managers (their chain) export review tables."""
    user = user_of(request)
    roles = user_roles(user)
    require(roles.is_hr or roles.is_manager or roles.is_department_head)
    # Submitted by its Export button (the form always sends a format); a link that only
    # carries filters (the dashboard's) opens the form filled in, with nothing refused yet.
    submitted = "format" in request.GET
    form = ExportForm(
        request.GET if submitted else None, initial=None if submitted else request.GET.dict()
    )
    jobs = ExportJob.objects.filter(requester=user)[:10]
    if not form.is_bound or not form.is_valid():
        return render(request, "reviews/export.html", {"form": form, "jobs": jobs})
    data = form.cleaned_data
    spec = ExportFilter(
        month_from=data["month_from"],
        month_to=data["month_to"],
        cycle_id=data["cycle"].pk if data["cycle"] else None,
        department_id=data["department"].pk if data["department"] else None,
        status=data["status"],
    )
    tables = export_tables(user, spec)
    stem = f"review-tables-{spec.month_from:%Y-%m}"
    if data["format"] == "csv":
        streamed = StreamingHttpResponse(csv_lines(tables), content_type="text/csv; charset=utf-8")
        streamed["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return streamed
    if data["format"] == "pdf":
        chosen = list(tables[: PDF_MAX_TABLES + 1])
        if len(chosen) > PDF_MAX_TABLES:
            form.add_error(
                None,
                _("A PDF holds at most %(max)d tables: narrow the filter or choose XLSX.")
                % {"max": PDF_MAX_TABLES},
            )
            return render(request, "reviews/export.html", {"form": form, "jobs": jobs})
        return _pdf_response([_printable_context(t) for t in chosen], f"{stem}.pdf")
    count = tables.count()
    if count > ASYNC_EXPORT_TABLES:
        export_job_request(
            actor=user,
            params={
                "month_from": spec.month_from.isoformat(),
                "month_to": spec.month_to.isoformat(),
                "cycle_id": spec.cycle_id,
                "department_id": spec.department_id,
                "status": spec.status,
            },
            total=count,
        )
        messages.info(
            request,
            _("%(count)d tables: the file is being built. It appears below when it is ready.")
            % {"count": count},
        )
        return redirect("reviews:export")
    buffer = io.BytesIO()
    write_xlsx(tables, buffer)
    return _xlsx_response(buffer.getvalue(), f"{stem}.xlsx")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_job_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob, pk=pk, requester=user_of(request))
    return render(request, "reviews/_export_job.html", {"job": job})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Only the requester downloads the file, and only until it expires."""
    job = get_object_or_404(
        ExportJob, pk=pk, requester=user_of(request), status=ExportJob.Status.DONE
    )
    if job.expires_at and job.expires_at < timezone.now():
        raise Http404
    path = Path(settings.MEDIA_ROOT) / "exports" / job.file_name
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """HR sees the organisation; managers and heads see their own chain."""
    user = user_of(request)
    roles = user_roles(user)
    require(roles.is_hr or roles.is_manager or roles.is_department_head)
    form = DashboardForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    department = None
    if form.is_bound and form.is_valid():
        month = (form.cleaned_data["month"] or month).replace(day=1)
        department = form.cleaned_data["department"]
    data = dashboard_build(
        user=user,
        month=month,
        department=department,
        coverage_page=request.GET.get("page", 1),
    )
    return render(
        request,
        "reviews/dashboard.html",
        {
            "form": form,
            "data": data,
            "charts": data.charts(),
            "month": month,
            "type_labels": dict(CoachingType.choices),
        },
    )
