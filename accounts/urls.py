from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import token_views, views, webhook_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("org/", views.org_chart, name="org_chart"),
    path("org/import/", views.org_import_view, name="org_import"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/new/", token_views.token_create, name="token_create"),
    path("tokens/created/", token_views.token_created, name="token_created"),
    path("tokens/<str:digest>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("webhooks/", webhook_views.webhook_list, name="webhook_list"),
    path("webhooks/new/", webhook_views.webhook_new, name="webhook_new"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", webhook_views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/test/", webhook_views.webhook_test, name="webhook_test"),
    path("webhooks/<int:pk>/secret/", webhook_views.webhook_secret, name="webhook_secret"),
    path("webhooks/<int:pk>/delete/", webhook_views.webhook_delete, name="webhook_delete"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery>/resend/",
        webhook_views.webhook_resend,
        name="webhook_resend",
    ),
]
