from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.selectors import headed_subtree_ids, reports_of, user_roles
from coaching.models import AppraisalCycle, CoachingType
from config.http import HtmxHttpRequest
from reviews.dashboard import dashboard_build
from reviews.exports import ExportFilter, csv_lines, export_tables, pdf_bytes, write_xlsx
from reviews.forms import (
    AnswerForm,
    CarriedFormSet,
    DashboardForm,
    ExportForm,
    InquiryForm,
    JobSettingsForm,
    ReviewerForm,
    RowFormSet,
    SummaryForm,
    TableCreateForm,
    TransitionForm,
    WorkItemFormSet,
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
    require,
    tables_visible_to,
)
from reviews.selectors import (
    department_tables_open_for_questions,
    jobs_status,
    tables_of_assessee,
    tables_to_review,
)
from reviews.services import (
    RowInput,
    StaleTableError,
    WorkItemInput,
    export_job_request,
    inquiry_answer,
    inquiry_ask,
    review_table_fill,
    review_table_review,
    review_table_transition,
    review_tables_generate,
)

STALE_MESSAGE = _(
    "Someone else saved this table while you were editing it. Nothing of yours was saved: "
    "your input is still below. Open the table again in a new tab to see their changes, "
    "then save yours."
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, 50).get_page(request.GET.get("page"))


@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/table_list.html",
        {"page": _page(request, tables_of_assessee(_user(request))), "view": "mine"},
    )


