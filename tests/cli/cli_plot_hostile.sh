#!/usr/bin/env bash
# plot: nothing read from the store (or given as --out) reaches gnuplot as a
# command.  Every string-valued run parameter and the observable name of a
# store are replaced by hostile values (quote breakouts, a line break followed
# by gnuplot's `!` shell escape, backquote substitution, a macro), each is
# plotted as the curve key, and no command may run.  Bad --x/--curve are exit
# 2 with nothing written; a failed gnuplot leaves no file behind and an old
# plot as it was.  Exits 77 (ctest: skipped) when gnuplot is not installed.
# (issue 10 items 2 and 11)
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1
if ! command -v gnuplot > /dev/null; then
    echo "SKIP: gnuplot is not installed (scripts/bootstrap.sh installs gnuplot-nox)"
    exit 77
fi

cat > spec.yaml <<'EOF'
base: {model: diagnet, noise: label, d: 4, n: 3, kappa: 1, steps: 200, every: 100, trajectories: 2}
grid:
  lr: [0.01, 0.02]
zip:
  seed: [1, 2, 3]
EOF
"$SGDLAB" sweep spec.yaml --db clean.db --quiet 2> /dev/null
check "sweep: exit 0" test $? -eq 0
cp clean.db r.db
# every string value of every run and the observable train_loss: hostile
"$PY" - <<'EOF' > keys.txt
import json, sqlite3
H = ['x"; system("touch PWNED_dq"); y="z.csv',
     "x'; system('touch PWNED_sq'); y='z",
     "a\n!touch PWNED_bang\nsystem('touch PWNED_nl')\n#",
     "`touch PWNED_bq`",
     'b\\" . system("touch PWNED_bs") . "\\',
     "\r!touch PWNED_cr\r",
     "@PWNED_macro ''' \\",
     'q\'\'"\'; system("touch PWNED_mix") #']
db = sqlite3.connect("r.db")
keys = set()
for i, (run_id, params) in enumerate(db.execute("SELECT run_id, params FROM runs ORDER BY run_id").fetchall()):
    p = json.loads(params)
    for j, k in enumerate(sorted(p)):
        if isinstance(p[k], str):
            p[k] = H[(i + j) % len(H)]
            keys.add(k)
    db.execute("UPDATE runs SET params = ? WHERE run_id = ?", (json.dumps(p), run_id))
db.execute("UPDATE series SET observable = ? WHERE observable = 'train_loss'", (H[0] + H[2],))
db.commit()
print(" ".join(sorted(keys)))
EOF
KEYS=$(cat keys.txt)
OBS=$("$PY" -c 'print('"'"'x"; system("touch PWNED_dq"); y="z.csv'"'"' + "a\n!touch PWNED_bang\nsystem('"'"'touch PWNED_nl'"'"')\n#", end="")')
check "planted hostile values in: $KEYS" test -n "$KEYS"
for k in $KEYS; do
    for x in lr step; do
        "$SGDLAB" plot r.db --x $x --curve "$k" --obs "$OBS" --out "p_${k}_$x.svg" 2> err.txt
        rc=$?
        check "plot --x $x --curve $k (hostile values, hostile observable): exit 0 (got $rc: $(tail -n 1 err.txt))" test "$rc" -eq 0
        check "plot --x $x --curve $k: an SVG" grep -q "<svg" "p_${k}_$x.svg"
    done
done
"$SGDLAB" plot r.db --x lr --curve model --out p_default_obs.png 2> err.txt
check "plot with the default observable: exit 0" test $? -eq 0
# hostile --out names: quotes, backquotes, gnuplot's pipe and special file names
for out in "o'q\"\`touch PWNED_out\`.svg" "|touch PWNED_pipe;x.svg" "<touch PWNED_lt;x.svg" "-.svg" "~x.svg"; do
    "$SGDLAB" plot r.db --x step --curve noise --out "$out" 2> err.txt
    rc=$?
    check "plot --out '$out': exit 0 (got $rc: $(tail -n 1 err.txt))" test "$rc" -eq 0
    check "plot --out '$out': written under exactly that name" grep -q "<svg" "./$out"
done
check "no command from the store or --out ran (no PWNED* file)" test -z "$(find . -name 'PWNED*')"

# ---- bad --x / --curve: exit 2, the allowed values named, nothing written
bad() {   # description expected-text args...
    local desc=$1 want=$2
    shift 2
    rm -f b.svg b.svg.dat b.svg.gp
    "$SGDLAB" "$@" --out b.svg > out.txt 2> err.txt
    local rc=$?
    check "$desc: exit 2 (got $rc)" test "$rc" -eq 2
    check "$desc: says '$want'" grep -qF -- "$want" err.txt
    check "$desc: nothing written" test -z "$(ls | grep '^b\.svg')"
}
bad "plot --x noise" "--x: not a numeric parameter: 'noise'; valid: step, t_eta, d, n" plot clean.db --x noise
bad "plot --x nope" "--x: unknown 'nope'; valid: step, t_eta, d, n" plot clean.db --x nope
bad "plot --x t_eta2" "--x: t_eta2 is not plotted yet" plot clean.db --x t_eta2
bad "plot --curve nope" "--curve: unknown parameter 'nope'; valid: model" plot clean.db --x lr --curve nope
bad "plot --curve lr --x lr" "--curve: must differ from --x" plot clean.db --x lr --curve lr
bad "plot --where lr=abc" "--where lr: must be a finite number" plot clean.db --x step --where lr=abc
bad "plot --obs nope" "--obs: 'nope' is not in the store" plot clean.db --x step --obs nope

# a link or a non-file where plot writes: refused, the file behind it untouched
echo victim > victim.txt
ln -s victim.txt v.svg.dat
"$SGDLAB" plot clean.db --x step --out v.svg 2> err.txt
rc=$?
check "plot --out v.svg with v.svg.dat a symbolic link: exit 2 (got $rc)" test "$rc" -eq 2
check "plot: the link's target untouched" test "$(cat victim.txt)" = victim
check "plot: nothing written beside the link" test ! -e v.svg -a ! -e v.svg.gp

# ---- gnuplot fails (a stand-in that writes half an image, then exits 1) or is missing:
# exit 1, no temporary, data or script file left, an old plot kept
mkdir -p fakebin
cat > fakebin/gnuplot <<'EOF'
#!/bin/sh
f=$(sed -n "s/^set output '\(.*\)'$/\1/p" "$1")
printf '<svg half' > "$f"
echo "gnuplot stand-in: failing" >&2
exit 1
EOF
chmod +x fakebin/gnuplot
echo "old plot" > keep.svg
PATH="$WORK/fakebin:$PATH" "$SGDLAB" plot clean.db --x step --out keep.svg 2> err.txt
rc=$?
check "plot, gnuplot fails: exit 1 (got $rc)" test "$rc" -eq 1
check "plot, gnuplot fails: says so" grep -q "gnuplot failed" err.txt
check "plot, gnuplot fails: the old plot kept" test "$(cat keep.svg)" = "old plot"
check "plot, gnuplot fails: no data, script or temporary file left" test "$(ls | grep -c '^keep\.svg')" -eq 1
PATH=/nonexistent "$SGDLAB" plot clean.db --x step --out none.svg 2> err.txt
rc=$?
check "plot, no gnuplot: exit 1 (got $rc)" test "$rc" -eq 1
check "plot, no gnuplot: says how to install it" grep -q "not installed" err.txt
check "plot, no gnuplot: nothing left" test -z "$(ls | grep '^none\.svg')"
"$SGDLAB" plot clean.db --x step --curve lr --out ok.svg 2> err.txt
check "plot: exit 0" test $? -eq 0
check "plot: image, data and script kept, no temporary file" test "$(ls | grep -c '^ok\.svg')" -eq 3

finish
