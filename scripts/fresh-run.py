#!/usr/bin/python3
"""Drive `make run` like a person at the console (used by scripts/fresh-check.sh).

Starts `make run` behind a pty, waits for the demo's Linux shell prompt, types a
command, checks its answer, then leaves QEMU with Ctrl-A x. Exit status 0 only if
the answer came back and QEMU ended. Everything the console printed goes to stdout.

    python3 scripts/fresh-run.py [--timeout SECONDS]   (from the repository root)
"""
import argparse
import sys
import time

import pexpect

PROMPT = r"\[linux\] ~ # "
COMMAND = "echo fresh-$((6*7))"
ANSWER = "fresh-42"          # not in the echoed command line itself
QUIT = "\x01x"               # Ctrl-A x: QEMU's monitor escape, quit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=120.0, help="for the whole run, seconds")
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout

    def left():
        return max(1.0, deadline - time.monotonic())

    p = pexpect.spawn("make", ["run"], encoding="utf-8", codec_errors="replace",
                      timeout=args.timeout, logfile=sys.stdout)
    try:
        p.expect(PROMPT, timeout=left())
        print("\nfresh-run: Linux shell prompt after %.1f s" % (args.timeout - left()), flush=True)
        for attempt in range(2):
            # busybox sets the terminal up just after printing its prompt: let it settle
            p.expect(pexpect.TIMEOUT, timeout=0.5)
            p.send(COMMAND + "\r")
            try:
                p.expect(ANSWER, timeout=min(20.0, left()))
                break
            except pexpect.TIMEOUT:
                if attempt:
                    raise
                print("\nfresh-run: no %r yet, typing the command again" % ANSWER, flush=True)
        print("\nfresh-run: got %r; quitting QEMU with Ctrl-A x" % ANSWER, flush=True)
        p.send(QUIT)
        p.expect(pexpect.EOF, timeout=min(30.0, left()))
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        print("\nfresh-run: FAILED waiting (%s)" % type(e).__name__, flush=True)
        p.close(force=True)
        return 1
    p.close()
    print("fresh-run: make run ended, exit status %s" % p.exitstatus, flush=True)
    return 0 if p.exitstatus == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
