"""Custom login hooks for the tests: a tiny directory in a dict."""

DIRECTORY = {
    "hana": {
        "password": "hana-pw",
        "id": 1001,
        "name": "Hana Novak",
        "can_cdr": 1,
        "can_pcap": True,
        "number": ["420%"],
    },
    "ivan": {"password": "ivan-pw", "id": 1002, "is_admin": True, "group_name": "support", "blocked": False},
    "jiri": {"password": "jiri-pw", "id": 1001, "name": "Jiri Same-Id"},  # the same id as hana: refused
    "kara": {"password": "kara-pw", "id": 1003, "blocked": 1, "blocked_reason": "on leave"},
    "noid": {"password": "noid-pw", "name": "No Id"},
}


def custom_login(username, password):
    entry = DIRECTORY.get(username)
    if entry is None or entry["password"] != password:
        return None
    return {"username": username, **{k: v for k, v in entry.items() if k != "password"}}


def broken(username, password):
    raise RuntimeError("directory exploded")
