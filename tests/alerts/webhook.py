"""A real local HTTP server that receives webhooks, checks their HMAC-SHA256 signature and answers from a script."""

import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookTarget:
    def __init__(self, secret, statuses=()):
        self.secret = secret.encode()
        self.statuses = list(statuses)  # answered in order, then 200
        self.received = []  # (path, body bytes, signature header, signature valid)
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("X-Voipmon-Signature", "")
                expected = "sha256=" + hmac.new(target.secret, body, hashlib.sha256).hexdigest()
                target.received.append((self.path, body, header, hmac.compare_digest(expected, header)))
                status = target.statuses.pop(0) if target.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
