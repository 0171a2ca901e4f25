#!/usr/bin/env bash
# Determinism: the output of `sgdlab run` is byte-identical for any --threads,
# the same seed reproduces it, and a different --seed changes the results.
# usage: cli_threads.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

# run NAME ARGS...: stdout to $WORK/NAME, exit code must be 0
run() {
    local name=$1
    shift
    "$SGDLAB" run "$@" > "$WORK/$name" 2> "$WORK/$name.err"
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "sgdlab run $* exited $rc: $(head -n 2 "$WORK/$name.err" | tr '\n' '|')"
        return 1
    fi
    if [ ! -s "$WORK/$name" ]; then
        fail "sgdlab run $* wrote nothing"
        return 1
    fi
    return 0
}
same() { # desc a b
    if cmp -s "$WORK/$2" "$WORK/$3"; then pass "$1"; else fail "$1 ($(cmp "$WORK/$2" "$WORK/$3" 2>&1 | head -n 1))"; fi
}

# 5000 steps logged every 1250: enough to compare every output path (thread scheduling does not depend on the
# length); the near-edge EDGE runs keep 20000 steps so that their divergences fall at different steps
LABEL=(--model diagnet --noise label --steps 5000 --every 1250 --seeds 6)
MBDIFF=(--model quadratic --noise minibatch-diff --lr 0.01 --steps 5000 --every 1250 --seeds 6)
GAUSS=(--model diagnet --noise gaussian --sigma 0.1 --sigma-scale eta --steps 5000 --every 1250 --seeds 6)
# label noise near the stability edge: some trajectories diverge, at
# different steps; divergence must not depend on the thread count either
EDGE=(--model diagnet --noise label --lr 0.0046 --steps 20000 --every 5000 --seeds 8)
MB=(--model linreg --noise minibatch --batch 4 --n 30 --d 20 --steps 5000 --every 1000 --seeds 5 --data-draw shared)

for fmt in table csv jsonl; do
    for cfg in LABEL MBDIFF GAUSS; do
        eval "args=(\"\${$cfg[@]}\")"
        # shellcheck disable=SC2154
        run "$cfg.$fmt.t1" "${args[@]}" --format "$fmt" --threads 1 &&
            run "$cfg.$fmt.t2" "${args[@]}" --format "$fmt" --threads 2 &&
            same "$cfg $fmt: --threads 1 and --threads 2 byte-identical" "$cfg.$fmt.t1" "$cfg.$fmt.t2"
    done
done

# more threads than cores / a count that does not divide the seeds / default
run LABEL.jsonl.t5 "${LABEL[@]}" --format jsonl --threads 5 &&
    same "LABEL jsonl: --threads 5 identical to --threads 1" LABEL.jsonl.t1 LABEL.jsonl.t5
run LABEL.jsonl.t0 "${LABEL[@]}" --format jsonl &&
    same "LABEL jsonl: default threads identical to --threads 1" LABEL.jsonl.t1 LABEL.jsonl.t0
run LABEL.jsonl.t16 "${LABEL[@]}" --format jsonl --threads 16 &&
    same "LABEL jsonl: --threads 16 (> seeds) identical to --threads 1" LABEL.jsonl.t1 LABEL.jsonl.t16
for fmt in csv jsonl; do
    run "EDGE.$fmt.t1" "${EDGE[@]}" --format "$fmt" --threads 1 &&
        run "EDGE.$fmt.t3" "${EDGE[@]}" --format "$fmt" --threads 3 &&
        same "EDGE (partly diverging) $fmt: --threads 1 and --threads 3 byte-identical" "EDGE.$fmt.t1" "EDGE.$fmt.t3"
done
run MB.csv.t1 "${MB[@]}" --format csv --threads 1 &&
    run MB.csv.t2 "${MB[@]}" --format csv --threads 2 &&
    same "minibatch linreg shared data csv: --threads 1 and 2 byte-identical" MB.csv.t1 MB.csv.t2

# --out gives the same bytes as stdout
rm -f "$WORK/out.jsonl"
if "$SGDLAB" run "${LABEL[@]}" --format jsonl --threads 2 --out "$WORK/out.jsonl" > "$WORK/out.stdout" 2> /dev/null; then
    same "--out file identical to stdout output" LABEL.jsonl.t1 out.jsonl
    check "--out: stdout empty" [ ! -s "$WORK/out.stdout" ]
else
    fail "sgdlab run --out exited nonzero"
fi

# same seed twice: identical; a different seed: different results
run LABEL.seed1.a "${LABEL[@]}" --format csv --seed 1 --threads 2 &&
    run LABEL.seed1.b "${LABEL[@]}" --format csv --seed 1 --threads 2 &&
    same "same --seed twice: identical output" LABEL.seed1.a LABEL.seed1.b
run LABEL.seed2 "${LABEL[@]}" --format csv --seed 2 --threads 2
# compare the data rows only (the params comment differs trivially: seed=2)
grep -v '^#' "$WORK/LABEL.seed1.a" > "$WORK/rows1"
grep -v '^#' "$WORK/LABEL.seed2" > "$WORK/rows2"
if [ -s "$WORK/rows1" ] && ! cmp -s "$WORK/rows1" "$WORK/rows2"; then
    pass "different --seed: different data rows"
else
    fail "different --seed (1 vs 2): data rows identical"
fi
# ...and every trajectory's final train_loss differs (no seed is ignored)
nsame=$(awk -F, 'NR == FNR { if ($2 == 5000) a[$1] = $6; next } $2 == 5000 && a[$1] == $6 { n++ } END { print n + 0 }' \
    "$WORK/rows1" "$WORK/rows2")
check "different --seed: no trajectory's final train_loss coincides ($nsame do)" [ "$nsame" -eq 0 ]
# different seeds within one run: trajectories are not copies of each other
ndup=$(awk -F, '$2 == 5000 { print $6 }' "$WORK/rows1" | sort | uniq -d | wc -l)
check "within a run: final train_loss differs across trajectories ($ndup duplicates)" [ "$ndup" -eq 0 ]

# the same seed reproduces the results whatever the other seeds are: the
# first trajectories of --seeds 3 equal those of --seeds 6
run LABEL.m3 --model diagnet --noise label --steps 5000 --every 1250 --seeds 3 --format csv --threads 2
grep -v '^#' "$WORK/LABEL.m3" > "$WORK/rows_m3"
head -n "$(wc -l < "$WORK/rows_m3")" "$WORK/rows1" > "$WORK/rows1_head"
same "trajectory i is the same in --seeds 3 and --seeds 6" rows_m3 rows1_head

finish
