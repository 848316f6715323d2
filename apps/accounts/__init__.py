"""Every way to prove who you are, and nothing else.

The rule: `accounts` owns the credential checks and what they need: the local password check and
sign-in throttling (`services.password_authenticate`, `throttle.py`, counted in the database), API
tokens (`ApiToken`, REST `auth/token/`, the profile page, admin actions), the legacy sessions'
credential check (`legacy.sessions` and `legacy.auth` call `password_authenticate`), LDAP
(`ldapauth.py`), Google / Microsoft sign-in (`sso.py`), two-factor authentication and its enrollment
codes (`twofactor.py`), the custom login hook (`customlogin.py`), and the pages that sign people in.
Who the user is once proved (record, groups, flags, restrictions) is `apps.users`, which this app
imports and which never imports this one.
"""