@login_required
def to_review(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("all") == "1"
    return render(
        request,
        "reviews/table_list.html",
        {
            "page": _page(request, tables_to_review(_user(request), everything=everything)),
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
            "page": _page(request, department_tables_open_for_questions(_user(request))),
            "view": "questions",
        },
    )


# --- The table page ---------------------------------------------------------


def _fill_forms(table: ReviewTable, data: Any = None) -> dict[str, Any]:
    rows = list(table.rows.all())
    items = list(table.work_items.all())
    next_items = [i for i in items if i.kind == WorkPlanItem.Kind.NEXT]
    carried = [i for i in items if i.kind == WorkPlanItem.Kind.CARRIED]
    carried_formset = CarriedFormSet(
        data,
        prefix="carried",
        initial=[{"item_id": i.pk, "outcome": i.outcome} for i in carried],
    )
    for form, item in zip(carried_formset.forms, carried, strict=False):
        form.item = item  # type: ignore[attr-defined]
    return {
        "summary_form": SummaryForm(
            data, initial={"version": table.version, "summary": table.summary}
        ),
        "row_formset": RowFormSet(data, rows=rows, prefix="row"),  # type: ignore[call-arg]
        "work_formset": WorkItemFormSet(  # type: ignore[call-arg]
            data,
            month=table.month,
            prefix="work",
            initial=[
                {"item_id": i.pk, "title": i.title, "target": i.target, "due_date": i.due_date}
                for i in next_items
            ],
        ),
        "carried_formset": carried_formset,
        "carried_items": carried,
    }


def _table_context(user: User, table: ReviewTable, **overrides: Any) -> dict[str, Any]:
    rows = list(table.rows.all())
    items = list(table.work_items.all())
    inquiries = list(table.inquiries.select_related("asked_by", "answered_by"))
    editing = can_edit_as_assessee(user, table)
    reviewing = can_edit_as_reviewer(user, table)
    context: dict[str, Any] = {
        "table": table,
        "rows": rows,
        "next_items": [i for i in items if i.kind == WorkPlanItem.Kind.NEXT],
        "carried_items": [i for i in items if i.kind == WorkPlanItem.Kind.CARRIED],
        "inquiries": inquiries,
        "open_inquiries": sum(1 for i in inquiries if i.is_open),
        "editing": editing,
        "reviewing": reviewing,
        "actions": allowed_actions(user, table),
        "can_ask": can_ask(user, table),
        "can_answer": can_answer(user, table),
        "is_assessee": is_assessee(user, table),
        "is_reviewer": is_reviewer(user, table),
        "show_history": is_reviewer(user, table)
        or is_assessee(user, table)
        or user_roles(user).is_hr,
        "inquiry_form": InquiryForm(),
        "transition_form": TransitionForm(),
    }
    if context["show_history"]:
        context["events"] = list(table.events.select_related("actor")[:100])
    if editing:
        context.update(_fill_forms(table))
    if reviewing:
        context["reviewer_form"] = ReviewerForm(
            initial={
                "version": table.version,
                "reviewer_summary": table.reviewer_summary,
                "suggestions": table.suggestions,
                "expectations": table.expectations,
                "rating": table.rating,
            },
            table=table,
        )
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


@login_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The table; the assessee saves their part here (POST)."""
    user = _user(request)
    table = _load(user, pk)
    if request.method != "POST":
        return render(request, "reviews/table_detail.html", _table_context(user, table))
    require(can_edit_as_assessee(user, table))
    forms = _fill_forms(table, request.POST)
    summary_form = forms["summary_form"]
    row_formset, work_formset = forms["row_formset"], forms["work_formset"]
    carried_formset = forms["carried_formset"]
    valid = all(f.is_valid() for f in (summary_form, row_formset, work_formset, carried_formset))
    if valid:
        items = {i.pk: i for i in table.work_items.filter(kind=WorkPlanItem.Kind.NEXT)}
        try:
            review_table_fill(
                actor=user,
                table=table,
                version=summary_form.cleaned_data["version"],
                summary=summary_form.cleaned_data["summary"],
                rows=[
                    RowInput(
                        form.row,
                        form.cleaned_data.get("actual"),
                        form.cleaned_data.get("gap_reason", ""),
                    )
                    for form in row_formset
                ],
                work_items=[
                    WorkItemInput(
                        item=items.get(form.cleaned_data.get("item_id") or 0),
                        title=form.cleaned_data.get("title", ""),
                        target=form.cleaned_data.get("target", ""),
                        due_date=form.cleaned_data.get("due_date"),
                        delete=bool(form.cleaned_data.get("DELETE")),
                    )
                    for form in work_formset
                    if form.has_changed() or form.cleaned_data.get("item_id")
                ],
                outcomes={
                    form.cleaned_data["item_id"]: form.cleaned_data.get("outcome", "")
                    for form in carried_formset
                },
            )
        except StaleTableError:
            messages.error(request, STALE_MESSAGE)
        else:
            if "then_submit" in request.POST:
                table.refresh_from_db()
                return _transition(request, user, table, "submit")
            messages.success(request, _("Saved."))
            return redirect(table)
    context = _table_context(user, table, **forms)
    return render(request, "reviews/table_detail.html", context, status=409 if valid else 200)


def _transition(
    request: HttpRequest,
    user: User,
    table: ReviewTable,
    action: str,
    *,
    comment: str = "",
    confirm: bool = False,
) -> HttpResponse:
    try:
        review_table_transition(
            actor=user, table=table, action=action, comment=comment, confirm_open_inquiries=confirm
        )
    except ValidationError as error:
        context = _table_context(user, table)
        transition_form = TransitionForm(request.POST)
        transition_form.is_valid()
        problems = getattr(error, "message_dict", None) or {"__all__": error.messages}
        if action == "submit" and "version" in request.POST:
            # Show the problems next to the fields the person just filled.
            data = request.POST.copy()
            data["version"] = str(table.version)
            forms = _fill_forms(table, data)
            for name in ("summary_form", "row_formset", "work_formset", "carried_formset"):
                forms[name].is_valid()
            for key, messages_ in problems.items():
                _attach_submission_problem(forms, key, messages_)
            context.update(forms)
        context["transition_errors"] = problems
        context["transition_form"] = transition_form
        messages.error(request, _("Not done: see the messages on the page."))
        return render(request, "reviews/table_detail.html", context, status=200)
    done = {
        "submit": _("Submitted. Your reviewer has been told."),
        "start_review": _("The review has started: questions are open."),
        "return": _("Returned for revision."),
        "finalise": _("Finalised. The table is now locked."),
    }
    messages.success(request, done[action])
    return redirect(table)


def _attach_submission_problem(forms: dict[str, Any], key: str, problems: list[str]) -> None:
    if key.startswith("row-"):
        _prefix, index, field = key.split("-", 2)
        form = forms["row_formset"].forms[int(index)]
        for problem in problems:
            form.add_error(field, problem)
    elif key == "summary":
        for problem in problems:
            forms["summary_form"].add_error("summary", problem)
    else:
        forms.setdefault("work_problems", []).extend(problems)


@login_required
def table_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    table = _load(user, pk)
    if request.method != "POST":
        return redirect(table)
    form = TransitionForm(request.POST)
    require(form.is_valid() and form.cleaned_data["action"] in allowed_actions(user, table))
    return _transition(
        request,
        user,
        table,
        form.cleaned_data["action"],
        comment=form.cleaned_data["comment"],
        confirm=form.cleaned_data["confirm"],
    )


@login_required
def table_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer saves their part (summary, suggestions, expectations, rating)."""
    user = _user(request)
    table = _load(user, pk)
    if request.method != "POST":
        return redirect(table)
    require(can_edit_as_reviewer(user, table))
    form = ReviewerForm(request.POST, table=table)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            review_table_review(actor=user, table=table, version=version, **data)
        except StaleTableError:
            messages.error(request, STALE_MESSAGE)
        else:
            messages.success(request, _("Saved."))
            return redirect(table)
    return render(
        request, "reviews/table_detail.html", _table_context(user, table, reviewer_form=form)
    )


@login_required
def inquiry_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    table = _load(user, pk)
    if request.method != "POST":
        return redirect(table)
    require(can_ask(user, table))
    form = InquiryForm(request.POST)
    if form.is_valid():
        inquiry_ask(actor=user, table=table, question=form.cleaned_data["question"])
        form = InquiryForm()
        if not request.htmx:
            messages.success(request, _("Your question has been sent."))
            return redirect(table)
    context = _table_context(user, table, inquiry_form=form)
    template = "reviews/_inquiries.html" if request.htmx else "reviews/table_detail.html"
    return render(request, template, context)


@login_required
def inquiry_reply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    inquiry = get_object_or_404(Inquiry, pk=pk)
    table = _load(user, inquiry.table_id)
    if request.method != "POST":
        return redirect(table)
    require(can_answer(user, table) and inquiry.is_open)
    form = AnswerForm(request.POST)
    answer_errors = None
    if form.is_valid():
        inquiry_answer(actor=user, inquiry=inquiry, answer=form.cleaned_data["answer"])
        if not request.htmx:
            messages.success(request, _("Your answer has been saved."))
            return redirect(table)
    else:
        answer_errors = {inquiry.pk: form.errors.get("answer")}
    context = _table_context(user, table, answer_errors=answer_errors)
    template = "reviews/_inquiries.html" if request.htmx else "reviews/table_detail.html"
    return render(request, template, context)


@login_required
def table_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    table = _load(user, pk)
    return render(request, "reviews/table_print.html", _table_context(user, table))


@login_required
def tables_create(request: HttpRequest) -> HttpResponse:
    """HR or a manager creates a month's tables by hand."""
    user = _user(request)
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
        cycle = AppraisalCycle.objects.filter(
            state=AppraisalCycle.State.ACTIVE, start_date__lte=month, end_date__gte=month
        ).first()
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
            return redirect("reviews:to_review" if not roles.is_hr else "reviews:create")
    return render(request, "reviews/tables_create.html", {"form": form})


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    """HR and administrators: the jobs' last runs, pending work, broker, settings."""
    user = _user(request)
    roles = user_roles(user)
    require(roles.is_hr or user.is_staff)
    if request.method == "POST":
        # Check before reading the settings: the first read creates their row.
        require(roles.is_hr or user.is_superuser)
    job_settings = JobSettings.current()
    form = JobSettingsForm(request.POST or None, instance=job_settings)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The job settings have been saved."))
            return redirect("reviews:jobs")
    return render(request, "reviews/jobs.html", {"status": jobs_status(), "form": form})


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
    table = _load(_user(request), pk)
    return _pdf_response([_printable_context(table)], f"review-{table.month:%Y-%m}-{table.pk}.pdf")


@login_required
def export_page(request: HttpRequest) -> HttpResponseBase:
    """HR (everything) and managers (their chain) export review tables."""
    user = _user(request)
    roles = user_roles(user)
    require(roles.is_hr or roles.is_manager or roles.is_department_head)
    form = ExportForm(request.GET or None)
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
    job = get_object_or_404(ExportJob, pk=pk, requester=_user(request))
    return render(request, "reviews/_export_job.html", {"job": job})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Only the requester downloads the file, and only until it expires."""
    job = get_object_or_404(
        ExportJob, pk=pk, requester=_user(request), status=ExportJob.Status.DONE
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
    user = _user(request)
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
