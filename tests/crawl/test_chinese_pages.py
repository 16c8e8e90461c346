"""No English on a Chinese page: every page an employee, a manager and HR reach, in zh-hans;
and one way of writing a date on the English pages.

The seeded demo is crawled in-process (tests/crawl/crawler.py, no browser) as each
role with Simplified Chinese chosen, and every text a person reads on a page —
text nodes, and the attributes a screen reader or a phone layout shows (``title``,
``aria-label``, ``placeholder``, ``alt``, ``data-label``, a button's value) — is
searched for English words. What people wrote is not the
product's to translate: a run found in any text the database holds (names,
objective titles, notes, messages) is data and passes, and so does an element
marked ``translate="no"`` or ``lang`` of another language. What is left is a
missing ``{% translate %}``, a msgid without its Chinese, or a sentence built in
Python without gettext.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from accounts.models import Notification, User
from tests.crawl.crawler import Crawler, CrawlResult, Link
from tests.crawl.test_demo_crawl import ROLES, _state_of, demo  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CHINESE_ROLES = ("employee", "manager", "HR")
# The fewest pages each crawl must read, so that a lost start page cannot pass by reading none.
AT_LEAST = {"employee": 35, "manager": 80, "HR": 60}

# Words that are English in Chinese too: the product's name, formats, protocols.
ALLOWED = re.compile(
    r"Coaching Cycles|XLSX|CSV|PDF|API|JSON|HTTPS?|Webhook|Slack|Microsoft Teams|Teams|"
    r"Adaptive Card|iCalendar|ICS|Outlook|Google Calendar|Apple Calendar|htmx|Celery|Redis|"
    r"WeasyPrint|SMTP|HMAC|SHA-256|UTC|ISO 8601|Bearer|Authorization|Content-Type|UTF-8|"
    r"Excel|POST|redis|X-Coaching-Signature|YYYY-MM(?:-DD)?|python manage\.py \S+(?: --\S+)*|"
    r"make \w+|"
    # A language named in its own words, where a person picks theirs.
    r"English|"
    # The values an imported file may hold, quoted as they are typed.
    r"\b(?:yes|no|true|false|y|n|x|active|inactive)\b"
)
SKIPPED = re.compile(r"\S+@\S+|https?://\S+|/[\w/.?=&-]+|\{[^}]*\}")
# One English word or more in a row (a lone "Save" is as English as a sentence).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \t\n,;:.!?()-]+[A-Za-z][A-Za-z'’]*)*")
# A date written otherwise than Chinese writes it ("11/30/2026", "2026/11/30", "2026-11").
FOREIGN_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b|\b\d{4}-\d{2}\b")
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label")
NOT_TEXT = {"script", "style", "textarea", "code", "pre", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Words(HTMLParser):
    """The texts of a page a person reads, with data marked ``translate="no"`` left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content skipped?

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        skip = (
            self._skipping()
            or tag in NOT_TEXT
            or a.get("translate") == "no"
            # Written in another language on purpose (the language switch says "English").
            or (bool(a.get("lang")) and not a["lang"].startswith("zh"))
        )
        if not skip:
            self.texts.extend(a[name] for name in READ_ATTRIBUTES if a.get(name))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.texts.append(a["value"])
        if tag not in VOID:
            self._stack.append(skip)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data)


# Texts the product wrote and stored in the writer's language: data only when shown whole
# (a notification as it was sent), never a source of English words to let pass.
WRITTEN_BY_THE_PRODUCT = {"accounts.notification", "reviews.jobrun", "accounts.outboxmessage"}


def _database_texts() -> tuple[str, set[str]]:
    """Every text the database holds, one per line (what people and the demo wrote), and
    the product's own stored sentences, each whole."""
    texts: set[str] = set()
    whole: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "plans", "coaching", "reviews", "auth"}:
            continue
        into = whole if model._meta.label_lower in WRITTEN_BY_THE_PRODUCT else texts
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            for value in row:
                _collect(value, into)
    blob = "\n".join(" ".join(text.split()) for text in texts)
    return blob, {" ".join(text.split()) for text in whole}


