#!/usr/bin/env bash
# `sgdlab escape` and `sgdlab theory` print the same theory for the same
# flags: both go through the library's one translation of an escape spec
# (sgl_escape_theory_problem).  Issue 11: escape once had its own translation
# and said "no theory model of this landscape" for styblinski-tang, where
# theory printed an exact MFPT.
. "$(dirname "$0")/common.sh" "$@"

cat > "$WORK/cmp.py" <<'PY'
import json, math, sys
esc = json.load(open(sys.argv[1]))["theory"]
th = json.load(open(sys.argv[2]))["theory"]
if "unavailable" in esc:   # escape's reason is theory's "none" entry
    ok = list(th) == ["none"] and th["none"]["note"] == esc["unavailable"]
else:
    def same(a, b):
        return (a is None and b is None) or (a is not None and b is not None and (a == b or (math.isnan(a) and math.isnan(b))))
    ok = list(esc) == list(th) and all(same(esc[k]["value"], th[k]["value"]) and esc[k]["unit"] == th[k]["unit"]
                                       and esc[k]["note"] == th[k]["note"] for k in th)
    ok = ok and len(th) > 0
print("same" if ok else "differ: escape %s theory %s" % (sorted(esc), sorted(th)))
sys.exit(0 if ok else 1)
PY
i=0
while read -r flags; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    "$SGDLAB" escape $flags --trajectories 16 --t-max 5 --json > "$WORK/e$i.json" 2>"$WORK/e$i.err"; rc=$?
    # shellcheck disable=SC2086
    "$SGDLAB" theory $flags --json > "$WORK/t$i.json" 2>"$WORK/t$i.err"; rt=$?
    check "escape and theory exit 0 for '$flags' (got $rc, $rt)" test "$rc" -eq 0 -a "$rt" -eq 0
    out=$("$PY" "$WORK/cmp.py" "$WORK/e$i.json" "$WORK/t$i.json" 2>&1); r=$?
    check "escape's theory equals theory's for '$flags': $out" test "$r" -eq 0
done <<'FLAGS'
--landscape styblinski-tang --noise isotropic --D 5
--landscape styblinski-tang --n-dim 3 --noise mori --B-over-eta 20 --event next-min --k 1.5
--landscape styblinski-tang --noise xie-frozen --B-over-eta 2 --dynamics sgd --lr 0.01
--landscape doublewell --noise mori --B-over-eta 20 --event next-min --dynamics sgd --lr 0.05
--landscape doublewell --noise isotropic --D 0.2 --offset 1 --k 2
--landscape moriwell --n-dim 3 --noise xie-frozen --B-over-eta 20 --event next-min
--landscape moriwell --n-dim 2 --noise mori --B-over-eta 20 --event next-min --dynamics mori-tc
--landscape quadratic --noise mori --B-over-eta 10 --event loss --c 2
--landscape quadratic --n-dim 3 --h-ratio 0.5 --noise isotropic --D 0.2 --event loss
--landscape doublewell --noise xie --B-over-eta 20 --event next-min
--landscape doublewell --noise mori --B-over-eta 20 --event ball --r 0.5
--landscape quadratic
--landscape quadratic --n-dim 8 --B-over-eta 2
--landscape quadratic --noise isotropic --D 0.2 --c 3
FLAGS
# the case of the issue, in the table too: predictions, not "no theory model"
"$SGDLAB" escape --landscape styblinski-tang --noise isotropic --D 5 --trajectories 16 --t-max 5 > "$WORK/st.txt" 2>/dev/null
check "escape --landscape styblinski-tang --noise isotropic --D 5 prints the exact MFPT" grep -q '^exact_mfpt ' "$WORK/st.txt"

# The event's default follows the landscape (issue 11 item 11): quadratic has no saddle, so `theory
# --landscape quadratic` and `escape --landscape quadratic` run with event loss and say so; a given
# --event hyperplane is still refused with the same message.
"$SGDLAB" theory --landscape quadratic > "$WORK/q.txt" 2>"$WORK/q.err"; rc=$?
check "theory --landscape quadratic exits 0 (got $rc: $(cat "$WORK/q.err"))" test "$rc" -eq 0
check "theory --landscape quadratic: the header names the defaulted event" \
    grep -qx '# event loss (defaulted: the landscape has no saddle for hyperplane)' "$WORK/q.txt"
