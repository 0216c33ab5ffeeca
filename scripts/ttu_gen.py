#!/usr/bin/python3
"""Host side of the 32-line serial collector (configs/ttu.dts, docs/ttu.md).

QEMU's eight pci-serial-4x cards get one chardev per UART: a Unix socket
<dir>/tty<n>.sock (QEMU listens, this script connects). Line n is /dev/ttyRTV<n> in
the Linux VM.

  ttu_gen.py qemu-args DIR            the QEMU options (make run SCENARIO=ttu uses them)
  ttu_gen.py feed DIR --seconds S --rate BYTES_PER_S [--lines N]
                                      feed every line at that rate, print what was sent
                                      (bytes, md5 per line) and check what came back

Stream of line n (what `feed` sends): 16-byte records "NN:KKKKKKKKKKKK\\n" with the
record number K counting from 0, so any byte's position is known from the text.
What comes back is checked against the stream `seq` prints in Linux: line n sends
`seq <first(n)> <last>` (first(n) = n * 10000000 + 1).
"""
import argparse
import hashlib
import os
import selectors
import socket
import sys
import time

LINES = 32
CARDS = 8
FIRST_SLOT = 2
RECORD = 16
SNDBUF = 4096


def sock_path(d, n):
    return os.path.join(d, "tty%d.sock" % n)


def qemu_args(d, lines=LINES):
    """-chardev/-device options for the cards: card c at 00:<c+2>.0, UARTs 4c..4c+3."""
    args = []
    for c in range((lines + 3) // 4):
        dev = "pci-serial-4x,addr=%d.0" % (FIRST_SLOT + c)
        for p in range(4):
            n = 4 * c + p
            args += ["-chardev", "socket,id=ttu%d,path=%s,server=on,wait=off" % (n, sock_path(d, n))]
            dev += ",chardev%d=ttu%d" % (p + 1, n)
        args += ["-device", dev]
    return args


def record(line, k):
    return b"%02d:%012d\n" % (line, k)


def stream(line, start, end):
    """Bytes [start, end) of line's stream."""
    k0, k1 = start // RECORD, (end + RECORD - 1) // RECORD
    data = b"".join(record(line, k) for k in range(k0, k1))
    return data[start - k0 * RECORD:end - k0 * RECORD]


def stream_md5(line, start, end, skip=None):
    """md5 of stream[start:end], without [skip[0], skip[1]) if given."""
    h = hashlib.md5()
    ranges = [(start, end)] if not skip else [(start, skip[0]), (skip[1], end)]
    for a, b in ranges:
        for pos in range(a, b, 1 << 20):
            h.update(stream(line, pos, min(b, pos + (1 << 20))))
    return h.hexdigest()


def offset_of(line, head):
    """Stream offset of the first byte of `head` (bytes received from a line's stream,
    starting anywhere): found from the first whole record in it."""
    i = head.find(b"\n")
    if i < 0 or len(head) < i + 1 + RECORD:
        raise ValueError("too short to place: %r" % head)
    rec = head[i + 1:i + 1 + RECORD]
    if rec[:3] != b"%02d:" % line:
        raise ValueError("line %d: not its stream: %r" % (line, rec))
    return int(rec[3:15]) * RECORD - (i + 1)


def seq_bytes(line, count):
    first = line * 10000000 + 1
    return b"".join(b"%d\n" % v for v in range(first, first + count))


class Lines:
    """Connections to the UARTs' sockets; feeds the streams and collects what comes back."""

    def __init__(self, d, lines=LINES, timeout=30):
        self.n = lines
        self.socks = []
        end = time.time() + timeout
        for i in range(lines):
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(sock_path(d, i))
                    break
                except OSError:
                    s.close()
                    if time.time() > end:
                        raise
                    time.sleep(0.2)
            # a small send buffer: what QEMU has not taken stays here, so `sent` is
            # close to what reached the UART (QEMU reads only as the FIFO has room)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
            s.setblocking(False)
            self.socks.append(s)
        self.sent = [0] * lines
        self.back = [bytearray() for _ in range(lines)]

    def _drain(self, sel, wait):
        for key, _ in sel.select(wait):
            i = key.data
            try:
                chunk = self.socks[i].recv(65536)
            except BlockingIOError:
                continue
            if chunk:
                self.back[i] += chunk

    def feed(self, seconds, rate, lines=None):
        """Send each line's stream at `rate` bytes/s for `seconds` (QEMU may push back:
        then less is sent). Returns the wall time it took."""
        lines = range(self.n) if lines is None else lines
        sel = selectors.DefaultSelector()
        for i in range(self.n):
            sel.register(self.socks[i], selectors.EVENT_READ, i)
        base = list(self.sent)
        t0 = time.time()
        while True:
            el = time.time() - t0
            if el >= seconds:
                break
            for i in lines:
                want = base[i] + int(rate * el) - self.sent[i]
                if want <= 0:
                    continue
                try:
                    n = self.socks[i].send(stream(i, self.sent[i], self.sent[i] + min(want, 4096)))
                except BlockingIOError:
                    n = 0
                self.sent[i] += n
            self._drain(sel, 0.005)
        sel.close()
        return time.time() - t0

    def collect(self, seconds):
        """Only read what comes back, for `seconds`."""
        sel = selectors.DefaultSelector()
        for i in range(self.n):
            sel.register(self.socks[i], selectors.EVENT_READ, i)
        end = time.time() + seconds
        while time.time() < end:
            self._drain(sel, 0.05)
        sel.close()

    def close(self):
        for s in self.socks:
            s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("qemu-args")
    q.add_argument("dir")
    f = sub.add_parser("feed")
    f.add_argument("dir")
    f.add_argument("--seconds", type=float, default=10)
    f.add_argument("--rate", type=int, default=2000, help="bytes/s per line")
    f.add_argument("--lines", type=int, default=LINES)
    a = ap.parse_args()
    if a.cmd == "qemu-args":
        os.makedirs(a.dir, exist_ok=True)
        print(" ".join(qemu_args(a.dir)))
        return 0
    ls = Lines(a.dir, a.lines)
    took = ls.feed(a.seconds, a.rate)
    ls.collect(1.0)
    total = sum(ls.sent)
    print("ttu_gen: sent %d bytes on %d lines in %.1f s (%.0f B/s)" % (total, a.lines, took, total / took))
    for i in range(a.lines):
        back = bytes(ls.back[i])
        print("ttu_gen: line %d sent=%d md5=%s back=%d" % (i, ls.sent[i], stream_md5(i, 0, ls.sent[i]), len(back)))
    ls.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
