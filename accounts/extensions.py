"""Extension points of the organisation's pages: how a higher app adds to them.

The rule is the product's one (see ``plans.extensions`` and the README's
layout section): the lower app names the point, the higher app registers into
it in its ``AppConfig.ready()``, and the lower app never imports the higher.
``LinkPoint`` and ``PageLink`` live here, at the bottom, so that every app can
offer points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, ParamSpec

from django.utils.safestring import SafeString

from accounts.models import OrgChange, User

P = ParamSpec("P")


@dataclass(frozen=True)
class PageLink:
    """A button-styled link: its text (already translated), address and button style."""

    label: str
    url: str
    style: str = "btn-outline-secondary"


class LinkPoint(Generic[P]):
    """A named place on a page where registered providers add links."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable[P, list[PageLink]]] = []

    def register(self, provider: Callable[P, list[PageLink]]) -> Callable[P, list[PageLink]]:
        """Add ``provider`` (once, however often an app's ``ready()`` runs); returns it."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def links(self, *args: P.args, **kwargs: P.kwargs) -> list[PageLink]:
        """Every registered provider's links for this page, in registration order."""
        return [link for provider in self._providers for link in provider(*args, **kwargs)]


person_actions: LinkPoint[[User, User]] = LinkPoint("person_actions")
"""Buttons of a person's page: ``(viewer, person)`` (HR's move and off-boarding)."""


@dataclass(frozen=True)
class PagePanel:
    """A section a higher app adds to a lower app's page: HTML that app rendered (and
    escaped) with its own template."""

    html: SafeString


class PanelPoint(Generic[P]):
    """A named place on a page where registered providers add whole sections."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable[P, list[PagePanel]]] = []

    def register(self, provider: Callable[P, list[PagePanel]]) -> Callable[P, list[PagePanel]]:
        """Add ``provider`` (once, however often an app's ``ready()`` runs); returns it."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def panels(self, *args: P.args, **kwargs: P.kwargs) -> list[PagePanel]:
        """Every registered provider's sections for this page, in registration order."""
        return [panel for provider in self._providers for panel in provider(*args, **kwargs)]


person_panels: PanelPoint[[User, User]] = PanelPoint("person_panels")
"""Sections of a person's page under their follow-up: ``(viewer, person)``. ``coaching``
shows the person's coaching trajectory (issue 17 §5) to whoever may read it."""


person_records: LinkPoint[[User, User]] = LinkPoint("person_records")
"""Records of higher apps about a person, listed under "Follow-up" on their page:
``(viewer, person)``. ``coaching`` lists the improvement plans the viewer may see."""


class ChangePoint:
    """A named moment of an organisation write where higher apps act on what changed.

    The writer (the import, the admin) calls ``run`` inside its transaction with
    the changes the assignment history recorded; each registered handler acts
    (``reviews.lifecycle`` routes tables, withdraws a leaver's) and returns a
    report whose ``str`` says what it did, for the writer to show. Explicit, typed
    and registered in ``ready()`` like the link points: not a Django signal.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[[list[OrgChange], User | None], object]] = []

    def register(
        self, handler: Callable[[list[OrgChange], User | None], object]
    ) -> Callable[[list[OrgChange], User | None], object]:
        """Add ``handler`` (once, however often an app's ``ready()`` runs); returns it."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def run(self, changes: list[OrgChange], by: User | None) -> list[str]:
        """Call every handler with ``changes``; what each says it did (empty ones left out)."""
        if not changes:
            return []
        said = (str(handler(changes, by)) for handler in self._handlers)
        return [text for text in said if text]


org_changed = ChangePoint("org_changed")
"""People moved, joined or left through an import or the admin: ``(changes, by)``."""
