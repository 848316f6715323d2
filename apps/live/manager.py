"""A VoIPmonitor sniffer's manager port (TCP, default 5029), as ../shared/spec/sensors.md describes it
(no Django import).

One command per connection: the command line ends in CRLF, the reply is everything until the sniffer
closes. With an AES key, the command travels as ``aes-128-cbc:<base64 ciphertext>:sea`` and the reply
starts with ``aes:`` followed by the base64 ciphertext (AES-128-CBC, PKCS#7 padding, the sensor's key
and IV; when no IV is configured, the key's first 16 bytes).
"""

import base64
import datetime as dt
import json
import socket
import zoneinfo

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAX_REPLY = 64 << 20


class ManagerError(Exception):
    """The sniffer could not be reached or answered something we cannot read."""


def _cipher(key, iv):
    key = key.encode() if isinstance(key, str) else key
    key = key.ljust(16, b"\0")[:16]
    iv = (iv.encode() if isinstance(iv, str) else iv) if iv else key
    return Cipher(algorithms.AES(key), modes.CBC(iv.ljust(16, b"\0")[:16]))


def aes_encrypt(text, key, iv=None):
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode()) + padder.finalize()
    enc = _cipher(key, iv).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def aes_decrypt(b64, key, iv=None):
    try:
        dec = _cipher(key, iv).decryptor()
        data = dec.update(base64.b64decode(b64)) + dec.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(data) + unpadder.finalize()).decode("utf-8", "replace")
    except ValueError as exc:
        raise ManagerError(f"cannot decrypt the sniffer's reply: {exc}") from None


def manager_command(host, port, command, *, aes_key=None, aes_iv=None, timeout=5.0):
    """Send one command; return the reply text (decrypted)."""
    line = f"aes-128-cbc:{aes_encrypt(command, aes_key, aes_iv)}:sea" if aes_key else command
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(line.encode() + b"\r\n")
            chunks, size = [], 0
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_REPLY:
                    raise ManagerError("the sniffer's reply is too large")
    except OSError as exc:
        raise ManagerError(f"sniffer manager {host}:{port} unreachable: {exc}") from None
    reply = b"".join(chunks).decode("utf-8", "replace").strip()
    if aes_key:
        if not reply:
            return ""
        if not reply.startswith("aes:"):
            raise ManagerError("the sniffer answered in clear text although an AES key is configured")
        reply = aes_decrypt(reply[4:].strip(), aes_key, aes_iv).strip()
    return reply


def _epoch(value, tz_name):
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        pass
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
    return local.timestamp()


def _ip_text(value):
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        n = int(value)
        return ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))
    return value or None


def listcalls_parse(reply, tz_name="UTC"):
    """The sniffer's listcalls JSON as our active-call states (the shape the HEP listener publishes)."""
    try:
        data = json.loads(reply)
    except ValueError:
        raise ManagerError("listcalls did not answer JSON") from None
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        raise ManagerError("listcalls answered an unexpected shape")
    names = data[0]
    rows = data[1:]
    if rows and isinstance(rows[0], list) and rows[0] and isinstance(rows[0][0], dict):
        rows = rows[1:]  # the totals element, present when parameters were given
    states = []
    for values in rows:
        raw = dict(zip(names, values, strict=False))
        start = _epoch(raw.get("calldate"), tz_name) or 0.0
        state = dict(raw)
        state.update(
            callreference=str(raw.get("callreference", "")).lower(),
            callid=str(raw.get("callid", "")),
            calldate=start,
            lastpackettime=_epoch(raw.get("lastpackettime"), tz_name) or start,
            duration=float(raw.get("duration") or 0),
            connect_duration=float(raw.get("connect_duration") or 0),
            callerip=_ip_text(raw.get("callerip")),
            calledip=_ip_text(raw.get("calledip")),
            src_codec=raw.get("callercodec"),
            dst_codec=raw.get("calledcodec"),
            recording_paused=bool(raw.get("recording_paused", False)),
        )
        for key in ("caller", "called", "callername", "callerdomain", "calleddomain", "calleragent", "calledagent"):
            state[key] = str(state.get(key) or "")
        state.setdefault("lastSIPresponseNum", 0)
        state.setdefault("vlan", None)
        state.setdefault("state", "connected" if state["connect_duration"] else "trying")
        states.append(state)
    return states
