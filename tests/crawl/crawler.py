"""A small crawler over Django's test client: every link a page renders, followed once per kind.

From a start page (and any addresses the product sends people, such as a
notification's) it follows every ``<a href>``, every ``hx-get`` (with the
``HX-Request`` header and the form htmx would include) and every GET form (its
default submission, then one other choice of a select or one more ticked box
at a time) on every page it reaches. It stays finite: each URL is resolved and
reduced to a *key* (URL name, which query parameters it has and whether they
are empty, htmx or not, and a state the caller computes, such as a review
table's status); only the first ``per_key`` URLs of a key are fetched. In the
admin, whose filter links combine every filter with every other, a URL is
fetched only if it brings a parameter not seen yet on that page.

It never follows logout, links off the site, static or media files. Downloads
(XLSX, CSV, PDF, calendar) are fetched and checked, not parsed. A problem is a
server error or an exception (such as tests/template_checks.py's), a refusal
(403, 404, 405) of a link the page showed, a signed-in person sent to log in,
an empty download or an unknown content type.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, ResolverMatch, resolve

SITE = "http://testserver/"
MAX_SELECT_VARIANTS = 50
HTML_TYPES = ("text/html",)
# Parameters by which the admin carries a list's filters or a pop-up along: no new page.
ADMIN_BOOKKEEPING = {"_changelist_filters", "_popup", "_to_field"}
DOWNLOAD_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "application/pdf",
    "text/calendar",
}


@dataclass(frozen=True)
class Link:
    """A URL to fetch, where it was found, and whether htmx asks for it."""

    url: str
    source: str
    htmx: bool = False
    what: str = "link"


@dataclass
class Problem:
    role: str
    link: Link
    what: str

    def __str__(self) -> str:
        how = " with HX-Request" if self.link.htmx else ""
        return (
            f"[{self.role}] GET {self.link.url}{how}\n"
            f"    ({self.link.what} on {self.link.source})\n    {self.what}"
        )


@dataclass
class CrawlResult:
    role: str
    fetched: list[tuple[Link, int, str, float]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def urls(self) -> set[tuple[str, bool]]:
        return {(link.url, link.htmx) for link, *_rest in self.fetched}


@dataclass
class _Form:
    """A form as a browser would submit it without anyone touching it."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    button: tuple[str, str] | None = None
    # name -> (position in fields, every option's value) for each single-choice select.
    selects: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    # Checkboxes left unticked: (name, value).
    unticked: list[tuple[str, str]] = field(default_factory=list)

    def submissions(self) -> Iterable[list[tuple[str, str]]]:
        """The default submission, then one per other option of each select and one per
        box left unticked: one choice changed at a time."""
        default = self.fields + ([self.button] if self.button and self.button[0] else [])
        yield default
        for at, options in self.selects.values():
            if len(options) > MAX_SELECT_VARIANTS:
                continue
            for value in options:
                if value != default[at][1]:
                    variant = list(default)
                    variant[at] = (variant[at][0], value)
                    yield variant
        for box in self.unticked:
            yield [*default, box]


class _PageLinks(HTMLParser):
    """The links of a page: anchors, hx-get and GET forms with their default values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        # Every id attribute, in page order: an id given twice breaks labels and ARIA.
        self.ids: list[str] = []
        self.hx_gets: list[tuple[str, _Form | None]] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: tuple[str, bool, list[str], list[int]] | None = None
        self._option_text = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "input" and "readonly" in a and a.get("value", "").startswith(SITE):
            # An address shown to be copied (a calendar feed) is opened, elsewhere.
            self.hrefs.append(a["value"])
        if tag == "form":
            self._form = _Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        if "hx-get" in a:
            # htmx sends the values of a form it is told to include (or that is the element).
            includes = tag == "form" or a.get("hx-include") == "closest form"
            self.hx_gets.append((a["hx-get"], self._form if includes else None))
        if self._form is None:
            return
        form, name = self._form, a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
                elif kind == "checkbox":
                    form.unticked.append((name, a.get("value", "on")))
            elif kind in ("submit", "image"):
                if form.button is None:
                    form.button = (name, a.get("value", ""))
            elif kind not in ("button", "reset", "file"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit" and form.button is None:
            form.button = (name, a.get("value", ""))
        elif tag == "select" and name and "disabled" not in a:
            self._select = (name, "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            # An option without a value submits its text (filled in by handle_data).
            self._option_text = "value" not in a
            self._select[2].append(a.get("value", ""))
            if "selected" in a:
                self._select[3].append(len(self._select[2]) - 1)
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        elif self._select is not None and self._option_text:
            self._select[2][-1] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option_text = False
        if self._form is None:
            return
        form = self._form
        if tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            if multiple:
                form.fields.extend((name, options[index]) for index in selected)
            elif options:
                form.selects[name] = (len(form.fields), options)
                form.fields.append((name, options[selected[-1] if selected else 0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            form.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def _is_skipped(url: str) -> bool:
    """Logout, off-site, static and media addresses, and pseudo-links."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return True
    path = parts.path
    prefixes = [p for p in (settings.STATIC_URL, getattr(settings, "MEDIA_URL", "")) if p]
    if any(path.startswith(str(p)) for p in prefixes if str(p) != "/"):
        return True
    return "logout" in path


def _is_login(url: str) -> bool:
    try:
        return resolve(urlsplit(url).path).url_name == "login"
    except Resolver404:
        return False


