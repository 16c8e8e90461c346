"""Which request of which view gets garbage, as whom, from which page.

One case per URL name of the URLconf (several where a view does two things),
each as the person for whom the view really does its work: the manager on the
team page, the report on his own objective, HR on cycles. A form is taken
from the page that renders it (its fields are the parameters to spoil);
``reads`` adds what the view reads beside its form (query strings of links,
the page number).

A URL name with neither a case nor a reason in ``SKIPPED`` fails
``test_every_url_has_a_garbage_case``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from tests.factories import PASSWORD
from tests.garbage.world import World

# Namespaces or URL names deliberately left out, with the reason.
SKIPPED = {
    "admin": "Django's admin: another engineer's part of issue 13 (item 10 tests its lookups).",
    "accounts:org_import": "Broken org-import files: another engineer's part of issue 13.",
    "api": "The JSON API gets its garbage from schemathesis, against its own schema "
    "(tests/api/test_schema_fuzz.py).",
}


def _api_token_digest(world: World) -> dict[str, str]:
    """A token of Rob's to revoke (made once per world)."""
    from accounts.models import ApiToken  # noqa: PLC0415
    from accounts.tokens import api_token_create  # noqa: PLC0415

    token = ApiToken.objects.filter(user=world.report).first()
    if token is None:
        token, _raw = api_token_create(user=world.report, name="garbage", scope="read")
    return {"digest": token.pk}


# The lead is fixing the review-table page itself (issue 13 items 1-3); a 5xx
# found there is marked here and listed in the report, not fixed in this branch.


@dataclass(frozen=True)
class Case:
    url_name: str
    user: str  # a World persona, or "anonymous"
    method: str = "GET"
    args: tuple[str, ...] = ()  # World attributes whose pks are the URL's arguments
    kwargs: Callable[[World], dict[str, str]] | None = None  # for str path segments
    page: str | None = None  # the URL name of the page that renders the form (POST)
    page_args: tuple[str, ...] = ()
    page_query: Callable[[World], dict[str, str]] | None = None
    query: Callable[[World], dict[str, str]] | None = None  # good values the view reads
    fill: Callable[[World], dict[str, str]] | None = None  # what a person types in the form
    reads: tuple[str, ...] = ()  # more parameters the view reads, with no good value
    form: bool = True  # the page renders a form for this request
    path_params: tuple[str, ...] = ()  # str path segments to spoil too
    button: str | None = None  # the submit button sent (default: the form's first)
    fixed: tuple[str, ...] = ()  # fields and formsets this case leaves alone (another case's)
    only: tuple[str, ...] = ()  # if set, the only fields and formsets this case spoils
    examples: int | None = None
    refused_unspoiled: str = ""  # why even the unspoiled request is refused, if it is
    xfail: str | None = None
    label: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # fields a browser adds (htmx)

    @property
    def id(self) -> str:
        return f"{self.url_name}-{self.method}{'-' + self.label if self.label else ''}"


def _assign_fingerprint(world: World) -> str:
    """What the preview of assigning the world's set to Sales next year showed."""
    from plans.templates_assign import assignment_preview, people_for_assignment

    people, _unknown = people_for_assignment(actor=world.hr, department_id=world.sales.pk)
    return assignment_preview(
        actor=world.hr,
        cycle=world.planning_cycle,
        template_set=world.template_set,
        people=people,
    ).fingerprint


def _q(**names: str) -> Callable[[World], dict[str, str]]:
    """Query values from the world: ``_q(employee="report")`` -> {"employee": report.pk}."""
    return lambda world: {key: str(world[value].pk) for key, value in names.items()}


