#!/usr/bin/env bash
# Strict, bounded input (issue 10 items 6, 7, 8, 11, 13): every case is bad
# input, so it must exit 2 with stdout empty and exactly one stderr line
# "sgdlab: WHERE: ..." naming the flag (or FILE:LINE:COL of a spec), and must
# create nothing: each case runs in an empty directory that must stay empty.
# No case depends on timing: the wide specs below (200,000 keys) took minutes
# before the fix and are rejected at once after it, and the ctest TIMEOUT
# would catch a regression.
# usage: cli_input_strict.sh SGDLAB [SCRATCH]
set -u
. "$(dirname "$0")/common.sh" "$@"

IN=$WORK/in
RUN=$WORK/run
mkdir -p "$IN" "$RUN"

# bad DESC PREFIX "SUB1|SUB2" ARGS...: sgdlab ARGS in the empty directory $RUN
bad() {
    local desc=$1 prefix=$2 subs=$3
    shift 3
    rm -rf "$RUN" && mkdir -p "$RUN"
    local err=$WORK/err.txt so=$WORK/so.txt rc got
    (cd "$RUN" && "$SGDLAB" "$@") > "$so" 2> "$err"
    rc=$?
    got=$(head -c 400 "$err" | head -n 3 | tr '\n' '|')
    if [ "$rc" -eq 2 ]; then pass "$desc: exit 2"; else fail "$desc: exit $rc, want 2 (stderr: $got)"; fi
    if [ ! -s "$so" ]; then pass "$desc: stdout empty"; else fail "$desc: stdout has $(wc -c < "$so") bytes"; fi
    if [ "$(wc -l < "$err")" -eq 1 ] && case "$(head -n 1 "$err")" in "sgdlab: $prefix"*) true ;; *) false ;; esac; then
        pass "$desc: one line 'sgdlab: $prefix...'"
    else
        fail "$desc: stderr is not one line starting 'sgdlab: $prefix' (got: $got)"
    fi
    if [ -n "$subs" ]; then
        local missing="" s
        local IFS='|'
        for s in $subs; do grep -qF -- "$s" "$err" || missing="$missing '$s'"; done
        unset IFS
        if [ -z "$missing" ]; then pass "$desc: message names [$subs]"; else fail "$desc: message lacks$missing (got: $got)"; fi
    fi
    if [ -z "$(ls -A "$RUN")" ]; then pass "$desc: nothing created"; else fail "$desc: created $(ls -A "$RUN" | tr '\n' ' ')"; fi
}
# ok DESC ARGS...: exit 0 (a control that the cases above fail for the reason given)
ok() {
    local desc=$1
    shift
    rm -rf "$RUN" && mkdir -p "$RUN"
    (cd "$RUN" && "$SGDLAB" "$@") > "$WORK/so.txt" 2> "$WORK/err.txt"
    local rc=$?
    if [ "$rc" -eq 0 ]; then pass "$desc: exit 0"; else fail "$desc: exit $rc, want 0 ($(head -c 300 "$WORK/err.txt"))"; fi
}

# ---------------------------------------------------------------- sweep specs (item 7, 11)
"$PY" - "$IN" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/wide_unknown.yaml", "w") as f:   # 200,000 unknown keys: the first is named
    f.write("base:\n" + "".join("  k%d: 1\n" % i for i in range(200000)))
with open(d + "/wide_dup.yaml", "w") as f:       # 200,000 known (duplicate) keys: the key bound
    f.write("base:\n" + "  d: 1\n" * 200000)
with open(d + "/wide_flow.yaml", "w") as f:      # a wide flow mapping inside a list
    f.write("grid: {lr: [{" + ", ".join("k%d: 1" % i for i in range(200000)) + "}]}\n")
with open(d + "/wide_root.yaml", "w") as f:
    f.write("".join("k%d: 1\n" % i for i in range(200000)))
with open(d + "/big.yaml", "w") as f:            # over the 16 MiB size bound
    f.write("# " + "x" * (17 << 20) + "\nbase: {d: 20}\n")
PY
printf 'base: {d: 20, steps: 10, every: 10, seeds: 1}\n---\nbase: {d: 30}\n' > "$IN/two.yaml"
printf '{"base": {"d": 20, "steps": 10, "every": 10, "seeds": 1}}\n{"base": {"d": 30}}\n' > "$IN/two.json"
printf 'base: {d: !!str 20, steps: 10, every: 10, seeds: 1}\n' > "$IN/tag.yaml"
printf 'base: {d: 20, steps: 10, every: 10, seeds: 1, model: !!str diagnet}\n' > "$IN/tag_str.yaml"
printf 'grid: !!map {lr: [0.1]}\n' > "$IN/tag_map.yaml"
printf 'base: {d: 20, steps: 10, every: 10, seeds: 1}\n' > "$IN/one.yaml"
printf '{"base": {"d": 20, "steps": 10, "every": 10, "seeds": 1}}\n' > "$IN/one.json"
bad "spec: 200,000 unknown keys" "../in/wide_unknown.yaml:2:3:" "unknown key 'k0'" sweep "../in/wide_unknown.yaml" --list
bad "spec: 200,000 keys in one mapping" "../in/wide_dup.yaml:66:3:" "more than 64 keys" sweep "../in/wide_dup.yaml" --list
bad "spec: 200,000 keys in a flow mapping" "../in/wide_flow.yaml:1:" "more than 64 keys" sweep "../in/wide_flow.yaml" --list
bad "spec: 200,000 top-level keys" "../in/wide_root.yaml:1:1:" "unknown top-level key 'k0'" sweep "../in/wide_root.yaml" --list
bad "spec: larger than 16 MiB" "../in/big.yaml:1:1:" "16 MiB" sweep "../in/big.yaml" --list
bad "spec: a second YAML document" "../in/two.yaml:2:1:" "second document" sweep "../in/two.yaml" --list
bad "spec: two JSON values" "../in/two.json:2:1:" "one JSON value" sweep "../in/two.json" --list
bad "spec: d: !!str 20" "../in/tag.yaml:1:11:" "tags" sweep "../in/tag.yaml" --list
bad "spec: model: !!str diagnet" "../in/tag_str.yaml:1:" "tags" sweep "../in/tag_str.yaml" --list
bad "spec: grid: !!map" "../in/tag_map.yaml:1:7:" "tags" sweep "../in/tag_map.yaml" --list
ok "spec: the same without the second document" sweep "../in/one.yaml" --list
ok "spec: the same JSON without the second value" sweep "../in/one.json" --list

finish
