"""Private PostgreSQL, Redis, tmpfs and server processes that fault tests may kill, restart or fill.

Never the shared 127.0.0.1:5432 / :6379 servers: each fixture starts its own instance on a free port,
in its own directory, and stops it by its own process id.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout=30.0, interval=0.05, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout} s")


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    """redis-server on a free port, no persistence; kill() is a real SIGKILL, start() a new process on the same port."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="voipmon-redis-")
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), 15, what="private redis-server listening")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        wait_until(lambda: not port_open(self.port), 10, what="private redis-server gone")

    def stop(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise AssertionError(f"PostgreSQL's {name} is not installed (Debian package postgresql)")
    return found[-1]


class PrivatePostgres:
    """A cluster of its own (initdb into a temp dir, pg_ctl on a free port). PostgreSQL refuses to run as
    root, so as root the cluster belongs to the `postgres` system user and pg_ctl runs as that user."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="voipmon-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    def url(self, name="voipmon"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args, check=True):
        command = list(args)
        if self.user:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self):
        self._run(pg_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        self.start()
        self._run(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "voipmon")

    def _ctl(self, action, *extra):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c full_page_writes=off"
        return self._run(
            pg_bin("pg_ctl"), action, "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", options, *extra
        )

    def start(self):
        self._ctl("start")

    def stop(self, mode="fast"):
        self._ctl("stop", "-m", mode)

    def restart(self, mode="fast"):
        self._ctl("restart", "-m", mode)

    def destroy(self):
        self._run(pg_bin("pg_ctl"), "stop", "-D", self.data, "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def python(*args, env, timeout=300):
    """Run `python -c`/`manage.py` in the repository with `env`; its error is shown, not swallowed."""
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{args[:2]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


class Gunicorn:
    """The WSGI server with production settings, as deployed (`-w` sync workers, persistent connections)."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="voipmon-gunicorn-", suffix=".log", delete=False)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "voipmon.wsgi:application", "-b", f"127.0.0.1:{self.port}"]
            + ["-w", str(self.workers), "--timeout", "60", "--graceful-timeout", "5"],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: port_open(self.port) or self.process.poll() is not None, 30, what="gunicorn listening")
        if self.process.poll() is not None:
            raise AssertionError("gunicorn exited at start:\n" + self.output())

    def output(self):
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        os.unlink(self.log.name)


class Tmpfs:
    """A real, size-limited filesystem (tmpfs) mounted on `path`: writes past its size fail with ENOSPC."""

    def __init__(self, path, size_bytes):
        self.path = Path(path)
        self.size = size_bytes

    def mount(self):
        self.path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size}", "tmpfs", str(self.path)], check=True)

    def resize(self, size_bytes):
        self.size = size_bytes
        subprocess.run(["mount", "-o", f"remount,size={size_bytes}", str(self.path)], check=True)

    def unmount(self):
        subprocess.run(["umount", "-l", str(self.path)], check=False)
