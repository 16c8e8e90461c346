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
    path("coaching/sessions/new/", sessions.session_new, name="session_new"),
    path("coaching/sessions/quick/", sessions.session_quick, name="session_quick"),
    path("coaching/sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("coaching/sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "coaching/sessions/<int:pk>/acknowledge/",
        sessions.session_acknowledge_view,
        name="session_acknowledge",
    ),
    path(
        "coaching/actions/<int:pk>/toggle/",
        sessions.action_item_mark_view,
        name="action_item_toggle",
    ),
    path("coaching/people/<int:pk>/facts/new/", facts.fact_new, name="fact_new"),
    path("coaching/facts/<int:pk>/edit/", facts.fact_edit, name="fact_edit"),
    path("coaching/overview/", overview.coaching_overview, name="overview"),
    path("coaching/people/<int:pk>/timeline/", overview.person_timeline, name="timeline"),
    path(
        "coaching/improvement-plans/",
        improvement_plans.improvement_plan_list,
        name="improvement_plan_list",
    ),
    path(
        "coaching/improvement-plans/new/",
        improvement_plans.improvement_plan_new,
        name="improvement_plan_new",
    ),
    path(
        "coaching/improvement-plans/<int:pk>/",
        improvement_plans.improvement_plan_detail,
        name="improvement_plan_detail",
    ),
    path(
        "coaching/improvement-plans/<int:pk>/edit/",
        improvement_plans.improvement_plan_edit,
        name="improvement_plan_edit",
    ),
    path("coaching/checkpoints/", checkpoints.checkpoint_list, name="checkpoint_list"),
    path("coaching/checkpoints/<int:pk>/", checkpoints.checkpoint_detail, name="checkpoint_detail"),
    path("coaching/calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("coaching/calendar/<slug:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Upward feedback (issue 18 §2).
    path("coaching/feedback/rounds/", feedback.feedback_round_list, name="feedback_round_list"),
    path("coaching/feedback/rounds/new/", feedback.feedback_round_new, name="feedback_round_new"),
    path(
        "coaching/feedback/rounds/<int:pk>/", feedback.feedback_round_detail, name="feedback_round"
    ),
    path(
        "coaching/feedback/rounds/<int:pk>/step/",
        feedback.feedback_round_step,
        name="feedback_round_step",
    ),
    path(
        "coaching/feedback/rounds/<int:pk>/delete/",
        feedback.feedback_round_remove,
        name="feedback_round_delete",
    ),
    path("coaching/feedback/", feedback.feedback_todo, name="feedback_todo"),
    path("coaching/feedback/<int:pk>/answer/", feedback.feedback_answer, name="feedback_answer"),
    path("coaching/feedback/mine/", feedback.feedback_mine, name="feedback_mine"),
    # Praise (issue 18 §1).
    path("coaching/praise/", praise.praise_wall, name="praise_wall"),
    path(
        "coaching/praise/departments/<int:pk>/",
        praise.praise_department_wall,
        name="praise_department_wall",
    ),
    path("coaching/praise/mine/", praise.praise_mine, name="praise_mine"),
    path("coaching/praise/new/", praise.praise_new, name="praise_new"),
    path("coaching/praise/<int:pk>/", praise.praise_detail, name="praise_detail"),
    path(
        "coaching/praise/<int:pk>/visibility/",
        praise.praise_visibility,
        name="praise_visibility",
    ),
    path("coaching/praise/<int:pk>/withdraw/", praise.praise_withdraw_view, name="praise_withdraw"),
    path("coaching/praise/values/", praise.company_values, name="company_values"),
    path(
        "coaching/praise/values/<int:pk>/edit/",
        praise.company_value_edit,
        name="company_value_edit",
    ),
]
