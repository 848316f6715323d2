"""Parse the loose JSON that VoIPmonitor clients send: single quotes, bare keys, trailing commas.

`{'cdrId': 123}` (PHP scripts) and `{fcallid:"abc"}` (the GUI's cdr_filter links) are not JSON.
Strict JSON is tried first; this small tokenizer takes the rest. It builds plain values only and
never evaluates anything.
"""

import json
import re

from django.conf import settings

from apps.core.bounds import JSON_MAX_DEPTH, json_depth_exceeds

TOKEN = re.compile(
    r"""\s*(?:
    (?P<punct>[{}\[\]:,])
  | "(?P<dq>(?:[^"\\]|\\.)*)"
  | '(?P<sq>(?:[^'\\]|\\.)*)'
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.])
  | (?P<word>[A-Za-z_$][\w$.\-]*)
    )""",
    re.VERBOSE,
)
WORDS = {"true": True, "false": False, "null": None}


class LooseJSONError(ValueError):
    pass


def tokenize(text):
    pos, tokens = 0, []
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise LooseJSONError(f"unexpected character at position {pos}")
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "dq":
            value = json.loads(f'"{value}"')
        elif kind == "sq":
            value = json.loads('"' + value.replace("\\'", "'").replace('"', '\\"') + '"')
        tokens.append((kind, value))
    return tokens


class Parser:
    def __init__(self, tokens):
        self.tokens, self.i = tokens, 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        if token[0] is None:
            raise LooseJSONError("unexpected end of input")
        self.i += 1
        return token

    def expect(self, punct):
        kind, value = self.take()
        if kind != "punct" or value != punct:
            raise LooseJSONError(f"expected {punct!r}, found {value!r}")

    def value(self):
        kind, value = self.take()
        if kind == "punct" and value == "{":
            return self.sequence("}", self.pair, dict)
        if kind == "punct" and value == "[":
            return self.sequence("]", self.value, list)
        if kind in ("dq", "sq"):
            return value
        if kind == "num":
            return json.loads(value)
        if kind == "word":
            return WORDS.get(value, value)
        raise LooseJSONError(f"unexpected {value!r}")

    def pair(self):
        kind, key = self.take()
        if kind not in ("dq", "sq", "word", "num"):
            raise LooseJSONError(f"bad key {key!r}")
        self.expect(":")
        return str(key), self.value()

    def sequence(self, close, item, build):
        items = []
        while True:
            if self.peek() == ("punct", close):
                self.take()
                return build(items)
            items.append(item())
            kind, value = self.take()
            if kind == "punct" and value == close:
                return build(items)
            if (kind, value) != ("punct", ","):
                raise LooseJSONError(f"expected ',' or {close!r}, found {value!r}")


def loads(text):
    """Strict JSON first, then the loose form. Raises LooseJSONError when neither reads.

    Text larger than VOIPMON_JSON_MAX_BYTES or nested deeper than JSON_MAX_DEPTH is refused before
    either parser runs (both recurse per level).
    """
    if isinstance(text, str):
        if len(text) > settings.VOIPMON_JSON_MAX_BYTES:
            raise LooseJSONError(f"too large: {len(text)} bytes, at most {settings.VOIPMON_JSON_MAX_BYTES}")
        if json_depth_exceeds(text):
            raise LooseJSONError(f"nested too deep: at most {JSON_MAX_DEPTH} levels of [ ] and {{ }}")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        pass
    parser = Parser(tokenize(text or ""))
    result = parser.value()
    if parser.i != len(parser.tokens):
        raise LooseJSONError("trailing characters after the value")
    return result
