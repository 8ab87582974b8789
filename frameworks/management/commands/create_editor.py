import getpass
import os

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from frameworks.editors import make_editor

PASSWORD_VARIABLE = "EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an editor: a staff account that may change the curated data but not users, "
        f"groups or permissions. The password is read from ${PASSWORD_VARIABLE} or prompted "
        "for; there is no default."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        candidate = User(username=username, email=email)
        try:
            # The name and address as the admin would check them; an existing
            # editor may be updated, so not for uniqueness.
            candidate.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if User.objects.filter(username=username, is_superuser=True).exists():
            raise CommandError(
                f"{username} is an administrator; an editor account needs a name of its own."
            )
        password = os.environ.get(PASSWORD_VARIABLE) or self.prompt_password()
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error
        user, created = make_editor(username=username, password=password, email=email)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} editor {user.username} (group Editors)."))

    def prompt_password(self) -> str:
        if not os.isatty(0):
            raise CommandError(f"No terminal to ask for a password: set ${PASSWORD_VARIABLE}.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
