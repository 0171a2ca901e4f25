#!/usr/bin/env bash
# One naming scheme (docs/NAMES.md): the canonical names (--trajectories in run/limit/reproduce, --lr in
# escape/theory, --format table|json with --json its short form) and the old spellings (--seeds, --eta) kept as
# deprecated aliases.  An alias is the canonical key exactly: the same output bits, the same run key, the run
# keys of earlier releases (a store written before resumes: a finished run stays finished), in the CLI and in
# sweep spec files; one deprecation line on stderr; help, `sweep --keys` and "did you mean" know both.
# usage: cli_names.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"
cd "$WORK" || exit 1
DEP_SEEDS="sgdlab: --seeds is deprecated (kept for one release): use --trajectories"
DEP_ETA="sgdlab: --eta is deprecated (kept for one release): use --lr"
# same A B: equal but for wall times
same() { cmp -s <(sed -E 's/"seconds":[-0-9.e+]+//g; s/^wall seconds .*//' "$1") \
                <(sed -E 's/"seconds":[-0-9.e+]+//g; s/^wall seconds .*//' "$2"); }

# --- run: --seeds is --trajectories (bits, run key of earlier releases, one deprecation line)
R="--model diagnet --noise label --steps 1000 --every 500 --format jsonl"
"$SGDLAB" run $R --trajectories 2 --db new.db > new.out 2> new.err
check "run --trajectories: exit 0" test $? -eq 0
"$SGDLAB" run $R --seeds 2 --db old.db > old.out 2> old.err
check "run --seeds: exit 0" test $? -eq 0
check "run --seeds and --trajectories: identical output" cmp -s new.out old.out
check "run --seeds: the deprecation line, once" test "$(grep -cxF "$DEP_SEEDS" old.err)" -eq 1
check "run --trajectories: no deprecation line" bash -c "! grep -q deprecated new.err"
"$SGDLAB" export new.db --table runs --format jsonl > new.runs
"$SGDLAB" export old.db --table runs --format jsonl > old.runs
# 75184d231996e442: the key `run ... --seeds 2 --db` stored before the rename (golden output of main at bab12a7)
check "run key of --trajectories = the earlier release's" grep -q '"run_key":"75184d231996e442"' new.runs
check "run key of --seeds = the earlier release's" grep -q '"run_key":"75184d231996e442"' old.runs
check "stored parameters keep \"seeds\"" grep -q '"seeds":2,' new.runs
"$SGDLAB" run $R --trajectories 2 --db old.db > /dev/null 2> again.err
check "run --trajectories on the --seeds store: the same run (already finished)" grep -q "already finished" again.err

# --- report: a canonical key addresses the stored one
"$SGDLAB" report new.db --by seeds --format csv > by_old.csv 2>&1
"$SGDLAB" report new.db --by trajectories --format csv > by_new.csv 2>&1
check "report --by trajectories = --by seeds" cmp -s by_old.csv by_new.csv
check "report --by trajectories: a row" grep -q ",2," by_new.csv
"$SGDLAB" report new.db --where trajectories=2 --format csv > wh.csv 2>&1
check "report --where trajectories=2: exit 0" test $? -eq 0
check "report --where trajectories=2 = no filter" cmp -s wh.csv <("$SGDLAB" report new.db --format csv 2>&1)

# --- limit: --seeds is --trajectories; --format json is --json
L="limit --model diagnet --d 10 --n 8 --kappa 2 --T 0.05 --dt 0.001"
"$SGDLAB" $L --trajectories 2 --json > l_new.json 2> l_new.err
"$SGDLAB" $L --seeds 2 --format json > l_old.json 2> l_old.err
check "limit --seeds --format json = --trajectories --json" same l_new.json l_old.json
check "limit --seeds: the deprecation line" grep -qxF "$DEP_SEEDS" l_old.err
"$SGDLAB" $L --trajectories 2 > l_tab.out 2> /dev/null
"$SGDLAB" $L --trajectories 2 --format table > l_tab2.out 2> /dev/null
check "limit --format table = the default" same l_tab.out l_tab2.out

