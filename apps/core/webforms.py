"""Small pieces the feature pages' forms share: call-search filters as `name=value` lines, and lists
of numbers or addresses as comma-separated text. Checking the values is the services' work; this only
turns text into the shapes they take, and back."""

from django.utils.translation import gettext as _

from .exceptions import InvalidInput


def filters_parse(text):
    """`name=value` per line (blank lines and `#` comments skipped) -> {name: value}."""
    filters = {}
    for number, line in enumerate(str(text or "").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(_("Filter line %(n)s is not name=value: %(line)s") % {"n": number, "line": line[:80]})
        filters[name.strip()] = value.strip()
    return filters


def filters_text(filters):
    return "\n".join(f"{name}={value}" for name, value in (filters or {}).items())


def words_parse(text):
    """Comma- or space-separated words, in order, without repeats."""
    words = []
    for word in str(text or "").replace(",", " ").split():
        if word not in words:
            words.append(word)
    return words


def numbers_parse(text, *, name):
    values = []
    for word in words_parse(text):
        if not word.isdigit():
            raise InvalidInput(_("%(name)s: %(value)s is not a whole number.") % {"name": name, "value": word[:20]})
        values.append(int(word))
    return values


def require_tenant_admin(actor):
    """The tenant administration pages: administrators of a tenant only (a platform superuser belongs to
    no tenant and manages tenants in Django's admin)."""
    from .exceptions import Forbidden

    if not (actor.is_admin and actor.tenant_id is not None):
        raise Forbidden(_("Permission denied: tenant administrators only."))
