from django.urls import path

from reviews.views import (
    calibration,
    conversations,
    cycles,
    dashboard,
    exports,
    inquiries,
    jobs,
    lists,
    people,
    results,
    table_index,
    tables,
)

app_name = "reviews"

urlpatterns = [
    path("", lists.table_list, name="mine"),
    path("to-review/", lists.to_review, name="to_review"),
    path("questions/", lists.open_for_questions, name="questions"),
    path("create/", lists.tables_create, name="create"),
    path("jobs/", jobs.jobs_page, name="jobs"),
    path("jobs/outbox/<int:pk>/resend/", jobs.outbox_message_resend, name="outbox_resend"),
    path("cycles/<int:pk>/close/", cycles.cycle_close_page, name="cycle_close"),
    # Calibration (issue 17 §4): one page per cycle, its steps, one person's adjustment.
    path("calibrations/", calibration.calibration_list, name="calibration_list"),
    path("cycles/<int:pk>/calibration/", calibration.calibration_page, name="calibration"),
    path(
        "cycles/<int:pk>/calibration/start/",
        calibration.calibration_start_view,
        name="calibration_start",
    ),
    path(
        "cycles/<int:pk>/calibration/participants/",
        calibration.calibration_participants,
        name="calibration_participants",
    ),
    path(
        "cycles/<int:pk>/calibration/step/",
        calibration.calibration_step,
        name="calibration_step",
    ),
    path(
        "calibration/results/<int:pk>/",
        calibration.calibration_adjust,
        name="calibration_adjust",
    ),
    path("all/", table_index.table_index, name="table_index"),
    path("export/", exports.export_page, name="export"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("export/jobs/<int:pk>/", exports.export_job_status, name="export_job"),
    path("export/jobs/<int:pk>/download/", exports.export_download, name="export_download"),
    path("export/jobs/<int:pk>/rerun/", exports.export_job_rerun_view, name="export_job_rerun"),
    path("<int:pk>/pdf/", exports.table_pdf, name="table_pdf"),
    path("<int:pk>/", tables.table_detail, name="table_detail"),
    path("<int:pk>/review/", tables.table_review, name="table_review"),
    path("<int:pk>/conversation/", conversations.table_conversation, name="table_conversation"),
    path("<int:pk>/inquiries/", inquiries.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/answer/", inquiries.inquiry_reply, name="inquiry_answer"),
    path("<int:pk>/print/", tables.table_print, name="table_print"),
    path("<int:pk>/handover/", people.table_handover_view, name="table_handover"),
    path("people/<int:pk>/move/", people.person_move_view, name="person_move"),
    path("people/<int:pk>/offboard/", people.person_offboard_view, name="person_offboard"),
    # Cycle results (issue 17 §3)
    path("results/", results.result_list, name="result_list"),
    path("results/<int:pk>/", results.result_detail, name="result_detail"),
    path("results/<int:pk>/propose/", results.result_propose_view, name="result_propose"),
    path(
        "results/<int:pk>/acknowledge/",
        results.result_acknowledge_view,
        name="result_acknowledge",
    ),
    path("results/<int:pk>/print/", results.result_print, name="result_print"),
    path("results/<int:pk>/pdf/", results.result_pdf, name="result_pdf"),
    path("cycles/<int:pk>/results/prepare/", results.results_prepare_view, name="results_prepare"),
]
