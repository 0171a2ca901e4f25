#!/usr/bin/env python3
"""kill_resume.py SGDLAB SPEC DB N [--commit-runs K] [MPIRUN...]: run `sgdlab sweep SPEC --db DB
--resume --quiet [--commit-runs K]` (K: the group commit policy, src/sweep_run.c) and SIGKILL it as soon as the store shows one more finished run than before, again and again until
all N runs are finished (at most 60 starts).  Prints "kills K" (kills that left the store
incomplete) and exits 0 when the store ends complete."""
import os
import signal
import sqlite3
import subprocess
import sys
import time


def finished(db):
    if not os.path.exists(db):
        return 0
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        n = c.execute("SELECT count(*) FROM runs WHERE status = 'finished'").fetchone()[0]
        c.close()
        return n
    except sqlite3.Error:
        return 0


def main():
    sgdlab, spec, db, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    launcher = sys.argv[5:]
    flags = []
    if launcher[:1] == ["--commit-runs"]:
        flags, launcher = launcher[:2], launcher[2:]
    kills = 0
    for _ in range(60):
        before = finished(db)
        if before >= n:
            break
        p = subprocess.Popen(launcher + [sgdlab, "sweep", spec, "--db", db, "--resume", "--quiet"] + flags,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        while p.poll() is None and finished(db) <= before:
            time.sleep(0.002)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)   # the launcher and its ranks
            p.wait()
            kills += finished(db) < n
    print("kills %d" % kills)
    return 0 if finished(db) >= n else 1


if __name__ == "__main__":
    sys.exit(main())
