"""HR carries 2026 forward into 2027 on the carry page: chooses, reads the preview,
carries, and reads what was done (issue 17 §2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Notification
from plans.models import ObjectiveChange, PerformancePlan, PhaseTarget, PlanReopening
from plans.services import plan_confirm, plan_get_or_create
from tests.factories import make_cycle, make_objective
from tests.webtest_helpers import (
    another_browser,
    choose,
    errors_beside,
    form_by_testid,
    messages,
    options,
    press,
)

pytestmark = pytest.mark.django_db

STALE = (
    "Someone saved this while you were editing it: another person, or you in another tab. "
    "Nothing of yours was saved: your input is still below. Open the page again in a new "
    "tab to see what changed, then save yours."
)


def carry_page(django_app, user, cycle, **kwargs):
    return django_app.get(reverse("plans:cycle_carry", args=[cycle.pk]), user=user, **kwargs)


def preview(django_app, hr, cycle, which="Unfinished ones (in progress)", source=None):
    page = carry_page(django_app, hr, cycle)
    form = form_by_testid(page, "carry-choose")
    if source is not None:
        choose(form, "source", source)
    choose(form, "which", which)
    return press(form, "Show what would be copied")


def carry(page, **kwargs):
    return press(form_by_testid(page, "carry-form"), "Carry forward", **kwargs)


def shown(page, testid):
    return " ".join(page.html.select_one(f"[data-testid={testid}]").get_text(" ").split())


def copies_of(cycle):
    return {o.title: o for o in cycle.objectives.select_related("carried_from", "parent")}


def test_the_cycle_page_leads_to_the_carry_page_which_offers_the_cycle_before(
    django_app, hr, year, next_year
):
    make_cycle(2025, state="closed")
    page = django_app.get(next_year.get_absolute_url(), user=hr).click(description="Carry forward")
    form = form_by_testid(page, "carry-choose")
    assert options(form, "source") == ["2026", "2025"]
    assert form["source"].value == str(year.cycle.pk)  # the latest that ends before 2027
    assert options(form, "which") == [
        "None",
        "Unfinished ones (in progress)",
        "All but dropped ones",
    ]
    assert form["which"].value == "unfinished"
    assert not page.html.select("[data-testid=carry-preview]")  # a preview first


def test_unfinished_objectives_are_previewed_then_carried_with_their_alignment(
    django_app, hr, manager, report, indirect_report, year, next_year
):
    page = preview(django_app, hr, next_year)
    assert shown(page, "carry-objectives") == "3"
    assert shown(page, "carry-people") == "2"
    assert shown(page, "carry-departments") == "1"
    assert shown(page, "carry-aligned") == "2"
    assert shown(page, "carry-skipped") == (
        "Person or department Why Paul Peer has left the organisation"
    )
    assert not ObjectiveChange.objects.filter(objective__cycle=next_year).exists()  # a look only

    done = carry(page).follow()
    assert messages(done) == [
        "3 objectives were carried forward from 2026 — Unfinished ones (in progress).",
        "1 person or department was skipped: the carry-forward page says why.",
    ]
    assert shown(done, "carried-summary").startswith("Carried forward from 2026 on") and shown(
        done, "carried-summary"
    ).endswith(": 3 objectives — Unfinished ones (in progress).")
    copies = copies_of(next_year)
    assert set(copies) == {"Grow sales", "Orders won", "Training"}
    assert copies["Orders won"].carried_from == year.orders
    assert copies["Orders won"].parent == copies["Grow sales"]
    assert copies["Training"].parent == copies["Orders won"]
    assert copies["Grow sales"].parent is None
    next_year.refresh_from_db()
    assert (next_year.carried_from, next_year.carry_forward) == (year.cycle, "unfinished")
    assert next_year.carried_at is not None


def test_a_copy_keeps_weight_measure_target_description_and_owner_and_spreads_its_target(
    django_app, hr, manager, report, year, next_year
):
    carry(preview(django_app, hr, next_year))
    orders = next_year.objectives.get(title="Orders won")
    assert (orders.weight, orders.measure, orders.unit, orders.target) == (
        60,
        "number",
        "orders",
        Decimal(120),
    )
    assert (orders.description, orders.owner, orders.employee, orders.status) == (
        "New customers only.",
        manager,
        report,
        "active",
    )
    assert orders.created_by == hr
    targets = list(PhaseTarget.objects.filter(objective=orders).values_list("month", "planned"))
    assert len(targets) == 12
    assert targets[0] == (dt.date(2027, 1, 1), Decimal(10))
    assert targets[-1] == (dt.date(2027, 12, 1), Decimal(120))
    plan = PerformancePlan.objects.get(cycle=next_year, employee=report)
    assert not (plan.employee_confirmed_at or plan.manager_confirmed_at)  # starts unconfirmed


def test_all_but_dropped_carries_the_achieved_ones_too_and_a_milestone_is_due_at_the_end(
    django_app, hr, year, next_year
):
    page = preview(django_app, hr, next_year, which="All but dropped ones")
    assert shown(page, "carry-objectives") == "6"
    carry(page)
    copies = copies_of(next_year)
    assert set(copies) == {
        "Grow sales",
        "Open an office",
        "Orders won",
        "Quality",
        "Calls made",
        "Training",
    }
    assert all(copy.status == "active" for copy in copies.values())
    office = list(copies["Open an office"].targets.values_list("planned", flat=True))
    assert office == [Decimal(0)] * 11 + [Decimal(1)]
    next_year.refresh_from_db()
    assert next_year.carry_forward == "all"


def test_a_preview_of_none_offers_no_carry_and_carrying_none_records_nothing(
    django_app, hr, year, next_year
):
    page = preview(django_app, hr, next_year, which="None")
    assert shown(page, "carry-objectives") == "0"
    assert shown(page, "carry-nothing") == "Nothing to carry forward."
    assert not page.html.select("form[data-testid=carry-form]")
    # Sent anyway (an old tab): nothing copied, nothing recorded.
    form = form_by_testid(preview(django_app, hr, next_year), "carry-form")
    form["which"] = "none"
    done = form.submit().follow()
    assert messages(done) == ["Nothing was carried forward."]
    assert not next_year.objectives.exists()
    next_year.refresh_from_db()
    assert (next_year.carried_from, next_year.carry_forward, next_year.carried_at) == (
        None,
        "",
        None,
    )
    assert not done.html.select("[data-testid=carried-summary]")


def test_each_copy_has_a_created_entry_in_its_history_naming_the_cycle_before(
    django_app, hr, year, next_year
):
    carry(preview(django_app, hr, next_year))
    orders = next_year.objectives.get(title="Orders won")
    change = ObjectiveChange.objects.get(objective=orders)
    assert change.changed_by == hr
    assert change.changes == {"created": [None, "Orders won"], "carried_from": [None, "2026"]}
    page = django_app.get(orders.get_absolute_url(), user=hr)
    assert shown(page, "changes").endswith(
        "Objective created: Orders won Carried forward from: 2026"
    )


def test_running_it_twice_creates_nothing_twice(django_app, hr, year, next_year):
    carry(preview(django_app, hr, next_year))
    again = preview(django_app, hr, next_year)
    assert shown(again, "carry-objectives") == "0"
    assert shown(again, "carry-already") == "3"
    assert "Rob Report already carried forward" in shown(again, "carry-skipped")
    assert shown(again, "carry-nothing") == "Nothing to carry forward."
    assert not again.html.select("form[data-testid=carry-form]")
    assert next_year.objectives.count() == 3
    assert ObjectiveChange.objects.filter(objective__cycle=next_year).count() == 3


def test_all_after_unfinished_adds_only_the_rest_and_the_cycle_keeps_the_wider_choice(
    django_app, hr, year, next_year
):
    carry(preview(django_app, hr, next_year))
    carry(preview(django_app, hr, next_year, which="All but dropped ones"))
    assert next_year.objectives.count() == 6
    assert shown(preview(django_app, hr, next_year), "carry-nothing") == (
        "Nothing to carry forward."
    )
    next_year.refresh_from_db()
    assert next_year.carry_forward == "all"


def test_a_copy_whose_original_was_aligned_to_an_objective_left_behind_is_aligned_to_nothing(
    django_app, hr, year, next_year
):
    year.grow.status = "achieved"
    year.grow.save(update_fields=["status"])
    page = preview(django_app, hr, next_year)
    assert shown(page, "carry-unaligned") == (
        "1 copy will be aligned to nothing: the objective its original was aligned to is not "
        "carried forward. Orders won · Rob Report"
    )
    done = carry(page).follow()
    assert (
        "1 copy is aligned to nothing: the objective it was aligned to was not carried forward."
        in messages(done)
    )
    copies = copies_of(next_year)
    assert copies["Orders won"].parent is None
    assert copies["Training"].parent == copies["Orders won"]


def test_a_person_whose_plan_would_weigh_over_100_is_skipped_whole(
    django_app, hr, report, year, next_year
):
    make_objective(next_year, employee=report, title="New market", weight=50)
    page = preview(django_app, hr, next_year)
    assert "Rob Report the plan in this cycle would weigh 110 with the copies, more than 100" in (
        shown(page, "carry-skipped")
    )
    carry(page)
    assert set(next_year.objectives.filter(employee=report).values_list("title", flat=True)) == {
        "New market"
    }
    # Ivy's "Training" was aligned to Rob's "Orders won", which stayed behind.
    assert next_year.objectives.get(title="Training").parent is None


def test_a_confirmed_plan_in_the_new_cycle_is_reopened_never_silently_agreed(
    django_app, hr, manager, report, year, next_year
):
    year.orders.weight = 0  # a copy of weight 0 keeps the agreed 100
    year.orders.save(update_fields=["weight"])
    make_objective(next_year, employee=report, title="New market", weight=100)
    plan = plan_get_or_create(cycle=next_year, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    done = carry(preview(django_app, hr, next_year)).follow()
    assert (
        "1 plan had been confirmed: its confirmation was cleared, and both sides confirm it "
        "again." in messages(done)
    )
    plan.refresh_from_db()
    assert not (plan.employee_confirmed_at or plan.manager_confirmed_at)
    reopening = PlanReopening.objects.get(plan=plan)
    assert (reopening.cause, reopening.weight_total, reopening.objective_title) == (
        "changed",
        100,
        "Orders won",
    )
    told = set(Notification.objects.values_list("recipient__full_name", flat=True))
    assert told == {"Rob Report", "Maria Manager"}
    page = django_app.get(reverse("plans:my_objectives") + f"?cycle={next_year.pk}", user=report)
    assert "Plan not confirmed yet" in shown(page, "plan-status")


def test_an_agreed_plan_the_copies_would_take_over_100_is_skipped_and_stays_agreed(
    django_app, hr, manager, report, year, next_year
):
    objective = make_objective(next_year, employee=report, title="New market", weight=100)
    plan = plan_get_or_create(cycle=next_year, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    carry(preview(django_app, hr, next_year))
    plan.refresh_from_db()
    assert plan.is_agreed
    assert list(next_year.objectives.filter(employee=report)) == [objective]


def test_a_closed_cycle_offers_no_carry_and_refuses_one_sent_anyway(
    django_app, client, hr, year, next_year
):
    next_year.state = "closed"
    next_year.save(update_fields=["state"])
    page = carry_page(django_app, hr, next_year)
    assert shown(page, "carry-closed") == "This cycle is closed: nothing can be carried into it."
    assert not page.html.select("form[data-testid^=carry]")
    cycle_page = django_app.get(next_year.get_absolute_url(), user=hr)
    assert cycle_page.html.find("a", string="Carry forward") is None
    client.force_login(hr)
    url = reverse("plans:cycle_carry", args=[next_year.pk])
    response = client.post(
        url, {"source": year.cycle.pk, "which": "unfinished", "version": next_year.version}
    )
    assert response.status_code == 302
    assert not next_year.objectives.exists()
    next_year.refresh_from_db()
    assert next_year.carried_at is None


def test_a_second_tab_carrying_the_same_preview_is_refused_as_stale(
    django_app, hr, year, next_year
):
    first = preview(django_app, hr, next_year)
    second = preview(another_browser(django_app), hr, next_year)
    carry(first)
    refused = carry(second, status=409)
    assert refused.status_code == 409
    assert messages(refused) == [STALE]
    assert next_year.objectives.count() == 3
    assert shown(refused, "carry-objectives") == "0"  # the preview as it stands now


def test_a_preview_that_no_longer_holds_is_refused_and_shown_again(
    django_app, hr, report, year, next_year
):
    page = preview(django_app, hr, next_year)
    make_objective(year.cycle, employee=report, title="Referrals", weight=0)
    refused = carry(page)
    assert refused.status_code == 200
    assert messages(refused) == [
        "What would be carried forward changed since the preview was shown: nothing was "
        "copied. Read the preview again below, then carry forward."
    ]
    assert not next_year.objectives.exists()
    assert shown(refused, "carry-objectives") == "4"
    carry(refused)
    assert next_year.objectives.count() == 4


def test_once_carried_from_2026_it_cannot_be_carried_from_another_cycle(
    django_app, hr, manager, year, next_year
):
    older = make_cycle(2025, state="closed")
    make_objective(older, employee=manager, title="Hire two", weight=10)
    carry(preview(django_app, hr, next_year))
    refused = carry(preview(django_app, hr, next_year, source="2025", which="All but dropped ones"))
    assert messages(refused) == [
        "This cycle already holds objectives carried forward from 2026: carry forward from "
        "that cycle only."
    ]
    assert next_year.objectives.count() == 3


def test_a_cycle_can_only_be_carried_from_one_that_starts_before_it(django_app, hr, next_year):
    later = make_cycle(2028, state="planning")
    page = carry_page(django_app, hr, next_year)
    assert not page.html.select("form[data-testid^=carry]")
    assert shown(page, "carry-no-source") == (
        "No cycle starts before this one: there is nothing to carry forward from."
    )
    make_cycle(2026, state="closed")
    refused = django_app.get(
        reverse("plans:cycle_carry", args=[next_year.pk]),
        {"source": later.pk, "which": "all"},
        user=hr,
    )
    assert errors_beside(refused, "source") == ["Choose one of the earlier cycles listed."]
    assert not refused.html.select("[data-testid=carry-preview]")
