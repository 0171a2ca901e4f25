#!/usr/bin/env bash
# plot: the figure says what it shows (issue 16 item 6).  The title names the
# estimate and the step, a second title line the --where filters as given and
# the keys pooled over (a point holds runs of several values of it: not x,
# the curve or filtered, nor a key that varies only with them); the axes the
# quantity (parameter table, observable doc); the legend each curve's trajectories and how many diverged: against a clock x
# (a group per logged step of the same trajectories) counted once, not once
# per step.  A hostile --where value reaches gnuplot only as a quoted string
# (src/quote.c): no command runs and the drawn title shows the value.  Exits
# 77 (ctest: skipped) when gnuplot is not installed.
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1
if ! command -v gnuplot > /dev/null; then
    echo "SKIP: gnuplot is not installed (scripts/bootstrap.sh installs gnuplot-nox)"
    exit 77
fi

# lr = 0.5 diverges (all 3 trajectories) within the first 50 steps; kappa varies too
cat > spec.yaml <<'EOF2'
base: {model: diagnet, noise: label, d: 4, n: 3, steps: 200, every: 50, seeds: 3}
grid:
  lr: [0.01, 0.5]
  kappa: [1, 2]
EOF2
"$SGDLAB" sweep spec.yaml --db s.db --quiet 2> /dev/null
check "sweep: exit 0" test $? -eq 0

title() { grep '^set title ' "$1"; }
"$SGDLAB" plot s.db --x step --curve lr --obs train_loss --where kappa=1 --out c.svg 2> err.txt
rc=$?
check "plot --x step --where kappa=1: exit 0 ($(tail -n 1 err.txt))" test $rc -eq 0
check "title: the estimate at each step, the filter on line 2 ($(title c.svg.gp))" \
    test "$(title c.svg.gp)" = "set title 'train_loss: mean +- SE over trajectories at each logged step'.\"\\n\".'only kappa=1' noenhanced"
check "legend: lr = 0.5 diverged, counted once (3 trajectories), not once per logged step" \
    grep -qF "title 'lr = 0.5 (3 trajectories, 3 diverged or non-finite)'" c.svg.gp
check "legend: lr = 0.01 none diverged" grep -qF "title 'lr = 0.01 (3 trajectories)'" c.svg.gp
check "axes: quantity of x and y" grep -qF "set ylabel 'train_loss: (1/n) sum_i a r_i^2'" c.svg.gp
check "SE band drawn" grep -q "filledcurves" c.svg.gp
check "Okabe-Ito colours" grep -qF "set linetype 2 lc rgb '#D55E00'" c.svg.gp

"$SGDLAB" plot s.db --x lr --obs train_loss --step 50 --out p.svg 2> err.txt
check "plot --x lr: exit 0" test $? -eq 0
check "title: the chosen step, pooled over kappa ($(title p.svg.gp))" \
    test "$(title p.svg.gp)" = "set title 'train_loss: mean +- SE over trajectories at step 50'.\"\\n\".'pooled over kappa' noenhanced"
check "x label from the parameter table" grep -qF "set xlabel 'learning rate eta (lr)'" p.svg.gp
check "legend: 12 trajectories of 4 runs, 6 diverged" grep -qF "title 'all (12 trajectories, 6 diverged or non-finite)'" p.svg.gp
"$SGDLAB" plot s.db --x kappa --curve lr --out f.svg 2> err.txt
check "title: the final step, nothing selected or pooled" \
    test "$(title f.svg.gp)" = "set title 'test_error: mean +- SE over trajectories at the final step 200' noenhanced"

# log axes: step 0 is left out of a log x (not drawn at the frame, nor stretching the range a decade), and a
# log y spanning under a decade gets labelled ticks
"$SGDLAB" plot s.db --x step --curve lr --where kappa=1 --logx --logy --obs train_loss --out l.svg 2> err.txt
check "plot --logx --logy: exit 0" test $? -eq 0
check "log x: x <= 0 undefined in every curve" test "$(grep -c 'using (\$1 > 0 ? \$1 : 1/0):' l.svg.gp)" -eq 4
check "log x: the range from the first positive step (50), a 5 % margin" grep -qE '^set xrange \[4[0-9.]+:2[0-9.]+\]$' l.svg.gp

# a key that varies between the runs but only with the curve (a zip) is not pooled: each point is one run
cat > zip.yaml <<'EOF2'
base: {model: diagnet, noise: label, d: 4, n: 3, kappa: 1, steps: 200, seeds: 2}
zip:
  lr: [0.01, 0.02]
  every: [50, 100]
EOF2
"$SGDLAB" sweep zip.yaml --db z.db --quiet 2> /dev/null
"$SGDLAB" plot z.db --x step --curve lr --out z.svg 2> err.txt
check "plot of a zip: exit 0" test $? -eq 0
check "title: every varies with lr only, nothing pooled ($(title z.svg.gp))" \
    test "$(title z.svg.gp)" = "set title 'test_error: mean +- SE over trajectories at each logged step' noenhanced"

# ---- a hostile stored model name, selected by --where: quoted, drawn as given, never run
cp s.db h.db
H='x'"'"'; system("touch PWNED_w") #`touch PWNED_bq` @m '"''"' \'
"$PY" - "$H" <<'EOF2'
import json, sqlite3, sys
db = sqlite3.connect("h.db")
for run_id, params in db.execute("SELECT run_id, params FROM runs").fetchall():
    p = json.loads(params)
    p["model"] = sys.argv[1]
    db.execute("UPDATE runs SET params = ? WHERE run_id = ?", (json.dumps(p), run_id))
db.commit()
EOF2
"$SGDLAB" plot h.db --x step --curve lr --where "model=$H" --where kappa=2 --out h.svg 2> err.txt
rc=$?
check "plot --where model=<hostile>: exit 0 ($(tail -n 1 err.txt))" test $rc -eq 0
check "no command ran (no PWNED* file)" test -z "$(find . -name 'PWNED*')"
check "the title line is quoted (no bare quote breaks out)" grep -qF "'only model=x'.\"'\".'; system(\"touch PWNED_w\") #\`touch PWNED_bq\` @m '.\"'\".\"'\".' \\, kappa=2'" h.svg.gp
pycheck "the drawn title" - "$H" <<'EOF2'
import sys, xml.etree.ElementTree as ET
texts = ["".join(e.itertext()) for e in ET.parse("h.svg").iter() if e.tag.endswith("text")]
want = "only model=" + sys.argv[1] + ", kappa=2"
print(("PASS" if want in texts else "FAIL") + ": the SVG shows the title line %r (texts: %r)" % (want, texts[:4]))
EOF2
finish
