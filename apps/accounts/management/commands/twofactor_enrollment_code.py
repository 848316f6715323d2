"""`manage.py twofactor_enrollment_code USERNAME`: a one-time code for a req_2fa user's first 2FA enrollment.

For the operator's own accounts (a superuser with req_2fa has no administrator above them) and for
scripts that create users. Tenant administrators use `POST /api/v1/users/{id}/enrollment-code/`.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.services import enrollment_code_issue
from apps.users.selectors import user_get_by_username


class Command(BaseCommand):
    help = "Issue a one-time 2FA enrollment code for a user (replaces an earlier one) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = user_get_by_username(username=username)
        if user is None:
            raise CommandError(f"No user {username!r}.")
        code, expires_at = enrollment_code_issue(user=user)
        self.stdout.write(f"{code}\n")
        self.stderr.write(f"valid until {expires_at.isoformat()}; give it to {username} out of band\n")
