"""A throwaway OpenLDAP server on 127.0.0.1 for the LDAP tests (see ../shared/real-components.md).

A minimal cn=config (mdb, core/cosine/inetorgperson/nis schemas) in a temp dir, `slapd -d 0` in the
foreground on a free port, polled until the root DSE answers, seeded with `ldapadd`, stopped by PID.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

SUFFIX = "dc=example,dc=com"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PW = "admin-secret"
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"

CONFIG = """dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {dir}/slapd.pid

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcDbDirectory: {dir}/db
olcSuffix: {suffix}
olcRootDN: {admin}
olcRootPW: {password}
olcAccess: {{0}}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {{1}}to * by * read
"""


def person(uid, number, given, surname, password):
    return f"""dn: uid={uid},ou=people,{SUFFIX}
objectClass: inetOrgPerson
objectClass: posixAccount
uid: {uid}
cn: {given} {surname}
givenName: {given}
sn: {surname}
mail: {uid}@example.com
uidNumber: {number}
gidNumber: 100
homeDirectory: /home/{uid}
userPassword: {password}
"""


def group(cn, *members):
    lines = "".join(f"member: uid={m},ou=people,{SUFFIX}\n" for m in members)
    return f"dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}"


SEED = "\n".join(
    [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n",
        person("lena", 5001, "Lena", "Horakova", "lena-pw"),
        person("marek", 5002, "Marek", "Dvorak", "marek-pw"),
        person("olga", 5003, "Olga", "Clash", "olga-pw"),
        group("voip-admins", "lena"),
        group("voip-support", "lena", "marek"),
    ]
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slapd:
    def __init__(self, workdir: Path):
        self.dir = workdir
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        (self.dir / "db").mkdir(parents=True)
        (self.dir / "slapd.d").mkdir()
        config = self.dir / "config.ldif"
        config.write_text(CONFIG.format(dir=self.dir, suffix=SUFFIX, admin=ADMIN_DN, password=ADMIN_PW))
        subprocess.run([SLAPADD, "-n0", "-F", self.dir / "slapd.d", "-l", config], check=True, capture_output=True)
        self.process = subprocess.Popen(
            [SLAPD, "-d", "0", "-h", f"{self.uri}/", "-F", self.dir / "slapd.d"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(["ldapsearch", "-x", "-H", self.uri, "-b", "", "-s", "base"], capture_output=True)
            if probe.returncode == 0:
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("slapd did not answer")
        subprocess.run(
            ["ldapadd", "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PW],
            input=SEED.encode(),
            check=True,
            capture_output=True,
        )
        return self

    def entry_uuid(self, uid):
        out = subprocess.run(
            [
                "ldapsearch",
                "-x",
                "-LLL",
                "-H",
                self.uri,
                "-b",
                f"uid={uid},ou=people,{SUFFIX}",
                "-s",
                "base",
                "entryUUID",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("entryUUID"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)
