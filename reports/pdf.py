"""PDF scorecards with WeasyPrint, from the same templates and SVG charts as the pages.

Nothing is fetched while rendering: the print stylesheet is read from disk and every other
URL is refused, so a PDF can never reach the network or read a file it should not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"


class _NoFetching(Exception):
    pass


def _refuse(url: str, *args, **kwargs):
    raise _NoFetching(f"not fetched while rendering a PDF: {url[:80]}")


# A chart as reports/charts.py draws it: its <title> then its <desc> (both already escaped).
_CHART_TEXTS = re.compile(
    r'<title id="(?P<id>[A-Za-z_][\w.-]*)-title">(?P<title>[^<]*)</title>'
    r'<desc id="(?P=id)-desc">(?P<desc>[^<]*)</desc>'
)


def _chart_alternatives(html: str) -> str:
    """A PDF figure's alternative text is its SVG's <title> alone (WeasyPrint reads nothing
    else), where a page reads the title and the description: in the PDF the title carries both,
    so the text alternative states the data in words, as on the page. Most descriptions begin
    with the title already; those are not given it twice."""

    def both(m: re.Match[str]) -> str:
        title, desc = m["title"], m["desc"]
        alternative = desc if desc.startswith(title) else f"{title}. {desc}"
        chart = m["id"]
        return (
            f'<title id="{chart}-title">{alternative}</title><desc id="{chart}-desc">{desc}</desc>'
        )

    return _CHART_TEXTS.sub(both, html)


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: it is slow to import and only PDFs need it

    document = HTML(string=_chart_alternatives(html), base_url=None, url_fetcher=_refuse)
    # PDF/UA-1: a tagged PDF (headings, tables with their headers, figures with the chart's
    # <title> as alternative text, reading order), its language from <html lang> and its title
    # from <title>, shown by viewers instead of the file name.
    return document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1")


def project_scorecard_html(context: dict) -> str:
    return render_to_string("reports/pdf/project_scorecard.html", {**context, "pdf": True})


def authority_pack_html(
    *, authority_name: str, sections: list[dict], on_section: Callable[[int], object]
) -> str:
    """One document: a cover, then each project's scorecard starting on a new page."""
    parts = []
    for number, context in enumerate(sections, start=1):
        parts.append(render_to_string("reports/pdf/project_section.html", {**context, "pdf": True}))
        on_section(number)
    return render_to_string(
        "reports/pdf/authority_pack.html",
        {"authority_name": authority_name, "sections": parts, "count": len(sections)},
    )


def render_accessible_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1: structure tags, title, language, reading order) for the workshop
    pack; WeasyPrint 68+ writes it with `pdf_variant="pdf/ua-1"`."""
    from weasyprint import CSS, HTML

    document = HTML(string=html, base_url=None, url_fetcher=_refuse)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1", pdf_tags=True
    )
