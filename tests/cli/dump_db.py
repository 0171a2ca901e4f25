#!/usr/bin/env python3
"""Print the results in an sgdlab store in a canonical text form: every row
that a run's results determine, ordered by run key, every REAL as float.hex()
(exact), leaving out what legitimately differs between two executions of the
same sweep (timings, run_id numbering, git hash, thread counts).  Two stores
hold the same results iff their dumps are equal."""
import sqlite3
import sys


def h(x):
    if x is None:
        return "NULL"
    if isinstance(x, float):
        return x.hex()
    return repr(x)


def main(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = []
    for row in db.execute("SELECT run_key, command, params, seed, n_traj, sweep_index, status, counter_layout,"
                          " version FROM runs ORDER BY run_key"):
        out.append("run " + " ".join(h(v) for v in row))
    for row in db.execute("SELECT r.run_key, s.observable, s.traj, s.step, s.t_eta, s.t_eta2, s.value"
                          " FROM series s JOIN runs r USING(run_id) ORDER BY 1, 2, 3, 4"):
        out.append("series " + " ".join(h(v) for v in row))
    for row in db.execute("SELECT r.run_key, e.traj, e.kind, e.time, e.time_unit, e.censored, e.value"
                          " FROM events e JOIN runs r USING(run_id) ORDER BY 1, 2, 3, 4"):
        out.append("event " + " ".join(h(v) for v in row))
    for row in db.execute("SELECT r.run_key, e.name, e.method, e.step, e.time, e.time_unit, e.mean, e.se, e.ci_lo,"
                          " e.ci_hi, e.min, e.max, e.n, e.n_diverged, e.n_censored, e.n_nonfinite"
                          " FROM estimates e JOIN runs r USING(run_id) ORDER BY 1, 2, 4"):
        out.append("estimate " + " ".join(h(v) for v in row))
    for row in db.execute("SELECT name, path, spec FROM sweeps ORDER BY sweep_id"):
        out.append("sweep " + " ".join(h(v) for v in row))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
