"""A logging filter that removes passwords from log lines.

The legacy API carries the password in the query string (`?user=u&password=p`, `pass=` for sql.php),
so any line that shows a URL (gunicorn's and runserver's access logs, Django's request errors) could
leak it. Every handler in LOGGING carries this filter, and the access loggers are routed through it.
"""

import logging
import re

SECRET_KEYS = r"password|passwd|pass|pwd|secret|token|SID|PHPSESSID"
QUERY_VALUE = re.compile(rf"(?i)(\b(?:{SECRET_KEYS})(?:%3D|=))[^&\s\"']*")
JSON_VALUE = re.compile(rf"(?i)(\"(?:{SECRET_KEYS})\"\s*:\s*\")[^\"]*")
MASK = "[REDACTED]"


def redact(text):
    return JSON_VALUE.sub(rf"\1{MASK}", QUERY_VALUE.sub(rf"\1{MASK}", text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
