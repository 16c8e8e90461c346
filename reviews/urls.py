from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.table_list, name="mine"),
    path("to-review/", views.to_review, name="to_review"),
    path("questions/", views.open_for_questions, name="questions"),
    path("create/", views.tables_create, name="create"),
    path("jobs/", views.jobs_page, name="jobs"),
    path("export/", views.export_page, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export/jobs/<int:pk>/", views.export_job_status, name="export_job"),
    path("export/jobs/<int:pk>/download/", views.export_download, name="export_download"),
    path("<int:pk>/pdf/", views.table_pdf, name="table_pdf"),
    path("<int:pk>/", views.table_detail, name="table_detail"),
    path("<int:pk>/review/", views.table_review, name="table_review"),
    path("<int:pk>/inquiries/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/answer/", views.inquiry_reply, name="inquiry_answer"),
    path("<int:pk>/print/", views.table_print, name="table_print"),
]
