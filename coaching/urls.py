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
