from django.urls import path

from plans.views import carry, cycles, objectives, plans, team, templates

app_name = "plans"

urlpatterns = [
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_edit, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/state/", cycles.cycle_state, name="cycle_state"),
    path("cycles/<int:pk>/carry/", carry.cycle_carry, name="cycle_carry"),
    path("objectives/", plans.my_objectives, name="my_objectives"),
    path("objectives/new/", objectives.objective_new, name="objective_new"),
    path("objectives/<int:pk>/", objectives.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", objectives.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/targets/", objectives.objective_targets, name="objective_targets"),
    path("objectives/<int:pk>/checkins/", objectives.checkin_new, name="checkin_new"),
    path("people/<int:pk>/objectives/", plans.person_objectives, name="person_objectives"),
    path(
        "departments/<int:pk>/objectives/",
        plans.department_objectives,
        name="department_objectives",
    ),
    path("plans/confirm/", plans.plan_confirm_view, name="plan_confirm"),
    path("team/", team.team, name="team"),
    path("templates/", templates.template_set_list, name="template_set_list"),
    path("templates/new/", templates.template_set_edit, name="template_set_new"),
    path("templates/assign/", templates.template_assign, name="template_assign"),
    path("templates/<int:pk>/", templates.template_set_detail, name="template_set_detail"),
    path("templates/<int:pk>/edit/", templates.template_set_edit, name="template_set_edit"),
    path("templates/<int:pk>/delete/", templates.template_set_remove, name="template_set_delete"),
    path("templates/<int:set_pk>/add/", templates.template_edit, name="template_new"),
    path("templates/items/<int:pk>/edit/", templates.template_edit, name="template_edit"),
    path("templates/items/<int:pk>/delete/", templates.template_remove, name="template_delete"),
]
