#!/usr/bin/env bash
# sgdlab escape --method ams: a rare escape (exact MFPT 1.96e7, Mori noise L0 = 0.05, B/eta = 40) estimated
# within its CI of the exact quadrature that the same output prints; --json keeps the direct method's shape
# (mfpt, rate, theory) plus method and the splitting diagnostics; the same bits for 1 and 2 threads; the
# splitting keys are refused without --method ams and bad values name their flag (--db: cli_escape_ams_store).
# The CI check is one draw of a 95 % log-normal interval from 8 runs (seed fixed: deterministic); its
# false-failure probability for a random seed is ~5 %, this seed's outcome is fixed (tests/test_ams.c holds
# the calibrated 5-SE checks).
. "$(dirname "$0")/common.sh" "$@"

args=(escape --landscape doublewell --L0 0.05 --noise mori --B-over-eta 40 --method ams --replicas 50 --ams-runs 8
      --t-max 1e6 --seed 3)
j1=$("$SGDLAB" "${args[@]}" --json --threads 1 2>"$WORK/err1"); rc1=$?
j2=$("$SGDLAB" "${args[@]}" --json --threads 2 2>"$WORK/err2"); rc2=$?
check "ams exits 0 for 1 and 2 threads" test "$rc1" -eq 0 -a "$rc2" -eq 0
pycheck "json: direct shape + method + ams diagnostics, exact MFPT inside the CI, same bits for 1 and 2 threads" - "$j1" "$j2" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
a.pop("seconds"); b.pop("seconds")
ok = a == b and a["method"] == "ams"
ok = ok and all(k in a["mfpt"] for k in ("mean", "se", "ci", "unit")) and all(k in a["rate"] for k in ("value", "se", "ci"))
ok = ok and all(k in a["ams"] for k in ("p", "p_se", "t_loop", "t_reactive", "iterations", "evaluations", "z_A", "z_sigma"))
ex = a["theory"]["exact_mfpt"]["value"]
lo, hi = a["mfpt"]["ci"]
ok = ok and lo < ex < hi and 1e7 < ex < 3e7 and 0 < a["ams"]["p"] < 1e-6
print("exact", ex, "ams", a["mfpt"]["mean"], "ci", lo, hi)
sys.exit(0 if ok else 1)
PY
t=$("$SGDLAB" "${args[@]}" --ams-runs 2 2>/dev/null)
check "table shows p, MFPT with CI and the exact MFPT beside it" bash -c 'grep -q "^p (reach the event before A)" <<<"$1" && grep -q "^MFPT  " <<<"$1" && grep -q "^exact_mfpt " <<<"$1"' _ "$t"

bad() {   # bad FLAG-NAMED ARGS...: exit 2, the flag named on stderr, nothing on stdout
    local name=$1; shift
    out=$("$SGDLAB" escape "$@" 2>"$WORK/bad.err"); rc=$?
    check "bad: $* -> exit 2 naming $name" bash -c '[ "$1" -eq 2 ] && [ -z "$2" ] && grep -q -- "$3" "$4"' _ "$rc" "$out" "$name" "$WORK/bad.err"
}
bad --replicas --replicas 10
bad --kill --noise isotropic --D 0.1 --kill 2
bad --method --method amss
bad --kill --method ams --replicas 10 --kill 10
bad --ams-z-sigma --method ams --ams-z-a 0.1
bad --event --method ams --event none
finish
