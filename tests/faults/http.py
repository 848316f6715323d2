"""Plain HTTP against the private stack's gunicorn (urllib: no client library between us and the server)."""

import json
import urllib.error
import urllib.parse
import urllib.request


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def request(url, *, method="GET", headers=None, data=None, timeout=30):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def rest_get(stack, path, **kwargs):
    return request(stack.server.base + path, headers={"Authorization": f"Token {stack.token}"}, **kwargs)


def rest_post_json(stack, path, body):
    headers = {"Authorization": f"Token {stack.token}", "Content-Type": "application/json"}
    return request(stack.server.base + path, method="POST", headers=headers, data=json.dumps(body).encode())


def rest_post_file(stack, path, fields, name, content):
    boundary = "----voipmonfaults"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/vnd.tcpdump.pcap\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    headers = {"Authorization": f"Token {stack.token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return request(stack.server.base + path, method="POST", headers=headers, data=b"".join(parts))


def legacy(stack, task, params=None):
    query = {"task": task, "user": stack.user, "password": stack.password, "params": json.dumps(params or {})}
    return request(f"{stack.server.base}/php/api.php?{urllib.parse.urlencode(query)}")


def call_ids(stack):
    """The oracle for what the searches must find: every call id, read from the database with plain SQL
    (other tests add calls to the shared private stack)."""
    import psycopg

    with psycopg.connect(stack.pg.url()) as db:
        return sorted(row[0] for row in db.execute("SELECT id FROM cdr_cdr"))
