"""What the page tests of cases and choices share: form data, htmx headers,
and the error next to a field."""

import re

HX = {"HX-Request": "true"}


def hx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def choice_data(**overrides) -> dict:
    data = {
        "title": "Hosting in de overheidscloud",
        "layer": "infrastructure",
        "sourcing": "shared_government",
        "maturity": "proven",
        "supplier": "",
        "chosen": "Een gedeelde omgeving van het Rijk.",
        "context": "",
        "options_considered": "",
        "pros": "Veilig en beheerd.",
        "cons": "",
        "rationale": "",
        "decided_by": "department",
        "decided_on": "2026-03-01",
    }
    data.update(overrides)
    return data


def case_data(**overrides) -> dict:
    data = {
        "title": "Digitale tweeling leefomgeving",
        "department": "Ruimte en Wonen",
        "policy_domain": "environment_health",
        "kind": "digital_twin",
        "summary": "Rekent gezondheidseffecten van groen door.",
        "goal": "Betere afwegingen.",
        "contact": "Team Data",
    }
    data.update(overrides)
    return data



def field_error(html: str, field_id: str) -> str:
    """The error text Django links to a field (``<id>_error``), or ''."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""
