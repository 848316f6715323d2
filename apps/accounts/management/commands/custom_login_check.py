"""`manage.py custom_login_check USERNAME`: run the custom login hook and print what it returned.

The Python form of the spec's "Debug from CLI" (`php custom_login.php`). Nothing is written: it shows
the hook's answer and what voipmon would make of it.
"""

import getpass
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.customlogin import custom_login_call, custom_login_hook, result_problems, user_fields


class Command(BaseCommand):
    help = "Run VOIPMON_CUSTOM_LOGIN for a user name and print the dict it returns (nothing is saved)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, username, password_stdin=False, **options):
        if custom_login_hook() is None:
            raise CommandError("VOIPMON_CUSTOM_LOGIN is not set: there is no custom login hook to run.")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
        result = custom_login_call(username, password)
        if result is None:
            self.stdout.write("The hook returned None: the user is refused (unknown, or a wrong password).")
            return
        self.stdout.write(json.dumps(result, indent=2, sort_keys=True, default=str))
        for problem in result_problems(result):
            self.stdout.write(self.style.WARNING(f"warning: {problem}"))
        granted = sorted(k for k, v in user_fields(result).items() if k.startswith(("can_", "hide_", "no_")) and v)
        self.stdout.write(f"external id: custom:{result.get('id')}  flags set by the hook: {', '.join(granted) or '-'}")
