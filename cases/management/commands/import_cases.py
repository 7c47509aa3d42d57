"""manage.py import_cases FILE [--organisation NAME] [--dry-run]: the
spreadsheet import from the command line, with the same checks and the same
row report as the import page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Organisation, Role
from cases.spreadsheets import MAX_BYTES, run_import


class Operator:
    """Whoever runs the command holds the server: they import like a
    coordinator, for any organisation. Not a user, so no user is recorded
    as the author in the history."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    _stackwork_roles = frozenset({Role.COORDINATOR})

    def __init__(self, organisation: Organisation | None):
        self.organisation = organisation
        self.organisation_id = organisation.pk if organisation else None


class Command(BaseCommand):
    help = "Import cases, their choices and role analyses from an .ods, .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the spreadsheet, in Stackwork's template")
        parser.add_argument(
            "--organisation", help="name of the organisation for rows that name none"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and print the report; save nothing"
        )

    def handle(self, *args, file, organisation, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path.name} is {path.stat().st_size:,} bytes; the limit is {MAX_BYTES:,} bytes."
            )
        org = None
        if organisation:
            org = Organisation.objects.filter(name=organisation).first()
            if org is None:
                raise CommandError(f"Unknown organisation '{organisation}'.")
        report = run_import(
            path.read_bytes(), path.name, user=Operator(org), organisation=org, commit=not dry_run
        )
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError("Nothing was imported: the file has problems (see above).")
