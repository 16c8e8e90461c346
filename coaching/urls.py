from django.urls import path

from coaching.views import (
    calendar,
    checkpoints,
    facts,
    feedback,
    improvement_plans,
    overview,
    praise,
    sessions,
)

app_name = "coaching"

urlpatterns = [
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/quick/", sessions.session_quick, name="session_quick"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "sessions/<int:pk>/acknowledge/",
        sessions.session_acknowledge_view,
        name="session_acknowledge",
    ),
    path(
        "actions/<int:pk>/toggle/",
        sessions.action_item_mark_view,
        name="action_item_toggle",
    ),
    path("people/<int:pk>/facts/new/", facts.fact_new, name="fact_new"),
    path("facts/<int:pk>/edit/", facts.fact_edit, name="fact_edit"),
    path("overview/", overview.coaching_overview, name="overview"),
    path("people/<int:pk>/timeline/", overview.person_timeline, name="timeline"),
    path(
        "improvement-plans/",
        improvement_plans.improvement_plan_list,
        name="improvement_plan_list",
    ),
    path(
        "improvement-plans/new/",
        improvement_plans.improvement_plan_new,
        name="improvement_plan_new",
    ),
    path(
        "improvement-plans/<int:pk>/",
        improvement_plans.improvement_plan_detail,
        name="improvement_plan_detail",
    ),
    path(
        "improvement-plans/<int:pk>/edit/",
        improvement_plans.improvement_plan_edit,
        name="improvement_plan_edit",
    ),
    path("checkpoints/", checkpoints.checkpoint_list, name="checkpoint_list"),
    path("checkpoints/<int:pk>/", checkpoints.checkpoint_detail, name="checkpoint_detail"),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/<slug:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Upward feedback (issue 18 §2).
    path("feedback/rounds/", feedback.feedback_round_list, name="feedback_round_list"),
    path("feedback/rounds/new/", feedback.feedback_round_new, name="feedback_round_new"),
    path("feedback/rounds/<int:pk>/", feedback.feedback_round_detail, name="feedback_round"),
    path(
        "feedback/rounds/<int:pk>/step/",
        feedback.feedback_round_step,
        name="feedback_round_step",
    ),
    path(
        "feedback/rounds/<int:pk>/delete/",
        feedback.feedback_round_remove,
        name="feedback_round_delete",
    ),
    path("feedback/", feedback.feedback_todo, name="feedback_todo"),
    path("feedback/<int:pk>/answer/", feedback.feedback_answer, name="feedback_answer"),
    path("feedback/mine/", feedback.feedback_mine, name="feedback_mine"),
    # Praise (issue 18 §1).
    path("praise/", praise.praise_wall, name="praise_wall"),
    path(
        "praise/departments/<int:pk>/",
        praise.praise_department_wall,
        name="praise_department_wall",
    ),
    path("praise/mine/", praise.praise_mine, name="praise_mine"),
    path("praise/new/", praise.praise_new, name="praise_new"),
    path("praise/<int:pk>/", praise.praise_detail, name="praise_detail"),
    path(
        "praise/<int:pk>/visibility/",
        praise.praise_visibility,
        name="praise_visibility",
    ),
    path("praise/<int:pk>/withdraw/", praise.praise_withdraw_view, name="praise_withdraw"),
    path("praise/values/", praise.company_values, name="company_values"),
    path(
        "praise/values/<int:pk>/edit/",
        praise.company_value_edit,
        name="company_value_edit",
    ),
]
