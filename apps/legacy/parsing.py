"""Read a legacy request in every form real clients send it.

`task`, `user`, `password` and `params` arrive in the query string, a form body, or a raw JSON body
whatever its Content-Type (`curl -d @-` sends JSON as a form). `params` is a JSON string, an object
inside a JSON body, PHP bracket form (`params[startTime]=...`), single-quoted pseudo-JSON, or an
array of several queries.
"""

import re

from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

from . import loosejson

BRACKET = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")


def php_brackets(pairs):
    """Turn `a[b][c]=v` and `a[]=v` pairs into nested dicts and lists, as PHP's $_REQUEST does."""
    result = {}
    for key, value in pairs:
        match = BRACKET.match(key)
        if not match:
            result[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = result
        for part, following in zip(parts, parts[1:], strict=False):
            default = [] if following == "" else {}
            if part == "" and isinstance(node, list):
                node.append(default)
                node = node[-1]
                continue
            if not isinstance(node.get(part), (dict, list)):
                node[part] = default
            node = node[part]
        last = parts[-1]
        if isinstance(node, list):
            node.append(value)
        else:
            node[last] = value
    return result


def all_pairs(querydict):
    """Every (key, value), repeated keys included: `fcodec[]=0&fcodec[]=8` is a list of two."""
    return [(key, value) for key, values in querydict.lists() for value in values]


def body_fields(request):
    raw = request.body.strip() if request.body else b""
    if not raw:
        return {}
    if raw[:1] in (b"{", b"["):
        try:
            data = loosejson.loads(raw.decode("utf-8", "replace"))
        except loosejson.LooseJSONError as exc:
            raise InvalidInput(_("Malformed JSON body: %(error)s") % {"error": exc}) from None
        if not isinstance(data, dict):
            raise InvalidInput(_("The JSON body must be an object."))
        return data
    if request.content_type == "multipart/form-data" or request.content_type == "application/x-www-form-urlencoded":
        return php_brackets(all_pairs(request.POST))
    return {}


def request_fields(request):
    """Query string first, the body on top of it."""
    fields = php_brackets(all_pairs(request.GET))
    fields.update(body_fields(request))
    return fields


def loose_field(value, name):
    """A request field that carries JSON (strict or loose) as text: its value, or {} when empty."""
    if value in (None, ""):
        return {}
    if not isinstance(value, str):
        return value
    try:
        return loosejson.loads(value)
    except loosejson.LooseJSONError as exc:
        raise InvalidInput(_("Malformed JSON in %(name)s: %(error)s") % {"name": name, "error": exc}) from None


def parse_params(value):
    """`params` in any of its forms -> a dict, or a list of dicts (several queries)."""
    value = loose_field(value, "params")
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise InvalidInput(_("params must be a JSON object or an array of objects."))
