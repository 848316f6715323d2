"""Lookups the legacy filter semantics need, identical on PostgreSQL and SQLite.

`like`: the GUI's wildcard match. `%` is the only wildcard; `_` and everything else are literal
characters, and the value is always a bound parameter.
`in_cidr`: an address inside a network (user IP restrictions, `fsipcallerip=10.0.0.0/8`).
"""

import ipaddress

from django.db.backends.signals import connection_created
from django.db.models import CharField, GenericIPAddressField, Lookup
from django.dispatch import receiver


def like_pattern_postgres(value):
    return value.replace("\\", "\\\\").replace("_", "\\_")


def like_pattern_glob(value):
    """SQLite's LIKE ignores case; GLOB does not, so both databases agree. Escape GLOB's own specials."""
    out = []
    for char in value:
        if char == "%":
            out.append("*")
        elif char in "*?[]":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


@CharField.register_lookup
class Like(Lookup):
    lookup_name = "like"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} LIKE %s", [*lhs_params, like_pattern_postgres(self.rhs)]
        return f"{lhs} GLOB %s", [*lhs_params, like_pattern_glob(self.rhs)]


def normalise_network(value):
    return str(ipaddress.ip_network(str(value).strip(), strict=False))


@GenericIPAddressField.register_lookup
class InCidr(Lookup):
    lookup_name = "in_cidr"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        network = normalise_network(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} <<= %s::cidr", [*lhs_params, network]
        return f"voipmon_in_cidr({lhs}, %s)", [*lhs_params, network]


def sqlite_in_cidr(address, network):
    if address is None:
        return 0
    try:
        return int(ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False))
    except ValueError:
        return 0


@receiver(connection_created)
def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("voipmon_in_cidr", 2, sqlite_in_cidr, deterministic=True)
