import sys

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import Organisation, Role, User

ROLES = Role.values


class Command(BaseCommand):
    help = "Create a user with one of the roles civil_servant, executive or coordinator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(ROLES)}")
        parser.add_argument("--organisation", help="name of an existing organisation")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (otherwise the account has no "
            "usable password until one is set)",
        )

    def handle(self, *args, username, role, organisation, email, password_stdin, **options):
        if role not in ROLES:
            raise CommandError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named '{username}' already exists.")
        org = None
        if organisation:
            org = Organisation.objects.filter(name=organisation).first()
            if org is None:
                known = ", ".join(Organisation.objects.values_list("name", flat=True)[:20])
                raise CommandError(
                    f"Unknown organisation '{organisation}'."
                    + (
                        f" Known organisations: {known}."
                        if known
                        else " No organisations exist yet."
                    )
                )
        elif role == Role.CIVIL_SERVANT:
            raise CommandError(
                "A civil servant needs --organisation: they edit that organisation's cases."
            )

        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password was given on standard input.")
            user_for_check = User(username=username, email=email)
            try:
                validate_password(password, user_for_check)
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc

        with transaction.atomic():
            user = User(username=username, email=email, organisation=org)
            user.is_staff = role == Role.COORDINATOR  # coordinators curate in the admin
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(self.style.SUCCESS(f"Created {role} '{username}'."))