check "theory --landscape quadratic: the exact MFPT of the loss exit" grep -q '^exact_mfpt ' "$WORK/q.txt"
"$SGDLAB" escape --landscape quadratic --trajectories 16 --t-max 5 > "$WORK/qe.txt" 2>/dev/null; rc=$?
check "escape --landscape quadratic exits 0 (got $rc)" test "$rc" -eq 0
check "escape --landscape quadratic: the header names the defaulted event" \
    grep -q '^# event loss (defaulted: the landscape has no saddle for hyperplane) (L >= 2 L\* = 1)' "$WORK/qe.txt"
check "escape --landscape quadratic --json: event loss, event_defaulted" "$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["event"] == "loss" and j["event_defaulted"].startswith("defaulted") else 1)' "$WORK/e12.json"
check "theory --event loss (given): no event_defaulted" "$PY" -c '
import json, sys
sys.exit(0 if "event_defaulted" not in json.load(open(sys.argv[1])) else 1)' "$WORK/t8.json"
for cmd in theory escape; do
    "$SGDLAB" $cmd --landscape quadratic --event hyperplane > "$WORK/h.out" 2>"$WORK/h.err"; rc=$?
    check "$cmd --landscape quadratic --event hyperplane: exit 2 (got $rc), nothing on stdout, today's message" \
        test "$rc" -eq 2 -a ! -s "$WORK/h.out" -a "$(cat "$WORK/h.err")" = "sgdlab: --event: hyperplane needs a landscape with a saddle (doublewell, moriwell, styblinski-tang); landscape quadratic has none: use loss, ball or none"
done
# n >= n_c (B/eta = 2, h = 1: n_c = 6): flagged, no Eq. 17 slope, the drift of log L instead (n = 8: 1 per t)
cat > "$WORK/nc.py" <<'PY'
import json, sys
th = json.load(open(sys.argv[1]))["theory"]
lo = json.load(open(sys.argv[2]))["theory"]
def ok(c, what):
    print(("PASS: " if c else "FAIL: ") + what)
ok("n_ge_n_c" in th and "not normalisable" in th["n_ge_n_c"]["note"] and th["n_ge_n_c"]["value"] is None,
   "n = 8 >= n_c = 6: n_ge_n_c says L^-phi is not normalisable")
ok("mori_slope" not in th and "exact_mfpt" not in th, "n >= n_c: no exact or asymptotic MFPT row")
ok(th["log_loss_growth"]["value"] == 1.0, "log_loss_growth = h (n - n_c) / (B/(eta h)) = 1")
ok("n_ge_n_c" not in lo and "mori_slope" in lo, "n = 5 < n_c: no flag, the slope row")
PY
"$SGDLAB" theory --landscape quadratic --B-over-eta 2 --n-dim 5 --json > "$WORK/n5.json"
pycheck "n_c JSON" "$WORK/nc.py" "$WORK/t13.json" "$WORK/n5.json"
"$SGDLAB" theory --landscape quadratic --B-over-eta 2 --n-dim 8 > "$WORK/n8.txt"
check "theory table, n >= n_c: one clear line" grep -q '^n_ge_n_c .*n = 8 >= n_c = 6: L^-phi is not normalisable' "$WORK/n8.txt"
# ... and what it says holds: beyond n_c, E tau(c) grows like log c / rate.  MFPT(c = 1e8) - MFPT(c = 1e4)
# against log(1e4) / 1 = 9.21: simulated ~8.9 with SE ~0.4 (200 trajectories each); the band [7, 11.5] is
# > 4 SE either side plus the Euler bias (false failure < 1e-4).  Fixed seed: deterministic.
m4=$("$SGDLAB" escape --landscape quadratic --B-over-eta 2 --n-dim 8 --c 1e4 --trajectories 200 --t-max 1000 --json 2>/dev/null)
m8=$("$SGDLAB" escape --landscape quadratic --B-over-eta 2 --n-dim 8 --c 1e8 --trajectories 200 --t-max 1000 --json 2>/dev/null)
d=$("$PY" -c 'import json, sys; print(json.loads(sys.argv[2])["mfpt"]["mean"] - json.loads(sys.argv[1])["mfpt"]["mean"])' "$m4" "$m8")
check "n = 8 > n_c: MFPT(c = 1e8) - MFPT(c = 1e4) = $d ~ log(1e4) / log_loss_growth = 9.21" \
    awk -v d="$d" 'BEGIN { exit !(d >= 7 && d <= 11.5) }'
finish