CASES: list[Case] = [
    # --- accounts -----------------------------------------------------------------
    Case(
        "accounts:login",
        "anonymous",
        "POST",
        reads=("next",),
        fill=lambda world: {"username": world.report.email, "password": PASSWORD},
    ),
    Case("accounts:login", "anonymous", "GET", reads=("next",), form=False, label="next"),
    Case("accounts:logout", "report", "POST", page="home", reads=("next",)),
    Case(
        "accounts:password_change",
        "report",
        "POST",
        fill=lambda world: {
            "old_password": PASSWORD,
            "new_password1": "Another-horse-battery-9",
            "new_password2": "Another-horse-battery-9",
        },
    ),
    Case("accounts:password_change_done", "report", form=False),
    Case(
        "accounts:password_reset",
        "anonymous",
        "POST",
        fill=lambda world: {"email": world.report.email},
    ),
    Case("accounts:password_reset_done", "anonymous", form=False),
    Case(
        "accounts:password_reset_confirm",
        "anonymous",
        kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"},
        path_params=("uidb64", "token"),
        form=False,
    ),
    Case("accounts:password_reset_complete", "anonymous", form=False),
    Case("accounts:profile", "report", "POST"),
    Case("accounts:person_detail", "report", args=("manager",), form=False),
    Case("accounts:org_chart", "report", reads=("page",)),
    # HR is offered "Include people who left" (the ``left`` box) beside the search.
    Case("accounts:org_chart", "hr", reads=("page",), label="people-who-left"),
    Case("accounts:notifications", "report", reads=("page",), form=False),
    Case("accounts:notifications", "report", "POST", label="mark-read"),
    Case(
        "accounts:notification_open",
        "report",
        "POST",
        args=("notification",),
        page="accounts:notifications",
    ),
    Case(
        "accounts:token_create",
        "report",
        "POST",
        page="accounts:profile",
        fill=lambda world: {"name": "Weekly report script"},
    ),
    Case("accounts:token_created", "report", form=False),
    Case("accounts:token_list", "hr", reads=("page",)),
    Case(
        "accounts:token_revoke",
        "report",
        form=False,
        kwargs=_api_token_digest,
        path_params=("digest",),
    ),
    Case("language_switch", "report", "POST", page="home"),
    # --- webhook endpoints (issue 19 §2) ------------------------------------------------
    Case("accounts:webhook_list", "hr", form=False),
    Case(
        "accounts:webhook_new",
        "hr",
        "POST",
        fill=lambda world: {
            "name": "Garbage",
            "url": "https://example.com/hook",
            "events": "export.ready",
        },
    ),
    Case("accounts:webhook_detail", "hr", args=("webhook_endpoint",), reads=("page",), form=False),
    Case("accounts:webhook_edit", "hr", "POST", args=("webhook_endpoint",)),
    Case(
        "accounts:webhook_test",
        "hr",
        "POST",
        args=("webhook_endpoint",),
        page="accounts:webhook_detail",
        page_args=("webhook_endpoint",),
    ),
    Case("accounts:webhook_secret", "hr", "POST", args=("webhook_endpoint",)),
    Case("accounts:webhook_delete", "hr", "POST", args=("webhook_endpoint",)),
    Case(
        "accounts:webhook_resend",
        "hr",
        "POST",
        args=("webhook_endpoint", "webhook_delivery"),
        page="accounts:webhook_detail",
        page_args=("webhook_endpoint",),
    ),
    Case("home", "report", form=False),
    Case("favicon", "anonymous", form=False),
    # --- cycles ---------------------------------------------------------------------
    Case("plans:cycle_list", "hr", form=False),
    Case(
        "plans:cycle_new",
        "hr",
        "POST",
        fill=lambda world: {
            "name": "Later",
            "start_date": "2030-01-01",
            "end_date": "2030-12-31",
        },
    ),
    Case("plans:cycle_detail", "hr", args=("cycle",), form=False),
    Case("plans:cycle_edit", "hr", "POST", args=("planning_cycle",)),
    Case(
        "plans:cycle_state",
        "hr",
        "POST",
        args=("planning_cycle",),
        page="plans:cycle_detail",
        page_args=("planning_cycle",),
    ),
    # The carry page's choice (GET, the preview) and its "Carry forward" button (POST).
    Case("plans:cycle_carry", "hr", args=("planning_cycle",), label="preview"),
    Case(
        "plans:cycle_carry",
        "hr",
        "POST",
        args=("planning_cycle",),
        page_query=lambda world: {"source": str(world.cycle.pk), "which": "unfinished"},
    ),
    # --- plans ----------------------------------------------------------------------
    Case("plans:my_objectives", "report"),
    Case("plans:person_objectives", "manager", args=("report",)),
    Case("plans:department_objectives", "manager", args=("sales",)),
    Case(
        "plans:plan_confirm",
        "report",
        "POST",
        page="plans:my_objectives",
    ),
    Case(
        "plans:objective_new",
        "manager",
        "POST",
        page_query=_q(cycle="cycle", employee="report"),
        # Rob's objectives already weigh 100: a new one weighs nothing yet.
        fill=lambda world: {
            "title": "Referrals",
            "weight": "0",
            "measure": "number",
            "target": "12",
            "unit": "referrals",
        },
    ),
    Case(
        "plans:objective_new",
        "manager",
        query=_q(cycle="cycle", employee="report"),
        reads=("department",),
        form=False,
        label="subject",
    ),
    Case("plans:objective_detail", "report", args=("department_objective",), form=False),
    Case("plans:objective_edit", "manager", "POST", args=("objective",)),
    Case(
        "plans:objective_targets",
        "report",
        args=("objective",),
        query=lambda world: {"fill": "copy", "from": str(world.department_objective.pk)},
        label="fill",
    ),
    Case("plans:objective_targets", "report", "POST", args=("objective",)),
    Case(
        "plans:checkin_new",
        "report",
        "POST",
        args=("objective",),
        page="plans:objective_detail",
        page_args=("objective",),
        fill=lambda world: {"value": "12", "note": "Two big orders."},
    ),
    Case("plans:team", "manager", reads=("page",)),
    # --- objective templates (issue 17 §1) -----------------------------------------
    Case("plans:template_set_list", "hr", form=False),
    Case("plans:template_set_new", "hr", "POST", fill=lambda world: {"name": "Engineers"}),
    Case("plans:template_set_detail", "hr", args=("template_set",), form=False),
    Case("plans:template_set_edit", "hr", "POST", args=("template_set",)),
    Case(
        "plans:template_set_delete",
        "hr",
        "POST",
        args=("template_set",),
        page="plans:template_set_detail",
        page_args=("template_set",),
    ),
    Case(
        "plans:template_new",
        "hr",
        "POST",
        args=("template_set",),
        fill=lambda world: {
            "title": "Visits",
            "measure": "number",
            "target": "40",
            "unit": "visits",
            "default_weight": "10",
            "pattern": "curve",
            "curve_text": "10, 30, 60, 100",
        },
    ),
    Case("plans:template_edit", "hr", "POST", args=("objective_template",)),
    Case(
        "plans:template_delete",
        "hr",
        "POST",
        args=("objective_template",),
        page="plans:template_set_detail",
        page_args=("template_set",),
    ),
    Case(
        "plans:template_assign",
        "hr",
        query=lambda world: {
            "set": str(world.template_set.pk),
            "cycle": str(world.planning_cycle.pk),
        },
        form=False,
        label="chosen",
    ),
    Case(
        "plans:template_assign",
        "hr",
        "POST",
        page_query=_q(set="template_set", cycle="planning_cycle"),
        fill=lambda world: {"target": "department", "department": str(world.sales.pk)},
        refused_unspoiled="A preview writes nothing: it shows who would get what.",
        label="preview",
    ),
    Case(
        "plans:template_assign",
        "hr",
        "POST",
        page_query=_q(set="template_set", cycle="planning_cycle"),
        fill=lambda world: {
            "target": "department",
            "department": str(world.sales.pk),
            "action": "assign",
            "seen": _assign_fingerprint(world),
        },
        label="assign",
    ),
    # --- coaching -------------------------------------------------------------------
    Case(
        "coaching:session_new",
        "manager",
        "POST",
        page_query=_q(employee="report", plan="improvement_plan"),
        examples=6,
    ),
    Case(
        "coaching:session_new",
        "manager",
        query=_q(employee="report", plan="improvement_plan", objective="objective"),
        reads=("department",),
        form=False,
        label="subject",
    ),
    Case(
        "coaching:session_quick",
        "manager",
        "POST",
        page_query=_q(employee="report"),
        fill=lambda world: {"type": "encouragement", "note": "Nice demo today."},
    ),
    Case(
        "coaching:session_quick",
        "manager",
        query=_q(employee="report"),
        form=False,
        label="initial",
    ),
    Case("coaching:session_detail", "report", args=("session",), form=False),
    Case("coaching:session_edit", "manager", "POST", args=("session",), examples=4),
    Case(
        "coaching:session_acknowledge",
        "report",
        "POST",
        args=("session",),
        page="coaching:session_detail",
        page_args=("session",),
    ),
    Case(
        "coaching:action_item_toggle",
        "report",
        "POST",
        args=("item",),
        page="coaching:session_detail",
        page_args=("session",),
        reads=("next",),
    ),
    Case("coaching:overview", "manager", reads=("page",)),
    # The "stuck" filter ticked (issue 17 §5): the other filters spoiled with it on.
    Case(
        "coaching:overview",
        "manager",
        reads=("page",),
        query=lambda world: {"stuck": "1"},
        label="stuck",
    ),
    Case("coaching:timeline", "manager", args=("report",), form=False),
    Case(
        "coaching:improvement_plan_new",
        "manager",
        "POST",
        page_query=_q(employee="report", objective="objective"),
        fill=lambda world: {
            "own_reasons": "Late proposals.",
            "measures": "Proposals within two days.",
            "first_review": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    ),
    Case(
        "coaching:improvement_plan_new",
        "manager",
        query=_q(employee="report", objective="objective"),
        form=False,
        label="subject",
    ),
    Case(
        "coaching:improvement_plan_new",
        "manager",
        query=lambda world: {"checkpoint": str(world.checkpoint.pk)},
        form=False,
        label="checkpoint",
    ),
    Case("coaching:improvement_plan_list", "manager", reads=("page",)),
    Case("coaching:checkpoint_list", "manager", reads=("page",)),
    Case(
        "coaching:checkpoint_detail",
        "manager",
        "POST",
        args=("checkpoint",),
        fill=lambda world: {
            "talked_on": timezone.localdate().isoformat(),
            "own_reasons": "Started late.",
            "decision": "support",
            "decision_note": "Pairing with Ivy.",
        },
    ),
    Case("coaching:improvement_plan_detail", "report", args=("improvement_plan",), form=False),
    Case("coaching:improvement_plan_edit", "manager", "POST", args=("improvement_plan",)),
    Case(
        "coaching:fact_new",
        "manager",
        "POST",
        args=("report",),
        fill=lambda world: {
            "observed_on": timezone.localdate().isoformat(),
            "kind": "positive",
            "observed": "Handled the complaint calmly.",
        },
    ),
    Case("coaching:fact_edit", "manager", "POST", args=("fact",)),
    Case("coaching:calendar_settings", "manager", "POST"),
    Case(
        "coaching:calendar_feed",
        "anonymous",
        kwargs=lambda world: {"token": world.feed.token},
        path_params=("token",),
        form=False,
    ),
    # --- praise (issue 18 §1) -----------------------------------------------------
    Case("coaching:praise_wall", "report", reads=("page",), form=False),
    Case("coaching:praise_department_wall", "report", args=("sales",), reads=("page",), form=False),
    Case("coaching:praise_mine", "report", reads=("received", "given"), form=False),
    Case(
        "coaching:praise_new",
        "report",
        "POST",
        fill=lambda world: {
            "employee": world.peer.email,
            "behaviour": "Explained the new tariffs",
            "example": "Walked me through the tariff sheet on Monday.",
        },
    ),
    Case(
        "coaching:praise_new",
        "manager",
        "POST",
        page_query=_q(employee="report"),
        fill=lambda world: {
            "behaviour": "Closed the Acme deal",
            "example": "Sent the proposal two days early.",
        },
        label="person",
    ),
    Case(
        "coaching:praise_new",
        "manager",
        "POST",
        page_query=_q(session="encouragement_session"),
        label="from-session",
    ),
    Case(
        "coaching:praise_new",
        "manager",
        query=_q(session="encouragement_session"),
        reads=("employee",),
        form=False,
        label="session-query",
    ),
    Case("coaching:praise_detail", "report", args=("praise",), form=False),
    Case(
        "coaching:praise_visibility",
        "report",
        "POST",
        args=("praise",),
        page="coaching:praise_detail",
        page_args=("praise",),
        fill=lambda world: {"visibility": "organisation"},
    ),
    Case(
        "coaching:praise_withdraw",
        "peer",
        "POST",
        args=("praise",),
    ),
    Case("coaching:company_values", "hr", "POST", fill=lambda world: {"new-name": "Own it"}),
    Case("coaching:company_value_edit", "hr", "POST", args=("company_value",)),
    # --- reviews --------------------------------------------------------------------
    Case("reviews:mine", "report", reads=("page",), form=False),
    Case("reviews:table_conversation", "manager", "POST", args=("review_table",), examples=4),
    Case("reviews:to_review", "manager", reads=("page", "all"), form=False),
    Case("reviews:questions", "manager", reads=("page",), form=False),
    Case(
        "reviews:create",
        "hr",
        "POST",
        fill=lambda world: {
            "month": world.cycle.start_date.replace(month=5).isoformat()[:7],
            "scope": "person",
            "employee": str(world.report.pk),
        },
    ),
    Case("reviews:jobs", "hr", "POST"),
    Case("reviews:cycle_close", "hr", args=("cycle",), form=False, reads=("page",)),
    Case(
        "reviews:cycle_close",
        "hr",
        "POST",
        args=("cycle",),
        page="reviews:cycle_close",
        page_args=("cycle",),
        # The page's first form: withdraw ticked tables (the close form has its own test).
        fill=lambda world: {"tables": str(world.review_table.pk), "reason": "Left."},
        label="withdraw",
    ),
    Case(
        "reviews:person_move",
        "hr",
        "POST",
        args=("indirect_report",),
        page="reviews:person_move",
        page_args=("indirect_report",),
        fill=lambda world: {"manager": world.manager.email},
    ),
    Case(
        "reviews:person_offboard",
        "hr",
        "POST",
        args=("report",),
        page="reviews:person_offboard",
        page_args=("report",),
        fill=lambda world: {"confirm": "on"},
    ),
    Case(
        "reviews:table_handover",
        "hr",
        "POST",
        args=("review_table",),
        page="reviews:table_handover",
        page_args=("review_table",),
        fill=lambda world: {"reviewer": world.hr.email, "reason": "On leave."},
    ),
    Case(
        "reviews:export",
        "hr",
        fill=lambda world: {
            "month_from": world.review_table.month.isoformat()[:7],
            "format": "csv",
        },
    ),
    Case("reviews:dashboard", "hr", reads=("page",)),
    # HR's page of every review table (issue 20 §3): its filters, paged.
    Case("reviews:table_index", "hr", reads=("page",)),
    # Calibration (issue 17 §4).
    Case("reviews:calibration_list", "hr", form=False),
    Case(
        "reviews:calibration",
        "hr",
        args=("calibration_cycle",),
        reads=("page", "managers_page"),
    ),
    Case(
        "reviews:calibration_start",
        "hr",
        "POST",
        args=("start_cycle",),
        page="reviews:calibration",
        page_args=("start_cycle",),
    ),
    Case(
        "reviews:calibration_participants",
        "hr",
        "POST",
        args=("calibration_cycle",),
        page="reviews:calibration_participants",
        page_args=("calibration_cycle",),
    ),
    Case(
        "reviews:calibration_step",
        "hr",
        "POST",
        args=("calibration_cycle",),
        page="reviews:calibration",
        page_args=("calibration_cycle",),
    ),
    Case(
        "reviews:calibration_adjust",
        "hr",
        "POST",
        args=("calibration_result",),
        page="reviews:calibration_adjust",
        page_args=("calibration_result",),
        fill=lambda world: {"rating": "Exceeds expectations", "reason": "Led the launch."},
    ),
    # --- upward feedback (issue 18 §2) -------------------------------------------------
    Case("coaching:feedback_round_list", "hr", form=False),
    Case(
        "coaching:feedback_round_new",
        "hr",
        "POST",
        page="coaching:feedback_round_new",
        fill=lambda world: {
            "name": "Autumn feedback",
            "opens_on": "2027-09-01",
            "closes_on": "2027-09-21",
        },
    ),
    Case("coaching:feedback_round", "hr", args=("feedback_closed",), form=False, label="results"),
    Case(
        "coaching:feedback_round",
        "hr",
        "POST",
        args=("feedback_draft",),
        page="coaching:feedback_round",
        page_args=("feedback_draft",),
    ),
    Case(
        "coaching:feedback_round_step",
        "hr",
        "POST",
        args=("feedback_draft",),
        page="coaching:feedback_round_step",
        page_args=("feedback_draft",),
        page_query=lambda world: {"action": "open"},
        refused_unspoiled=(
            "The world's open round covers today: a second round over the same days is "
            "refused (issue 18 §2, two rounds subtracted); tests/feedback opens rounds."
        ),
    ),
    Case(
        "coaching:feedback_round_step",
        "hr",
        "POST",
        args=("feedback_open",),
        page="coaching:feedback_round_step",
        page_args=("feedback_open",),
        page_query=lambda world: {"action": "close"},
        label="close",
    ),
    Case(
        "coaching:feedback_round_step",
        "hr",
        args=("feedback_draft",),
        query=lambda world: {"action": "open"},
        form=False,
        label="confirm-open",
    ),
    Case(
        "coaching:feedback_round_step",
        "hr",
        args=("feedback_open",),
        query=lambda world: {"action": "close"},
        form=False,
        label="confirm-close",
    ),
    Case(
        "coaching:feedback_round_delete",
        "hr",
        "POST",
        args=("feedback_draft",),
        page="coaching:feedback_round_delete",
        page_args=("feedback_draft",),
    ),
    Case("coaching:feedback_todo", "report", form=False),
    Case(
        "coaching:feedback_answer",
        "report",
        "POST",
        args=("feedback_open",),
        page="coaching:feedback_answer",
        page_args=("feedback_open",),
        fill=lambda world: {
            f"score_{pk}": "4" for pk in world.feedback_open.questions.values_list("pk", flat=True)
        },
    ),
    Case("coaching:feedback_mine", "manager", form=False),
    Case("reviews:export_job", "hr", args=("export_job",), form=False),
    Case(
        "reviews:export_job_rerun",
        "hr",
        "POST",
        args=("failed_export_job",),
        page="reviews:export",
    ),
    Case(
        "reviews:outbox_resend",
        "hr",
        "POST",
        args=("failed_message",),
        page="reviews:jobs",
    ),
    Case(
        "reviews:export_download",
        "hr",
        args=("export_job",),
        form=False,
        refused_unspoiled="the finished job's file is not on disk: 404, as for an expired one",
    ),
    # --- cycle results (issue 17 §3) ---------------------------------------------------
    Case("reviews:result_list", "hr", reads=("page",)),
    Case("reviews:result_list", "manager", reads=("page",), label="manager"),
    Case("reviews:result_detail", "manager", args=("result",), form=False),
    Case("reviews:result_print", "report", args=("published_result",), form=False),
    Case("reviews:result_pdf", "report", args=("published_result",), form=False, examples=1),
    Case(
        "reviews:result_propose",
        "manager",
        "POST",
        args=("result",),
        page="reviews:result_detail",
        page_args=("result",),
        fill=lambda world: {"rating": "Meets expectations", "comment": "A solid year."},
    ),
    Case(
        "reviews:result_acknowledge",
        "report",
        "POST",
        args=("published_result",),
        page="reviews:result_detail",
        page_args=("published_result",),
        fill=lambda world: {"comment": "Fair."},
    ),
    Case(
        "reviews:results_prepare",
        "hr",
        "POST",
        args=("last_cycle",),
        page="reviews:result_list",
        page_query=lambda world: {"cycle": str(world.last_cycle.pk)},
        fill=lambda world: {"refresh_proposed": "on"},
    ),
    Case("reviews:table_pdf", "report", args=("review_table",), form=False, examples=1),
    Case("reviews:table_print", "report", args=("review_table",), form=False),
    Case("reviews:table_detail", "report", args=("draft_table",), form=False, label="read"),
    Case(
        "reviews:table_detail",
        "report",
        "POST",
        args=("draft_table",),
        fixed=("then_submit", "carried"),
        label="save",
        examples=6,
    ),
    Case(
        "reviews:table_detail",
        "report",
        "POST",
        args=("draft_table",),
        only=("carried",),
        label="save-extra-carried-form",
    ),
    Case(
        "reviews:table_detail",
        "report",
        "POST",
        args=("draft_table",),
        button="then_submit",
        label="save-and-submit",
        refused_unspoiled="the table is not complete: the submission is refused",
    ),
    Case(
        "reviews:table_review",
        "manager",
        "POST",
        args=("review_table",),
        page="reviews:table_detail",
        page_args=("review_table",),
        label="return",
        fill=lambda world: {"comment": "Please give the reasons for the gap.", "action": "return"},
    ),
    Case(
        "reviews:table_review",
        "manager",
        "POST",
        args=("review_table",),
        page="reviews:table_detail",
        page_args=("review_table",),
    ),
    Case(
        "reviews:inquiry_new",
        "manager",
        "POST",
        args=("review_table",),
        page="reviews:table_detail",
        page_args=("review_table",),
        fill=lambda world: {"question": "Which clients postponed?"},
    ),
    Case(
        "reviews:inquiry_answer",
        "report",
        "POST",
        args=("inquiry",),
        page="reviews:table_detail",
        page_args=("review_table",),
        fill=lambda world: {"answer": "Two clients postponed to April."},
    ),
]
