"""What the browser tests share besides their fixtures (``conftest.py``)."""

from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[tuple]:
    """axe-core's serious and critical findings on the page as it is now."""
    response = Axe().run(page)
    return [
        (v["id"], v["impact"], v["help"])
        for v in response.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
