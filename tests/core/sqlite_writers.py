"""Concurrent writers on a SQLite file: each thread exchanges a password for a token through REST (a read, then
writes, in one request transaction). Prints JSON: statuses and the number of token rows."""

import json
import os
import sys
import threading

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voipmon.settings.test")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

call_command("migrate", verbosity=0)
from apps.tenants.services import tenant_create  # noqa: E402
from apps.users.services import user_create  # noqa: E402

tenant = tenant_create(slug="busy", name="Busy", timezone="UTC")
user_create(username="writer", tenant=tenant, password="s3cret-Pa55")
connection.close()
THREADS, ROUNDS = int(sys.argv[1]), int(sys.argv[2])
statuses = []


def work():
    client = Client()
    for _round in range(ROUNDS):
        try:
            response = client.post("/api/v1/auth/token/", {"username": "writer", "password": "s3cret-Pa55"})
            statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001  (the test reports what failed)
            statuses.append(repr(exc)[:200])
    connection.close()


threads = [threading.Thread(target=work) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM accounts_apitoken")
    rows = cursor.fetchone()[0]
print(json.dumps({"statuses": statuses, "rows": rows}))
