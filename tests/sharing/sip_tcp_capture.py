"""A capture of SIP over TCP whose messages are split across segments, built from real traffic.

None of the public captures carries SIP over TCP, so the six SIP messages of the public G.729 call
(`sip_rtp_g729a.pcap`: INVITE, 100, 200 with SDP, ACK, BYE, 200; taken out by tshark) are carried over
one TCP connection between the same two hosts, as a SIP stack would send them (Via and Contact say TCP,
the same length as UDP, so every Content-Length stays right):

- the INVITE in three segments, cut inside `Content-Length` and inside the SDP's `c=` address;
- 100 Trying and the first part of the 200 OK in one segment, cut inside the 200's `c=` address;
- the peer's pure ACKs between the parts, then ACK, BYE and its 200 whole.

Checksums are computed by dpkt; tshark is the judge that the result is a clean TCP conversation.
"""

import socket
import subprocess

import dpkt

CLIENT_PORT, SERVER_PORT = 40123, 5060
PSH_ACK, ACK = dpkt.tcp.TH_PUSH | dpkt.tcp.TH_ACK, dpkt.tcp.TH_ACK


def real_messages(source):
    """(time, source address, destination address, payload) of each SIP message, in order."""
    out = subprocess.run(
        ["tshark", "-r", str(source), "-Y", "sip", "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src",
         "-e", "ip.dst", "-e", "udp.payload"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    rows = [line.split("\t") for line in out.splitlines()]
    messages = []
    for when, src, dst, payload in rows:
        data = bytes.fromhex(payload.replace(":", ""))
        data = data.replace(b"SIP/2.0/UDP", b"SIP/2.0/TCP").replace(b"transport=udp", b"transport=tcp")
        messages.append((float(when), src, dst, data))
    return messages


def cut_inside_address(message, marker=b"c=IN IP4 "):
    """The position in the middle of the address of the SDP line starting with `marker`."""
    start = message.index(marker) + len(marker)
    end = message.index(b"\r\n", start)
    return (start + end) // 2


def build(source, target):
    """Write the TCP capture to `target`; returns the number of frames."""
    messages = real_messages(source)
    invite, trying, ok, ack, bye, bye_ok = (m[3] for m in messages)
    client, server = messages[0][1], messages[0][2]
    t0 = messages[0][0]
    seq = {client: 1000, server: 5000}
    frames = []

    def send(when, sender, payload=b"", flags=PSH_ACK):
        receiver = server if sender == client else client
        sport, dport = (CLIENT_PORT, SERVER_PORT) if sender == client else (SERVER_PORT, CLIENT_PORT)
        ack_no = seq[receiver] if flags & dpkt.tcp.TH_ACK else 0
        tcp = dpkt.tcp.TCP(sport=sport, dport=dport, seq=seq[sender], ack=ack_no, flags=flags, win=64240,
                           data=payload)  # fmt: skip
        tcp.off = 5
        ip = dpkt.ip.IP(src=socket.inet_aton(sender), dst=socket.inet_aton(receiver), p=6, ttl=64,
                        id=len(frames) + 1, data=tcp)  # fmt: skip
        ip.len = 20 + len(bytes(tcp))
        mac = {client: b"\x02\x00\x00\x00\x00\x20", server: b"\x02\x00\x00\x00\x00\x15"}
        eth = dpkt.ethernet.Ethernet(src=mac[sender], dst=mac[receiver], type=dpkt.ethernet.ETH_TYPE_IP, data=ip)
        when = max(when, frames[-1][0] + 0.0001) if frames else when  # the capture's clock only moves on
        frames.append((when, bytes(eth)))
        step = len(payload) + (1 if flags & (dpkt.tcp.TH_SYN | dpkt.tcp.TH_FIN) else 0)
        seq[sender] = (seq[sender] + step) & 0xFFFFFFFF

    send(t0 - 0.003, client, flags=dpkt.tcp.TH_SYN)
    send(t0 - 0.002, server, flags=dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK)
    send(t0 - 0.001, client, flags=ACK)
    first = invite.index(b"Content-Length") + len(b"Content-Le")
    second = cut_inside_address(invite)
    send(t0, client, invite[:first])
    send(t0 + 0.0001, server, flags=ACK)
    send(t0 + 0.0002, client, invite[first:second])
    send(t0 + 0.0003, client, invite[second:])
    send(t0 + 0.0004, server, flags=ACK)
    cut = cut_inside_address(ok)
    send(messages[1][0], server, trying + ok[:cut])
    send(messages[1][0] + 0.0001, client, flags=ACK)
    send(messages[2][0], server, ok[cut:])
    send(messages[3][0], client, ack)
    send(messages[4][0], server, bye)
    send(messages[5][0], client, bye_ok)
    send(messages[5][0] + 0.0001, server, flags=ACK)
    with open(target, "wb") as handle:
        writer = dpkt.pcap.Writer(handle, linktype=dpkt.pcap.DLT_EN10MB)
        for when, frame in frames:
            writer.writepkt(frame, ts=when)
    return len(frames)


def stream_messages(path):
    """Each direction of the TCP conversation as tshark reassembles it (follow,tcp,raw), cut into SIP
    messages by their own Content-Length: [(head, body, what follows the body)]."""
    out = subprocess.run(["tshark", "-r", str(path), "-q", "-z", "follow,tcp,raw,0"], capture_output=True,
                         text=True, check=True, timeout=60).stdout  # fmt: skip
    streams = {0: b"", 1: b""}
    for line in out.splitlines():
        text = line.strip()
        if not text or not all(c in "0123456789abcdef" for c in text):
            continue
        streams[1 if line.startswith("\t") else 0] += bytes.fromhex(text)
    messages = []
    for data in streams.values():
        pos = 0
        while pos < len(data):
            split = data.index(b"\r\n\r\n", pos)
            head = data[pos : split + 4]
            lines = head.split(b"\r\n")
            length = int(next(line.split(b":", 1)[1] for line in lines if line.lower().startswith(b"content-length")))
            body = data[split + 4 : split + 4 + length]
            pos = split + 4 + length
            messages.append((head, body, data[pos : pos + 12]))
    return messages