"$SGDLAB" limit --model toy2d --T 0.05 --dt 0.001 --trajectories 2 --compare-sgd --lrs 0.1,0.05 --json > c_new.json 2>/dev/null
"$SGDLAB" limit --model toy2d --T 0.05 --dt 0.001 --trajectories 2 --compare-sgd --etas 0.1,0.05 --json > c_old.json 2> c_old.err
check "limit --etas = --lrs" same c_new.json c_old.json
check "limit --etas: the deprecation line" grep -qxF "sgdlab: --etas is deprecated (kept for one release): use --lrs" c_old.err
"$SGDLAB" limit --model toy2d --lrs 0.1 > /dev/null 2> c_bad.err
check "limit --lrs without --compare-sgd: exit 2 naming --lrs" grep -q -- "^sgdlab: --lrs: only used with --compare-sgd" c_bad.err

# --- reproduce: --trajectories (--seeds deprecated) names itself in its messages
"$SGDLAB" reproduce exponential-escape --quick --trajectories 5 --out-dir rx > /dev/null 2> rx.err
rc=$?
check "reproduce --trajectories 5: exit 2" test $rc -eq 2
check "reproduce --trajectories 5: names --trajectories" \
    grep -qxF "sgdlab: --trajectories: need >= 10 trajectories per setting, got 5" rx.err
"$SGDLAB" reproduce exponential-escape --quick --seeds 5 --out-dir rx > /dev/null 2> rx2.err
check "reproduce --seeds 5: the deprecation line, then the same message" \
    bash -c "grep -qxF '$DEP_SEEDS' rx2.err && grep -q -- '--trajectories: need >= 10' rx2.err"

# --- escape and theory: --eta is --lr (bits, the earlier run key); --format json is --json
E="escape --landscape doublewell --trajectories 20 --t-max 50"
"$SGDLAB" $E --lr 0.01 --db e_new.db --json > e_new.json 2> e_new.err
check "escape --lr: exit 0" test $? -eq 0
"$SGDLAB" $E --eta 0.01 --db e_old.db --format json > e_old.json 2> e_old.err
check "escape --eta --format json = --lr --json" same e_new.json e_old.json
check "escape --eta: the deprecation line, once" test "$(grep -cxF "$DEP_ETA" e_old.err)" -eq 1
"$SGDLAB" export e_new.db --table runs --format jsonl > e_new.runs
# f110cce555b9385c: the key `escape --landscape doublewell --trajectories 20 --t-max 50 --db` stored before
check "escape run key of --lr = the earlier release's" grep -q '"run_key":"f110cce555b9385c"' e_new.runs
check "escape stored parameters keep \"eta\"" grep -q '"eta":0.01,' e_new.runs
"$SGDLAB" report e_new.db --where lr=0.01 --format csv > e_wh_new.csv 2>&1
check "report --where lr=0.01 of escape runs: exit 0" test $? -eq 0
"$SGDLAB" report e_new.db --where eta=0.01 --format csv > e_wh_old.csv 2>&1
check "report --where lr= = --where eta= (escape)" cmp -s e_wh_new.csv e_wh_old.csv
"$SGDLAB" escape --landscape doublewell --noise mori --B 0.4 --lr 0.01 --trajectories 5 --t-max 5 --json > b_new.json 2>/dev/null
"$SGDLAB" escape --landscape doublewell --noise mori --B-over-eta 40 --trajectories 5 --t-max 5 --json > b_ref.json 2>/dev/null
check "escape --B with --lr: B/eta = B / lr" same b_new.json b_ref.json
"$SGDLAB" escape --B 0.4 > /dev/null 2> b.err
check "escape --B without --lr: exit 2 naming --lr" bash -c "grep -q -- '--B: needs --lr' b.err"
"$SGDLAB" theory --landscape doublewell --eta 0.02 --format json > t_old.json 2> t_old.err
"$SGDLAB" theory --landscape doublewell --lr 0.02 --json > t_new.json 2> /dev/null
check "theory --eta --format json = --lr --json" same t_old.json t_new.json
check "theory --eta: the deprecation line" grep -qxF "$DEP_ETA" t_old.err
"$SGDLAB" escape --format jsonl > /dev/null 2> f.err
rc=$?
check "escape --format jsonl: exit 2" test $rc -eq 2
check "escape --format jsonl: names the allowed values" grep -q -- "--format: unknown value 'jsonl'.*valid: table, json$" f.err

# --- sweep spec files: seeds is trajectories (the same run keys and bits; a store from before resumes)
printf 'name: n\nbase:\n  model: diagnet\n  d: 10\n  n: 8\n  kappa: 2\n  steps: 200\n  every: 100\n  seeds: 2\ngrid:\n  lr: [0.001, 0.002]\n' > old.yaml
sed 's/seeds:/trajectories:/' old.yaml > new.yaml
"$SGDLAB" sweep old.yaml --db s_old.db > /dev/null 2> s_old.err
check "sweep with seeds: exit 0" test $? -eq 0
check "sweep with seeds: one deprecation line naming the line" \
    test "$(grep -c "old.yaml:9:3: 'seeds' is deprecated (kept for one release): use 'trajectories'" s_old.err)" -eq 1