def _collect(value: object, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            into.add(str(key))
            _collect(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, into)


def english_runs(html: str, data: str, whole: set[str]) -> list[str]:
    """Runs of two or more English words in ``html`` that are not data (found in ``data``,
    or the whole text is one of ``whole``)."""
    parser = _Words()
    parser.feed(html)
    found: list[str] = []
    for text in parser.texts:
        text = " ".join(text.split())
        if text in whole or text in data:
            continue
        found.extend(match.group() for match in FOREIGN_DATE.finditer(SKIPPED.sub(" ", text)))
        text = ALLOWED.sub(" ", SKIPPED.sub(" ", text))
        for match in ENGLISH_RUN.finditer(text):
            run = match.group().strip(" ,;:.!?()-")
            if run and run not in data:
                found.append(run)
    return found


def _crawl(role: str, language: str, check: Callable[[Link, str], None]) -> CrawlResult:
    """Every page ``role`` reaches from the home page and its notifications, in ``language``."""
    user = User.objects.get(email=ROLES[role])
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    # A notification leads to its address (as in the demo crawl).
    sent = Notification.objects.filter(recipient=user).exclude(url="").values_list("url", flat=True)
    return Crawler(
        client=client,
        role=role,
        state_of=_state_of(user),
        # The PDFs are the printable pages, crawled as HTML: not again here.
        once_for_all=lambda match, query: (
            match.view_name == "reviews:table_pdf" or query.get("format") == "pdf"
        ),
        shared=set(),
        signed_in=True,
        on_page=check,
    ).run("/", also=[Link(url, source="a notification") for url in sent])


@pytest.mark.parametrize("role", CHINESE_ROLES)
def test_no_english_sentence_on_a_chinese_page(demo, role):  # noqa: F811 - the fixture
    data, whole = _database_texts()
    english: dict[str, str] = {}

    def check(link: Link, html: str) -> None:
        for run in english_runs(html, data, whole):
            english.setdefault(run, link.url)
        if "---------" in html:  # Django's blank choice: a choice in no language
            english.setdefault("--------- (a blank choice: give it an empty_label)", link.url)

    result = _crawl(role, "zh-hans", check)
    assert len(result.urls) >= AT_LEAST[role]
    assert not english, f"[{role}] {len(english)} English run(s) on Chinese pages:\n" + "\n".join(
        f"  {run!r}  on {url}" for run, url in sorted(english.items(), key=lambda kv: kv[1])
    )


# Dates in English written otherwise than "30 Nov 2026" / "November 2026".
OTHER_ENGLISH_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b|\b\d{4}-\d{2}\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b"
)


def test_one_date_format_on_english_pages(demo):  # noqa: F811 - the fixture
    """A manager's pages in English write every date one way (not "11/30/2026" beside
    "Nov. 30, 2026")."""
    data, whole = _database_texts()
    other: dict[str, str] = {}

    def check(link: Link, html: str) -> None:
        parser = _Words()
        parser.feed(html)
        for text in parser.texts:
            text = " ".join(text.split())
            if text not in whole and text not in data:
                for match in OTHER_ENGLISH_DATE.finditer(SKIPPED.sub(" ", text)):
                    other.setdefault(match.group(), link.url)

    result = _crawl("manager", "en", check)
    assert len(result.urls) >= AT_LEAST["manager"]
    assert not other, "\n".join(f"  {date!r}  on {url}" for date, url in sorted(other.items()))


def test_the_check_finds_english_and_lets_data_pass():
    html = (
        '<nav aria-label="breadcrumb"><a>首页</a></nav><p>保存 Save now</p>'
        '<p>Orders won · 实际</p><select><option lang="en">English</option></select>'
        '<p translate="no">Sent as written</p><code>month_end</code><p>导出 XLSX</p>'
    )
    assert english_runs(html, "Orders won\nEmma Wilson", set()) == ["breadcrumb", "Save now"]
