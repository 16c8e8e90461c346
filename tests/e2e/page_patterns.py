"""One URL per page pattern a person reaches, found by crawling the demo in-process.

The crawl of the *Journeys* issue (tests/crawl/crawler.py) keys pages by URL name,
parameters and state; a browser check needs fewer: one full page per URL pattern
(its view name; a review table once per status, as its status decides its buttons),
as the person reaches it by following links from the home page.
htmx fragments, downloads and the Django admin are left out (a fragment is checked
inside the page that shows it; the admin is Django's own).
"""

from __future__ import annotations

from collections.abc import Hashable
from urllib.parse import urlsplit

from django.test import Client
from django.urls import ResolverMatch, resolve, reverse

from reviews.models import ReviewTable
from tests.crawl.crawler import HTML_TYPES, Crawler, Link


class _PatternCrawler(Crawler):
    """A crawl that fetches one URL per view name (and whether htmx asks); a review
    table once per status, since its status decides which actions the page shows."""

    def key(self, link: Link, match: ResolverMatch) -> Hashable:
        status = None
        if match.view_name == "reviews:table_detail":
            status = (
                ReviewTable.objects.filter(pk=match.kwargs["pk"])
                .values_list("status", flat=True)
                .first()
            )
        return (match.view_name, link.htmx, status)


def page_patterns(user: object) -> list[str]:
    """The paths (with query) of one full HTML page per URL pattern ``user`` reaches.

    ``user`` is an ``accounts.User``; the crawl starts at the home page and signs in
    with ``force_login``. Returns paths in the order the crawl met them, home first.
    """
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    result = _PatternCrawler(
        client=client,
        role=str(user),
        # Slow (WeasyPrint) or not HTML: never a page to check in a browser.
        once_for_all=lambda match, query: (
            match.view_name == "reviews:table_pdf" or query.get("format") not in (None, "", "html")
        ),
    ).run(reverse("home"))
    paths: list[str] = []
    for link, status, content_type, _seconds in result.fetched:
        if link.htmx or status != 200 or content_type not in HTML_TYPES:
            continue
        if resolve(urlsplit(link.url).path).namespace == "admin":
            continue
        parts = urlsplit(link.url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths
