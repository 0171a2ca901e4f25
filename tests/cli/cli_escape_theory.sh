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
--landscape styblinski-tang --noise xie-frozen --B-over-eta 2 --dynamics sgd --eta 0.01
--landscape doublewell --noise mori --B-over-eta 20 --event next-min --dynamics sgd --eta 0.05
--landscape doublewell --noise isotropic --D 0.2 --offset 1 --k 2
--landscape moriwell --n-dim 3 --noise xie-frozen --B-over-eta 20 --event next-min
--landscape moriwell --n-dim 2 --noise mori --B-over-eta 20 --event next-min --dynamics mori-tc
--landscape quadratic --noise mori --B-over-eta 10 --event loss --c 2
--landscape quadratic --n-dim 3 --h-ratio 0.5 --noise isotropic --D 0.2 --event loss
--landscape doublewell --noise xie --B-over-eta 20 --event next-min
--landscape doublewell --noise mori --B-over-eta 20 --event ball --r 0.5
FLAGS
# the case of the issue, in the table too: predictions, not "no theory model"
"$SGDLAB" escape --landscape styblinski-tang --noise isotropic --D 5 --trajectories 16 --t-max 5 > "$WORK/st.txt" 2>/dev/null
check "escape --landscape styblinski-tang --noise isotropic --D 5 prints the exact MFPT" grep -q '^exact_mfpt ' "$WORK/st.txt"
finish
