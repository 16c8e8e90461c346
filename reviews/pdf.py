"""PDF exports: a printable page's HTML made into a PDF by WeasyPrint, when this server
has the Pango library it needs."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def pdf_bytes(pages: list[dict[str, Any]]) -> bytes:
    """One PDF of one or more printable tables, one table per page."""
    return html_pdf_bytes(render_to_string("reviews/tables_pdf.html", {"pages": pages}))


def pdf_missing_reason() -> str | None:
    """Why this server cannot make PDFs (translated, for the page), or ``None`` if it can.

    WeasyPrint loads the system's Pango library when imported; without it (or without
    WeasyPrint) the import fails, and the export pages say so instead of failing.
    """
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401, PLC0415
    except (OSError, ImportError):
        return _(
            "PDF export is not available on this server: it needs the Pango text "
            "library (on Debian or Ubuntu: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0). Ask your administrator; XLSX and CSV work without it."
        )
    return None


def html_pdf_bytes(html: str) -> bytes:
    """The PDF of a printable page's HTML (WeasyPrint); ``RuntimeError`` with
    ``pdf_missing_reason`` when this server cannot make PDFs (no Pango)."""
    reason = pdf_missing_reason()
    if reason is not None:
        raise RuntimeError(reason)
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango: only when a PDF is made

    return bytes(HTML(string=html).write_pdf())
