#!/usr/bin/env bash
# gnuplot's own output stays out of the user's terminal unless gnuplot fails:
# `plot` and every `reproduce` plot run gnuplot through one launcher
# (repro_gnuplot) that captures gnuplot's stdout and stderr and shows them
# only on failure.  A stand-in gnuplot on PATH prints a warning on both
# streams and then runs the real one (success: none of it may reach sgdlab's
# stdout or stderr), or prints an error and exits 1 (failure: the error is
# shown, with sgdlab's own message).  Exits 77 (ctest: skipped) without gnuplot.
. "$(dirname "$0")/common.sh" "$@"
real=$(command -v gnuplot) || { echo "SKIP: gnuplot is not installed (scripts/bootstrap.sh installs gnuplot-nox)"; exit 77; }
cd "$WORK" || exit 1
"$SGDLAB" run --model quadratic --noise label --d 5 --n 4 --steps 100 --every 50 --trajectories 2 --db s.db > /dev/null 2>&1
check "a small store to plot" test -s s.db

mkdir -p warn fail
cat > warn/gnuplot <<EOF2
#!/bin/sh
echo "gnuplot stand-in: warning on stdout"
echo "gnuplot stand-in: warning on stderr" >&2
exec "$real" "\$@"
EOF2
cat > fail/gnuplot <<'EOF2'
#!/bin/sh
echo "gnuplot stand-in: error, line 3" >&2
exit 1
EOF2
chmod +x warn/gnuplot fail/gnuplot

PATH="$WORK/warn:$PATH" "$SGDLAB" plot s.db --x step --out w.png > out.txt 2> err.txt
rc=$?
check "plot with a warning gnuplot: exit 0 (got $rc)" test "$rc" -eq 0
check "plot with a warning gnuplot: the image written" test -s w.png
check "plot: gnuplot's stderr kept from the user's stderr" sh -c '! grep -q "stand-in" err.txt'
check "plot: gnuplot's stdout kept from sgdlab's stdout" sh -c '! grep -q "stand-in" out.txt'
check "plot: sgdlab's own line still there" grep -q "^sgdlab plot: w.png" err.txt

PATH="$WORK/fail:$PATH" "$SGDLAB" plot s.db --x step --out f.png > out.txt 2> err.txt
rc=$?
check "plot with a failing gnuplot: exit 1 (got $rc)" test "$rc" -eq 1
check "plot with a failing gnuplot: gnuplot's error shown" grep -q "gnuplot stand-in: error, line 3" err.txt
check "plot with a failing gnuplot: sgdlab says so" grep -q "gnuplot failed (gnuplot exited with status 1)" err.txt

PATH=/nonexistent "$SGDLAB" plot s.db --x step --out n.png > /dev/null 2> err.txt
check "plot without gnuplot: says how to install it" grep -q "gnuplot not installed: apt-get install gnuplot-nox" err.txt
finish
