"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests that send mail: every received message is parsed."""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


class Inbox:
    """Collects what the server receives; `wait(n)` blocks until n messages arrived (or times out)."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.fail_next = 0
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self._arrived:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 Requested action aborted: local error in processing"
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait(self, count, timeout=10.0):
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return self.messages


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_server_start():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox
