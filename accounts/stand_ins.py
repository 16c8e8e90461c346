"""Who receives what was addressed to someone who has left, and how it is worded.

Nobody inactive is ever e-mailed or notified (issue 15, section 3, "Nobody
inactive is ever e-mailed or notified"): ``accounts.services.notify_each`` and
``accounts.notifications.reminders_send``, the two doors every notice passes,
hand what is addressed to an inactive person to the next *active* person up
that person's reporting line, or to HR when there is nobody, saying in whose
place it comes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise

from accounts.models import HR_GROUP_NAME, User
from accounts.selectors import nearest_active_manager
from accounts.texts import message_text

logger = logging.getLogger(__name__)

# What a stand-in reads: the original text, said to be in the absent person's place.
IN_PLACE_OF = gettext_noop("In place of %(absent)s, who has left: %(inner)s")
# The first line of a forwarded e-mail: why it comes to this person.
VIA_MANAGER = gettext_noop(
    "This was meant for %(absent)s, who is no longer active; it comes to you as the next "
    "person up their reporting line."
)
VIA_HR = gettext_noop(
    "This was meant for %(absent)s, who is no longer active and has nobody active above "
    "them; it comes to HR."
)


class Later:
    """A message translated when it is written out, in the language active then.

    Put into the parameters of another message (``%(inner)s``), it is written in
    each recipient's language, as the outer message is.
    """

    def __init__(self, message: StrOrPromise, params: dict[str, Any]) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return message_text(self.message, self.params)


@dataclass(frozen=True)
class StandIn:
    """Who receives in the place of one absent person; ``via_hr`` when nobody above is active."""

    absent: User
    recipients: list[User]
    via_hr: bool

    @property
    def reason(self) -> str:
        """The untranslated line saying why it comes to them (``%(absent)s``)."""
        return VIA_HR if self.via_hr else VIA_MANAGER


def active_hr_people() -> list[User]:
    """Everyone active in the HR group, in a stable order."""
    return list(
        User.objects.filter(groups__name=HR_GROUP_NAME, is_active=True).order_by("pk").distinct()
    )


class StandIns:
    """Finds and remembers the stand-ins of absent people (two queries a person, once)."""

    def __init__(self) -> None:
        self._found: dict[int, StandIn] = {}
        self._hr: list[User] | None = None

    def of(self, absent: User) -> StandIn:
        """The next active person up ``absent``'s line, or every active HR person."""
        if absent.pk not in self._found:
            manager = nearest_active_manager(absent)
            if manager is not None:
                stand_in = StandIn(absent, [manager], via_hr=False)
            else:
                if self._hr is None:
                    self._hr = active_hr_people()
                hr = [person for person in self._hr if person.pk != absent.pk]
                stand_in = StandIn(absent, hr, via_hr=True)
                if not hr:
                    logger.warning("Nobody active above %s and no one in HR: not sent", absent.pk)
            self._found[absent.pk] = stand_in
        return self._found[absent.pk]


def in_place_of(absent: User, message: StrOrPromise, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of ``IN_PLACE_OF`` around ``message`` (untranslated) and its ``params``.

    ``message`` may name the absent person too, as ``%(absent)s``.
    """
    name = absent.full_name or absent.email
    return {"absent": name, "inner": Later(message, {**params, "absent": name})}
