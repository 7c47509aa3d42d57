"""Render one session's briefing in this process and print the figures as JSON.

Run as: python -m bench.render_briefing SESSION_ID [--chromium]
The first render includes imports and caches (cold); the second is what a
running server worker pays (warm). Peak memory is this process's maximum RSS.
"""

import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackwork.settings")
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from pypdf import PdfReader

    from cases import briefing
    from cases.models import BoardSession, User

    session = BoardSession.objects.get(pk=int(sys.argv[1]))
    user = User.objects.filter(groups__name="coordinator").first()
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        html, _context = briefing.render_html(session, user=user, language="nl")
        pdf = briefing.render_pdf(html)
        timings.append(time.perf_counter() - start)
    result = {
        "cold_s": timings[0],
        "warm_s": timings[1],
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if "--chromium" in sys.argv and shutil.which("chromium"):
        result["chromium_s"] = chromium_print(html, Path(finders.find("css/briefing.css")))
    print(json.dumps(result))


def chromium_print(html: str, stylesheet: Path) -> float:
    """Chromium's print-to-PDF of the same HTML and stylesheet (browser start not counted)."""
    from playwright.sync_api import sync_playwright

    page_html = html.replace(
        "</head>", f'<link rel="stylesheet" href="{stylesheet.as_uri()}"></head>'
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "briefing.html"
        path.write_text(page_html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=[
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            page = browser.new_page()
            page.goto(path.as_uri())
            page.pdf(format="A4")  # warm-up, like the warm WeasyPrint render
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.pdf(format="A4")
            elapsed = time.perf_counter() - start
            browser.close()
    return elapsed


if __name__ == "__main__":
    main()
