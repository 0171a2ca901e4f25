#!/usr/bin/env bash
# scripts/gen_docs.sh BIN SRC OUT: the man page and the bash completion of the
# built binary, from its own help texts (which come from the parameter tables),
# so neither can drift from the flags the binary accepts.  Run by the build
# (CMakeLists.txt, target sgdlab_docs); writes
#   OUT/man/man1/sgdlab.1                     man/sgdlab.1.in with @VERSION@ and @COMMANDS@ filled in
#   OUT/bash-completion/completions/sgdlab    commands, per command its flags, and a flag's values
#                                             where its help lists them ("allowed a | b", "--format a|b")
# Each file is written to a temporary name and renamed when complete.
set -euo pipefail
bin=$1 src=$2 out=$3
man=$out/man/man1 comp=$out/bash-completion/completions
mkdir -p "$man" "$comp"

version=$("$bin" version | awk '{print $2; exit}')
top=$("$bin" help)
# the commands in help order, each once
cmds=$(printf '%s\n' "$top" | awk '/^ / && $1 == "sgdlab" && !seen[$2]++ {print $2}')
# reproduce's experiments: the heads of the "sgdlab reproduce A | B" lines (up to two blanks)
exps=$(printf '%s\n' "$top" | sed -n 's/^ *sgdlab reproduce \([^ ].*\)$/\1/p' | sed 's/   *.*//; s/ | /\n/g')

# help text of one command (and experiment); empty when it takes no --help.  A
# text shared by several commands (report, export, plot) keeps, of the synopses
# "sgdlab CMD ..." (and their continuation lines, indented 8 or more), only this
# command's, and all the rest.
help_of() {
    { "$@" --help 2>/dev/null || true; } | awk -v c="$2" '
        /^(usage:)? *sgdlab [a-z]/ {
            match($0, /sgdlab [a-z]+/); mine = substr($0, RSTART + 7, RLENGTH - 7) == c; blk = 1
            if (mine) print
            next
        }
        blk && /^        / { if (mine) print; next }
        { blk = 0; print }'
}

# the flags a help text names outside its prose (lines indented two blanks that
# start with a word: "  KEY: a run parameter (sgdlab sweep --keys ...)") and
# its deprecated spellings ("  --seeds  deprecated (kept for one release): use
# --trajectories": still taken, not offered), one line, sorted
flags_of() {
    { grep -vE '^  [^ -]|deprecated \(kept for one release\)' | grep -oE -- '--[A-Za-z][A-Za-z0-9-]*' || true; echo --help; } |
        sort -u | tr '\n' ' '
}

# "FLAG VALUE VALUE ..." lines: the values a help text lists for a flag
values_of() {
    awk '
    function emit(flag, list,   n, i, w, ok, line) {
        n = split(list, w, /[ ]*[|][ ]*/)
        if (n < 2 || flag in done) return
        line = flag; ok = 1   # names only: a placeholder (KEY, FILE.png) means free text
        for (i = 1; i <= n; ++i) { if (w[i] !~ /^[a-z0-9_.-]+$/) ok = 0; line = line " " w[i] }
        if (ok) { print line; done[flag] = 1 }
    }
    /^  --[A-Za-z]/ && /allowed / {   # table rows: "  --model  ... [default X; allowed a | b | c]"
        s = $0; sub(/.*allowed /, "", s); sub(/[];].*/, "", s); emit($1, s)
    }
    {   # synopses: "--format csv|jsonl", "[--kind run|escape]"
        s = $0
        while (match(s, /--[A-Za-z][A-Za-z0-9-]* [A-Za-z0-9_.-]+([|][A-Za-z0-9_.-]+)+/)) {
            t = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
            f = t; sub(/ .*/, "", f); v = t; sub(/^[^ ]* /, "", v); emit(f, v)
        }
    }'
}

# ------------------------------------------------------------------ man page
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
section() {   # section TITLE HELPTEXT
    printf '.SS "%s"\n.nf\n' "$1"
    printf '%s\n' "$2" | roff
    printf '.fi\n'
}
{
    printf '.SS "Commands"\n.nf\n'
    printf '%s\n' "$top" | sed -n '/^usage:/,/^[^ ]/{/^ /p}' | roff
    printf '.fi\n'
    for c in $cmds; do
        case $c in
            reproduce)
                for e in $exps; do
                    h=$(help_of "$bin" reproduce "$e")
                    [ -n "$h" ] && section "sgdlab reproduce $e" "$h"
                done ;;
            *)
                h=$(help_of "$bin" "$c")
                [ -n "$h" ] && section "sgdlab $c" "$h" ;;
        esac
    done
} > "$man/.commands.tmp"
awk -v version="$version" -v cmdfile="$man/.commands.tmp" '
    /^@COMMANDS@$/ { while ((getline l < cmdfile) > 0) print l; next }
    { gsub(/@VERSION@/, version); print }' "$src/man/sgdlab.1.in" > "$man/sgdlab.1.tmp"
rm -f "$man/.commands.tmp"
mv "$man/sgdlab.1.tmp" "$man/sgdlab.1"

# ------------------------------------------------------------ bash completion
case_flags=
case_values=
for c in $cmds; do
    if [ "$c" = reproduce ]; then
        for e in $exps; do
            h=$(help_of "$bin" reproduce "$e")
            case_flags+="        reproduce:$e) flags=\"$(printf '%s\n' "$h" | flags_of)\" ;;"$'\n'
            while read -r f v; do
                [ -n "$f" ] && case_values+="        reproduce:$e:$f) values=\"$v\" ;;"$'\n'
            done < <(printf '%s\n' "$h" | values_of)
        done
        continue
    fi
    h=$(help_of "$bin" "$c")
    [ -n "$h" ] || continue
    case_flags+="        $c) flags=\"$(printf '%s\n' "$h" | flags_of)\" ;;"$'\n'
    while read -r f v; do
        [ -n "$f" ] && case_values+="        $c:$f) values=\"$v\" ;;"$'\n'
    done < <(printf '%s\n' "$h" | values_of)
done
cat > "$comp/sgdlab.tmp" <<EOF
# bash completion for sgdlab $version: generated by scripts/gen_docs.sh from the
# binary's help texts (commands, each command's flags, the values a flag lists).
_sgdlab() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
    local cmd=\${COMP_WORDS[1]} key flags= values=
    COMPREPLY=()
    if [ "\$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=(\$(compgen -W "$(echo $cmds)" -- "\$cur"))
        return
    fi
    key=\$cmd
    if [ "\$cmd" = reproduce ]; then
        if [ "\$COMP_CWORD" -eq 2 ]; then
            COMPREPLY=(\$(compgen -W "$(echo $exps)" -- "\$cur"))
            return
        fi
        key=reproduce:\${COMP_WORDS[2]}
    fi
    case \$key:\$prev in
$case_values    esac
    if [ -n "\$values" ]; then
        COMPREPLY=(\$(compgen -W "\$values" -- "\$cur"))
        return
    fi
    case \$key in
$case_flags    esac
    if [[ \$cur == -* ]]; then
        COMPREPLY=(\$(compgen -W "\$flags" -- "\$cur"))
    fi   # else: file names (complete -o default)
}
complete -o bashdefault -o default -F _sgdlab sgdlab
EOF
mv "$comp/sgdlab.tmp" "$comp/sgdlab"
