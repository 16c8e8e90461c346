"""Exports of review tables: the export page (XLSX, CSV, PDF, or a job for the worker),
the export jobs' status and download, and one table's PDF."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.http import HtmxHttpRequest, user_of
from reviews.export_jobs import export_job_rerun
from reviews.exports import (
    ExportFilter,
    csv_lines,
    export_job_request,
    export_tables,
    write_xlsx,
)
from reviews.file_storage import export_storage
from reviews.forms import ExportForm
from reviews.pdf import pdf_bytes, pdf_missing_reason
from reviews.permissions import can_export, get_table_for_user, require
from reviews.result_selectors import export_results
from reviews.selectors import export_job_of, export_jobs_of, table_contents

ASYNC_EXPORT_TABLES = 1000
PDF_MAX_TABLES = 100


def pdf_unavailable(request: HttpRequest, reason: str, back_url: str) -> HttpResponse:
    """The page that explains why no PDF can be made here (503), with the way back."""
    return render(
        request,
        "reviews/pdf_unavailable.html",
        {"reason": reason, "back_url": back_url},
        status=503,
    )


def _pdf_response(
    request: HttpRequest, pages: list[dict[str, Any]], filename: str, back_url: str
) -> HttpResponse:
    try:
        content = pdf_bytes(pages)
    except RuntimeError as error:
        return pdf_unavailable(request, str(error), back_url)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@login_required
def table_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_table_for_user(user_of(request), pk)
    return _pdf_response(
        request,
        [table_contents(table).context()],
        f"review-{table.month:%Y-%m}-{table.pk}.pdf",
        table.get_absolute_url(),
    )


@login_required
def export_page(request: HttpRequest) -> HttpResponseBase:
    """HR (everything) and managers (their chain) export review tables."""
    user = user_of(request)
    require(can_export(user))
    # Submitted by its Export button (the form always sends a format); a link that only
    # carries filters (the dashboard's) opens the form filled in, with nothing refused yet.
    submitted = "format" in request.GET
    form = ExportForm(
        request.GET if submitted else None, initial=None if submitted else request.GET.dict()
    )
    jobs = export_jobs_of(user)
    pdf_missing = pdf_missing_reason()
    page = {"form": form, "jobs": jobs, "pdf_missing": pdf_missing}
    if not form.is_bound or not form.is_valid():
        return render(request, "reviews/export.html", page)
    data = form.cleaned_data
    spec = ExportFilter.from_form(data)
    tables = export_tables(user, spec)
    if data["format"] == "csv":
        streamed = StreamingHttpResponse(csv_lines(tables), content_type="text/csv; charset=utf-8")
        streamed["Content-Disposition"] = (
            content_disposition_header(True, spec.file_name("csv")) or ""
        )
        return streamed
    if data["format"] == "pdf" and pdf_missing:
        form.add_error("format", pdf_missing)
        return render(request, "reviews/export.html", page)
    if data["format"] == "pdf":
        chosen = list(tables[: PDF_MAX_TABLES + 1])
        if len(chosen) > PDF_MAX_TABLES:
            form.add_error(
                None,
                _("A PDF holds at most %(max)d tables: narrow the filter or choose XLSX.")
                % {"max": PDF_MAX_TABLES},
            )
            return render(request, "reviews/export.html", page)
        return _pdf_response(
            request,
            [table_contents(t).context() for t in chosen],
            spec.file_name("pdf"),
            reverse("reviews:export"),
        )
    count = tables.count()
    if count > ASYNC_EXPORT_TABLES:
        export_job_request(
            actor=user,
            params=spec.params(),
            total=count,
        )
        messages.info(
            request,
            ngettext(
                "%(count)d table: the file is being built. It appears below when it is ready.",
                "%(count)d tables: the file is being built. It appears below when it is ready.",
                count,
            )
            % {"count": count},
        )
        return redirect("reviews:export")
    buffer = io.BytesIO()
    results = export_results(
        user,
        cycle_id=spec.cycle_id,
        month_from=spec.month_from,
        month_to=spec.month_to,
        department_id=spec.department_id,
    )
    write_xlsx(tables, buffer, results=results, reader=user)
    return _xlsx_response(buffer.getvalue(), spec.file_name("xlsx"))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@login_required
def export_job_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = export_job_of(user_of(request), pk)
    return render(request, "reviews/_export_job.html", {"job": job})


@require_POST
@login_required
def export_job_rerun_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Its requester runs a failed export again, with the same filter."""
    job = export_job_of(user_of(request), pk)
    try:
        export_job_rerun(job=job, actor=user_of(request))
    except ValueError:
        messages.error(request, _("Only a failed export can be run again."))
    else:
        messages.info(
            request, _("The file is being built again. It appears below when it is ready.")
        )
    return redirect("reviews:export")


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Only the requester downloads the file, and only until it expires."""
    job = export_job_of(user_of(request), pk, done=True)
    if job.expires_at and job.expires_at < timezone.now():
        raise Http404
    # Streamed from the shared storage: the worker that built it may be on another machine.
    storage = export_storage()
    if not job.file_name or not storage.exists(job.file_name):
        raise Http404
    # Named after its period and filter (``ExportFilter.file_name``), as the page's own file.
    name = job.params.get("download_name") or job.file_name
    return FileResponse(storage.open(job.file_name, "rb"), as_attachment=True, filename=name)
