"""Upward feedback on coaching (issue 18 §2): HR's rounds, the employee's answer sheet,
the manager's results. No view here reads a filter, a date range or a page number:
results are only ever those of whole, fixed groups (``coaching.feedback_results``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from coaching.feedback import (
    AlreadyAnswered,
    NoQuestions,
    RoundNotDraft,
    RoundNotDue,
    RoundNotOpen,
    RoundsOverlap,
    feedback_answer_submit,
    feedback_round_close,
    feedback_round_create,
    feedback_round_delete,
    feedback_round_open,
    feedback_round_update,
    get_participation_for_user,
    get_round_for_hr,
    groups_of_manager,
    groups_of_round,
    may_read_own_results,
    require_hr,
    round_answered_count,
    rounds_listed,
    rounds_to_answer,
)
from coaching.feedback_groups import SETTLED_DAYS, settled_reports
from coaching.feedback_models import FeedbackRound
from coaching.feedback_results import group_results, results_charts
from coaching.forms.feedback import FeedbackAnswerForm, FeedbackRoundForm, QuestionFormSet

TODO = "coaching:feedback_todo"


def _already_answered(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _("You have already answered this round. Answers cannot be seen or changed afterwards."),
    )
    return redirect(TODO)


def _no_longer_changes(feedback_round: FeedbackRound) -> str:
    if feedback_round.state == FeedbackRound.State.CLOSED:
        return _("The round is closed: its questions no longer change.")
    return _("The round is open: its questions no longer change.")


@login_required
def feedback_round_list(request: HttpRequest) -> HttpResponse:
    """HR: every round, newest first."""
    require_hr(user_of(request))
    return render(request, "coaching/feedback_round_list.html", {"rounds": rounds_listed()})


@login_required
def feedback_round_new(request: HttpRequest) -> HttpResponse:
    """HR: a new round, a draft starting with the three default questions."""
    user = user_of(request)
    require_hr(user)
    form = FeedbackRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        feedback_round = feedback_round_create(
            actor=user,
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            min_answers=data["min_answers"],
        )
        messages.success(
            request, _("The round is saved as a draft. Check its questions, then open it.")
        )
        return redirect(feedback_round)
    return render(request, "coaching/feedback_round_new.html", {"form": form})


@login_required
def feedback_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: a draft's form and questions; an open round's count; a closed round's results."""
    feedback_round = get_round_for_hr(user_of(request), pk)
    is_draft = feedback_round.state == FeedbackRound.State.DRAFT
    if request.method == "POST" and not is_draft:
        messages.error(request, _no_longer_changes(feedback_round))
        return redirect(feedback_round)
    context: dict[str, object] = {
        "round": feedback_round,
        "settled_days": SETTLED_DAYS,
        "today": timezone.localdate(),
    }
    if is_draft:
        data = request.POST if request.method == "POST" else None
        form = FeedbackRoundForm(data, instance=feedback_round)
        questions = QuestionFormSet(data, queryset=feedback_round.questions.all(), prefix="q")
        context.update(form=form, questions=questions)
        if data is not None and form.is_valid() and questions.is_valid():
            try:
                feedback_round_update(
                    feedback_round=feedback_round,
                    version=form.cleaned_data.get("version"),
                    form=form,
                    questions=questions,
                )
            except StaleEditError:
                return refused_as_stale(request, "coaching/feedback_round.html", context)
            except RoundNotDraft:
                feedback_round.refresh_from_db(fields=["state"])
                messages.error(request, _no_longer_changes(feedback_round))
                return redirect(feedback_round)
            messages.success(request, _("The round and its questions are saved."))
            return redirect(feedback_round)
    else:
        results = group_results(groups_of_round(feedback_round))
        context.update(results=results, charts=results_charts(results))
        if feedback_round.state == FeedbackRound.State.CLOSED:
            # Never while open: a count watched live tells who answered when.
            context.update(
                answered=round_answered_count(feedback_round),
                invited=sum(result.group.invited for result in results),
            )
    return render(request, "coaching/feedback_round.html", context)


def _refused_step(feedback_round: FeedbackRound, action: str | None) -> str | None:
    """Why ``action`` cannot be done to the round as it is now (None: it can)."""
    state = feedback_round.state
    if action == "open":
        if state == FeedbackRound.State.OPEN:
            return _("The round is open already.")
        if state == FeedbackRound.State.CLOSED:
            return _("The round is closed: it cannot be opened again.")
        return None
    if action == "close":
        if state == FeedbackRound.State.CLOSED:
            return _("The round is closed already.")
        if state == FeedbackRound.State.DRAFT:
            return _("Only an open round can be closed.")
        return None
    return _("Choose Open or Close.")


@login_required
def feedback_round_step(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: open a draft round, or close an open one — confirmed on this page (GET shows
    what will happen; POST does it)."""
    feedback_round = get_round_for_hr(user_of(request), pk)
    if request.method != "POST":
        action = request.GET.get("action")
        refused = _refused_step(feedback_round, action)
        if refused:
            messages.error(request, refused)
            return redirect(feedback_round)
        context: dict[str, object] = {"round": feedback_round, "action": action}
        if action == "open":
            context["invited"] = len(settled_reports(on=timezone.now()))
            context["opens_on"] = max(feedback_round.opens_on, timezone.localdate())
        else:
            context["closes_on"] = min(feedback_round.closes_on, timezone.localdate())
        return render(request, "coaching/feedback_round_step.html", context)
    action = request.POST.get("action")
    version_text = request.POST.get("version", "")
    version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else None
    try:
        if action == "open":
            invited = feedback_round_open(
                actor=user_of(request), feedback_round=feedback_round, version=version
            )
            messages.success(
                request,
                ngettext(
                    "The round is open: %(count)s person was invited.",
                    "The round is open: %(count)s people were invited.",
                    invited,
                )
                % {"count": invited},
            )
        elif action == "close":
            if feedback_round_close(feedback_round=feedback_round, version=version):
                messages.success(request, _("The round is closed: no more answers are taken."))
            else:
                feedback_round.refresh_from_db(fields=["state"])
                messages.error(request, _refused_step(feedback_round, "close") or "")
        else:
            messages.error(request, _("Choose Open or Close."))
    except StaleEditError:
        messages.error(request, _("The round changed meanwhile. Look again, then try again."))
    except RoundNotDraft:
        feedback_round.refresh_from_db(fields=["state"])
        messages.error(request, _refused_step(feedback_round, "open") or "")
    except NoQuestions:
        messages.error(request, _("Add at least one question before opening the round."))
    except RoundsOverlap as overlap:
        other = overlap.other
        messages.error(
            request,
            _(
                "This round's days (%(opens)s – %(closes)s) overlap those of the round "
                "“%(other)s” (%(other_opens)s – %(other_closes)s). Two rounds over the same "
                "days would let their results be subtracted to reveal one person's answer: "
                "choose days after %(other_closes)s, then open it."
            )
            % {
                "opens": _short(max(feedback_round.opens_on, timezone.localdate())),
                "closes": _short(feedback_round.closes_on),
                "other": other.name,
                "other_opens": _short(other.opens_on),
                "other_closes": _short(other.closes_on),
            },
        )
    except RoundNotDue as due:
        if due.opens_on > timezone.localdate():
            text = _("This round opens on %(day)s: open it on that day or later.")
            day = due.opens_on
        else:
            text = _("This round's closing day, %(day)s, has passed: change it, then open it.")
            day = due.closes_on
        messages.error(request, text % {"day": _short(day)})
    return redirect(feedback_round)


def _short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@login_required
def feedback_round_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: delete a draft round, after confirming on this page."""
    feedback_round = get_round_for_hr(user_of(request), pk)
    if feedback_round.state != FeedbackRound.State.DRAFT:
        messages.error(request, _("Only a draft round can be deleted."))
        return redirect(feedback_round)
    if request.method == "POST":
        version_text = request.POST.get("version", "")
        version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else None
        try:
            feedback_round_delete(feedback_round=feedback_round, version=version)
        except StaleEditError:
            messages.error(request, _("The round changed meanwhile. Look again, then try again."))
            return redirect(feedback_round)
        except RoundNotDraft:
            messages.error(request, _("Only a draft round can be deleted."))
            return redirect(feedback_round)
        messages.success(request, _("The draft round is deleted."))
        return redirect("coaching:feedback_round_list")
    return render(request, "coaching/feedback_round_delete.html", {"round": feedback_round})


@login_required
def feedback_todo(request: HttpRequest) -> HttpResponse:
    """Anyone: the open rounds they were invited to and have not answered."""
    participations = rounds_to_answer(user_of(request))
    return render(request, "coaching/feedback_todo.html", {"participations": participations})


@login_required
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited person's answer sheet for round ``pk``: once, while it is open."""
    participation = get_participation_for_user(user_of(request), pk)
    feedback_round = participation.round
    if participation.answered:
        return _already_answered(request)
    closing_passed = feedback_round.closes_on < timezone.localdate()
    if feedback_round.state != FeedbackRound.State.OPEN or closing_passed:
        messages.info(request, _("This round is not taking answers."))
        return redirect(TODO)
    questions = list(feedback_round.questions.all())
    form = FeedbackAnswerForm(
        request.POST if request.method == "POST" else None, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            feedback_answer_submit(participation=participation, answers=form.answers())
        except AlreadyAnswered:
            return _already_answered(request)
        except RoundNotOpen:
            messages.info(request, _("This round closed before your answer arrived."))
            return redirect(TODO)
        messages.success(request, _("Thank you: your answer is in, without your name."))
        return redirect(TODO)
    return render(
        request,
        "coaching/feedback_answer.html",
        {"round": feedback_round, "manager": participation.group.manager, "form": form},
    )


@login_required
def feedback_mine(request: HttpRequest) -> HttpResponse:
    """A manager: the results of their own groups, round by round."""
    user = user_of(request)
    if not may_read_own_results(user):
        raise PermissionDenied
    results = group_results(groups_of_manager(user))
    return render(
        request,
        "coaching/feedback_mine.html",
        {"results": results, "charts": results_charts(results)},
    )
