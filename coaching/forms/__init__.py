"""Forms of the coaching pages: sessions (and their bundle), quick notes, improvement plans."""

from coaching.forms.bundle import SessionFormBundle
from coaching.forms.plans import (
    ImprovementPlanFilterForm,
    ImprovementPlanForm,
    OverviewFilterForm,
)
from coaching.forms.sessions import (
    PLANNING_HORIZON_DAYS,
    AcknowledgeForm,
    ActionItemForm,
    ActionItemFormSet,
    QuickNoteForm,
    SessionForm,
    SessionObjectiveForm,
    duration_field,
)

__all__ = [
    "PLANNING_HORIZON_DAYS",
    "AcknowledgeForm",
    "ActionItemForm",
    "ActionItemFormSet",
    "ImprovementPlanFilterForm",
    "ImprovementPlanForm",
    "OverviewFilterForm",
    "QuickNoteForm",
    "SessionForm",
    "SessionFormBundle",
    "SessionObjectiveForm",
    "duration_field",
]