"$SGDLAB" sweep new.yaml --db s_new.db > /dev/null 2> s_new.err
check "sweep with trajectories: no deprecation line" bash -c "! grep -q deprecated s_new.err"
"$SGDLAB" export s_old.db --format csv > s_old.csv
"$SGDLAB" export s_new.db --format csv > s_new.csv
check "sweep seeds / trajectories: identical series and run keys" cmp -s s_old.csv s_new.csv
check "sweep export: the stored column seeds" grep -q "^run_key,.*,seeds,seed," s_new.csv
"$SGDLAB" sweep new.yaml --db s_old.db --resume > /dev/null 2> s_re.err
check "sweep with trajectories on the seeds store: every run already finished" \
    grep -q "0 runs executed (2 already finished" s_re.err
printf 'kind: escape\nbase:\n  landscape: doublewell\n  trajectories: 10\n  t-max: 20\ngrid:\n  eta: [0.01, 0.02]\n' > e_old.yaml
sed 's/eta:/lr:/' e_old.yaml > e_new.yaml
"$SGDLAB" sweep e_old.yaml --db se_old.db > /dev/null 2> se_old.err
"$SGDLAB" sweep e_new.yaml --db se_new.db > /dev/null 2> /dev/null
check "escape sweep with eta: the deprecation line" grep -q "'eta' is deprecated (kept for one release): use 'lr'" se_old.err
"$SGDLAB" export se_old.db --table events --format csv > se_old.csv
"$SGDLAB" export se_new.db --table events --format csv > se_new.csv
check "escape sweep eta / lr: identical events and run keys" cmp -s se_old.csv se_new.csv

# --- help, sweep --keys, did you mean
"$SGDLAB" run --help > h_run 2>&1
check "run --help: --trajectories with its default" grep -q -- "--trajectories .*\[default 8" h_run
check "run --help: --seeds listed as deprecated" grep -q -- "--seeds .*deprecated (kept for one release): use --trajectories" h_run
"$SGDLAB" escape --help > h_esc 2>&1
check "escape --help: --lr with its default" grep -q -- "--lr .*\[default 0.01" h_esc
check "escape --help: --eta listed as deprecated" grep -q -- "--eta .*deprecated (kept for one release): use --lr" h_esc
check "escape --help: --format table | json" grep -q -- "--format .*allowed table | json" h_esc
"$SGDLAB" sweep --keys > k_run 2>&1
check "sweep --keys: trajectories, seeds deprecated" \
    bash -c "grep -q '^trajectories ' k_run && grep -q '^seeds .*deprecated.*use trajectories' k_run"
"$SGDLAB" sweep --keys --kind escape > k_esc 2>&1
check "sweep --keys --kind escape: lr, eta deprecated" bash -c "grep -q '^lr ' k_esc && grep -q '^eta .*use lr' k_esc"
"$SGDLAB" run --seedss 3 > /dev/null 2> dym.err
check "run --seedss: did you mean --trajectories" grep -q -- "--seedss: unknown flag (did you mean '--trajectories'?)" dym.err
"$SGDLAB" escape --etaa 0.1 > /dev/null 2> dym2.err
check "escape --etaa: did you mean --lr" grep -q -- "--etaa: unknown flag (did you mean '--lr'?)" dym2.err
printf 'base:\n  seedz: 2\n' > typo.yaml
"$SGDLAB" sweep typo.yaml --db typo.db > /dev/null 2> typo.err
check "sweep key seedz: exit 2" test $? -eq 2
# one wording for one rule: the step size of run and of escape
"$SGDLAB" run --lr -1 > /dev/null 2> lr_run.err
"$SGDLAB" escape --lr -1 > /dev/null 2> lr_esc.err
check "run --lr -1 and escape --lr -1: the same message" \
    bash -c "grep -qxF 'sgdlab: --lr: must be a finite number > 0, got -1' lr_run.err && cmp -s lr_run.err lr_esc.err"
"$SGDLAB" run --trajectories 0 > /dev/null 2> z.err
check "run --trajectories 0: exit 2 naming --trajectories" grep -q -- "--trajectories: must be an integer >= 1" z.err
finish
