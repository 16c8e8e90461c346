from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_edit, name="cycle_new"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/state/", views.cycle_state, name="cycle_state"),
    path("objectives/", views.my_objectives, name="my_objectives"),
    path("objectives/new/", views.objective_new, name="objective_new"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/targets/", views.objective_targets, name="objective_targets"),
    path("objectives/<int:pk>/checkins/", views.checkin_new, name="checkin_new"),
    path("people/<int:pk>/objectives/", views.person_objectives, name="person_objectives"),
    path(
        "departments/<int:pk>/objectives/",
        views.department_objectives,
        name="department_objectives",
    ),
    path("plans/confirm/", views.plan_confirm_view, name="plan_confirm"),
    path("team/", views.team, name="team"),
]

urlpatterns += [
    path("coaching/sessions/new/", views.session_new, name="session_new"),
    path("coaching/sessions/quick/", views.session_quick, name="session_quick"),
    path("coaching/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("coaching/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(
        "coaching/sessions/<int:pk>/acknowledge/",
        views.session_acknowledge_view,
        name="session_acknowledge",
    ),
    path(
        "coaching/actions/<int:pk>/toggle/",
        views.action_item_mark_view,
        name="action_item_toggle",
    ),
    path("coaching/overview/", views.coaching_overview, name="overview"),
    path("coaching/people/<int:pk>/timeline/", views.person_timeline, name="timeline"),
    path(
        "coaching/improvement-plans/new/",
        views.improvement_plan_new,
        name="improvement_plan_new",
    ),
    path(
        "coaching/improvement-plans/<int:pk>/",
        views.improvement_plan_detail,
        name="improvement_plan_detail",
    ),
    path(
        "coaching/improvement-plans/<int:pk>/edit/",
        views.improvement_plan_edit,
        name="improvement_plan_edit",
    ),
    path("coaching/calendar/", views.calendar_settings, name="calendar_settings"),
    path("coaching/calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
