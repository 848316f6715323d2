"""The embedded demo installation (`manage.py demo_setup`, what `make run` calls).

Its own app because it composes every other one (a tenant, a user, a sensor, seeded calls and the
public captures imported): living in `tenants`, as it did, made tenants depend on cdr and capture.
Nothing imports this app.
"""