class Crawler:
    def __init__(
        self,
        *,
        client: Client,
        role: str,
        state_of: Callable[[ResolverMatch, dict[str, str]], Hashable] = lambda *args: None,
        per_key: int = 1,
        refusal_allowed: Callable[[Link, ResolverMatch, int], bool] = lambda *args: False,
        once_for_all: Callable[[ResolverMatch, dict[str, str]], bool] = lambda *args: False,
        shared: set[Hashable] | None = None,
        signed_in: bool = True,
        on_page: Callable[[Link, str], None] | None = None,
    ) -> None:
        """``once_for_all`` pages (slow ones) are fetched once across every crawl that
        passes the same ``shared`` set, rather than once per crawl. ``on_page`` is given
        each HTML page fetched (its link and its text), for checks of the page's words."""
        self.client = client
        self.role = role
        self.state_of = state_of
        self.per_key = per_key
        self.refusal_allowed = refusal_allowed
        self.once_for_all = once_for_all
        self.shared = shared if shared is not None else set()
        self.signed_in = signed_in
        self.on_page = on_page

    def key(self, link: Link, match: ResolverMatch) -> Hashable:
        """The kind of page: its name, which parameters it has (empty or not), the state."""
        query = parse_qsl(urlsplit(link.url).query, keep_blank_values=True)
        names = tuple(sorted({(name, bool(value)) for name, value in query}))
        return (match.view_name, names, link.htmx, self.state_of(match, dict(query)))

    def run(self, start: str = "/", *, also: Iterable[Link] = ()) -> CrawlResult:
        """Crawl from ``start``, then from ``also`` (links the product sends, not renders)."""
        result = CrawlResult(role=self.role)
        queue: deque[Link] = deque([Link(start, source="(start)"), *also])
        seen: set[tuple[str, bool]] = set()
        taken: Counter[Hashable] = Counter()
        admin_names: dict[Hashable, set[str]] = {}
        while queue:
            link = queue.popleft()
            link = Link(
                urlsplit(link.url)._replace(fragment="").geturl(), link.source, link.htmx, link.what
            )
            if (link.url, link.htmx) in seen or _is_skipped(link.url):
                continue
            seen.add((link.url, link.htmx))
            parts = urlsplit(link.url)
            try:
                match = resolve(parts.path)
            except Resolver404:
                result.problems.append(Problem(self.role, link, "no URL pattern matches it"))
                continue
            key = self.key(link, match)
            if taken[key] >= self.per_key:
                continue
            if self.once_for_all(match, dict(parse_qsl(parts.query))):
                if key in self.shared:
                    continue
                self.shared.add(key)
            if match.namespace == "admin":
                # The admin's filter links combine every filter with every other: a
                # combination is crawled only when it brings a parameter not seen yet.
                kind = (match.view_name, link.htmx, self.state_of(match, {}))
                names = {name for name, _value in parse_qsl(parts.query)} - ADMIN_BOOKKEEPING
                known = admin_names.get(kind)
                if known is not None and names <= known:
                    continue
                admin_names[kind] = (known or set()) | names
            taken[key] += 1
            result.problems.extend(self._fetch(link, match, queue, result))
        return result

    def _fetch(
        self, link: Link, match: ResolverMatch, queue: deque[Link], result: CrawlResult
    ) -> Iterable[Problem]:
        headers = {"HX-Request": "true"} if link.htmx else {}
        started = time.perf_counter()
        try:
            response = self.client.get(link.url, headers=headers)
        except Exception as error:  # noqa: BLE001 - every failure is reported, with where
            yield Problem(self.role, link, f"raised {type(error).__name__}: {error}")
            return
        status = response.status_code
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        result.fetched.append((link, status, content_type, time.perf_counter() - started))
        if status >= 500:
            yield Problem(self.role, link, f"answered {status}")
            return
        if status in (301, 302, 303, 307, 308):
            location = urljoin(link.url, response["Location"])
            if self.signed_in and _is_login(location):
                yield Problem(self.role, link, f"sent a signed-in person to log in: {location}")
                return
            queue.append(Link(location, source=f"{link.url} (redirect)", htmx=link.htmx))
            return
        if status != 200:
            if not self.refusal_allowed(link, match, status):
                yield Problem(self.role, link, f"answered {status} to a link the page showed")
            return
        body = b"".join(response) if response.streaming else response.content
        if content_type in DOWNLOAD_TYPES:
            if not body:
                yield Problem(self.role, link, f"an empty {content_type} download")
            return
        if content_type not in HTML_TYPES:
            yield Problem(self.role, link, f"an unexpected content type {content_type!r}")
            return
        html = body.decode(response.charset or "utf-8")
        if self.on_page is not None:
            self.on_page(link, html)
        page = _PageLinks()
        page.feed(html)
        twice = sorted(name for name, count in Counter(page.ids).items() if count > 1)
        if twice:
            yield Problem(self.role, link, f"gives the same id to two elements: {twice}")
        for href in page.hrefs:
            if href.startswith("#") or not href.strip():
                continue
            queue.append(Link(urljoin(link.url, href), source=link.url))
        for hx, form in page.hx_gets:
            target = urljoin(link.url, hx)
            if form is not None and form.fields:
                target = urlsplit(target)._replace(query=urlencode(form.fields)).geturl()
            queue.append(Link(target, source=link.url, htmx=True, what="hx-get"))
        for form in page.forms:
            if form.method != "get":
                continue
            action = urljoin(link.url, form.action or link.url)
            # Other options are tried from a page a link led to, not from the results of
            # a submission: one choice changed at a time, not every combination.
            submissions = form.submissions()
            if link.what == "GET form":
                submissions = [next(iter(submissions))]
            for fields in submissions:
                target = urlsplit(action)._replace(query=urlencode(fields), fragment="").geturl()
                queue.append(Link(target, source=link.url, what="GET form"))
