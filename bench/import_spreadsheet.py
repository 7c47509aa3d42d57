"""How long a large spreadsheet import takes: the preview (checked, rolled
back) and the import itself, of a generated portfolio file.

    python -m bench.import_spreadsheet [--rows 5000] [--format ods|xlsx|csv]

The rows are split as a portfolio is: a quarter cases, half choices, a
quarter role analyses. Runs against a fresh SQLite database in a temporary
folder, or against DATABASE_URL when it is set (its data are left alone: the
import goes into a new organisation and is rolled back at the end).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def portfolio_file(rows: int, fmt: str) -> bytes:
    import tablib

    from cases.spreadsheets.files import write_book

    n_cases = rows // 4
    cases = tablib.Dataset(
        headers=["Nr", "Titel", "Afdeling", "Beleidsdomein", "Soort toepassing", "Samenvatting"]
    )
    choices = tablib.Dataset(
        headers=["Casusnr", "Laag", "Keuze", "Sourcing", "Volwassenheid", "Voordelen", "Nadelen"]
    )
    roles = tablib.Dataset(headers=["Casusnr", "Tegenpartij", "Rol van de provincie", "Toelichting"])
    layers = ["Harde infrastructuur", "Datacollectie", "Algoritmes en modellen", "Platforms en diensten"]
    counterparts = ["Markt", "Medeoverheden", "Kennisinstellingen"]
    for nr in range(1, n_cases + 1):
        cases.append([nr, f"Monitor {nr}", "Mobiliteit", "Mobiliteit", "Monitor", "Volgt het verkeer " * 5])
    for i in range(rows // 2):
        nr = i % n_cases + 1
        choices.append([nr, layers[i // n_cases % 4], f"Keuze {i}", "Zelf gebouwd", "Bewezen", "Snel.", "Duur."])
    for i in range(rows - n_cases - rows // 2):
        nr = i % n_cases + 1
        roles.append([nr, counterparts[i // n_cases % 3], "Partner of co-creator", "Samen met TU Delft."])
    for dataset, title in ((cases, "Casussen"), (choices, "Keuzes"), (roles, "Rolanalyses")):
        dataset.title = title
    return write_book([cases, choices, roles], fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", default="ods", choices=["ods", "xlsx", "csv"])
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory()
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackwork.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from cases.models import Case, Organisation, Role
    from cases.spreadsheets import run_import
    from tests.factories import make_user

    call_command("migrate", verbosity=0)
    data = portfolio_file(args.rows, args.format)
    print(f"{args.rows} rows as {args.format}: {len(data) / 1024:.0f} KiB, {connection.vendor}")
    with transaction.atomic():
        organisation = Organisation.objects.create(name="Provincie Bench", kind="province")
        user = make_user(username="bench-importer", role=Role.CIVIL_SERVANT, organisation=organisation)
        for commit in (False, True):
            started, cpu = time.perf_counter(), time.process_time()
            report = run_import(data, f"bench.{args.format}", user=user, commit=commit)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert report.ok, report.as_text()[:2000]
            print(
                f"{'import' if commit else 'preview'}: {seconds:.1f} s wall, {cpu:.1f} s CPU "
                f"({report.totals['rows']} rows, {report.totals['new']} new; "
                f"load average {os.getloadavg()[0]:.1f})"
            )
        print(f"cases now in the organisation: {Case.objects.filter(organisation=organisation).count()}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
