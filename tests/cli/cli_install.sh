#!/usr/bin/env bash
# cmake --install into a temporary prefix installs everything a user of the
# tool and of the library needs, and examples/c/hello.c builds and runs against
# the INSTALLED library: through pkg-config (shared, and --static against
# libsgdlab.a) and through CMake's find_package(sgdlab).  Also the generated man
# page and bash completion carry every command and, per command, its flags.
# usage: cli_install.sh BUILD/sgdlab [SCRATCH]
# Under SGL_SANITIZE=1 (the ASan build) hello is compiled with the same
# sanitizers, as a program linking an instrumented library must be.
. "$(dirname "$0")/common.sh" "$@"
BIN=$SGDLAB
TMP=$WORK
BUILD=$(cd "$(dirname "$BIN")" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
P=$TMP/prefix
san=
[ "${SGL_SANITIZE:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-omit-frame-pointer"

cmake --install "$BUILD" --prefix "$P" > "$TMP/install.log" 2>&1
rc=$?
check "cmake --install exits 0" test $rc -eq 0
for f in bin/sgdlab include/sgdlab.h include/sgdlab_experiments.h lib/libsgdlab.a lib/libsgdlab.so \
         lib/pkgconfig/sgdlab.pc lib/cmake/sgdlab/sgdlabConfig.cmake lib/cmake/sgdlab/sgdlabConfigVersion.cmake \
         lib/cmake/sgdlab/sgdlabTargets.cmake share/man/man1/sgdlab.1 share/bash-completion/completions/sgdlab \
         share/doc/sgdlab/README.md share/doc/sgdlab/THEORY.md; do
    check "installs $f" test -s "$P/$f"
done
check "the installed binary runs by itself" sh -c "'$P/bin/sgdlab' version | grep -q '^sgdlab '"

# pkg-config, shared library (run path so that it runs without LD_LIBRARY_PATH)
export PKG_CONFIG_PATH=$P/lib/pkgconfig
flags=$(pkg-config --cflags --libs sgdlab)
check "pkg-config knows sgdlab ($flags)" test -n "$flags"
check "pkg-config --modversion is the binary's version" \
    test "$(pkg-config --modversion sgdlab)" = "$("$BIN" version | awk '{print $2}')"
# shellcheck disable=SC2086
cc -std=c11 $san "$SRC/examples/c/hello.c" $flags -Wl,-rpath,"$P/lib" -o "$TMP/hello_pc" 2> "$TMP/cc.err"
rc=$?
check "hello.c compiles against the installed library (pkg-config)" test $rc -eq 0
check "...and links the installed libsgdlab.so" sh -c "ldd '$TMP/hello_pc' | grep -q '$P/lib/libsgdlab.so'"
"$TMP/hello_pc" > "$TMP/hello_pc.out" 2>&1
check "hello (pkg-config) runs: $(head -c 120 "$TMP/hello_pc.out")" \
    grep -qE '^sgdlab [^ ]+: train_loss at step 2000 = [0-9.e+-]+ \+- [0-9.e+-]+ \(8 trajectories\)$' "$TMP/hello_pc.out"
# pkg-config --static against libsgdlab.a: Libs.private is complete
# shellcheck disable=SC2086
cc -std=c11 $san "$SRC/examples/c/hello.c" -I"$P/include" "$P/lib/libsgdlab.a" \
    $(pkg-config --static --libs-only-other --libs-only-l sgdlab | sed 's/-lsgdlab //') -o "$TMP/hello_static" 2> "$TMP/cc_static.err"
rc=$?
check "hello.c links the static library with pkg-config --static's libraries" test $rc -eq 0
"$TMP/hello_static" > "$TMP/hello_static.out" 2>&1
check "hello (static) prints what hello (shared) prints" cmp -s "$TMP/hello_static.out" "$TMP/hello_pc.out"

# CMake package: find_package(sgdlab) and target sgdlab::sgdlab
cmake -S "$SRC/examples/c" -B "$TMP/hello_cmake" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$san" > "$TMP/cmake.log" 2>&1 && cmake --build "$TMP/hello_cmake" >> "$TMP/cmake.log" 2>&1
rc=$?
check "examples/c builds with find_package(sgdlab) (log: $(tail -3 "$TMP/cmake.log" | tr '\n' ' '))" test $rc -eq 0
"$TMP/hello_cmake/hello" > "$TMP/hello_cmake.out" 2>&1
check "hello (find_package) prints what hello (pkg-config) prints" cmp -s "$TMP/hello_cmake.out" "$TMP/hello_pc.out"

# man page: every command has its section; it renders without warnings
man1=$P/share/man/man1/sgdlab.1
for c in run escape theory limit sweep report "reproduce shape-matters" "reproduce lwa-sparse"; do
    check "man page has a section for sgdlab $c" grep -q "^\.SS \"sgdlab $c\"" "$man1"
done
if command -v groff > /dev/null; then
    groff -man -Tutf8 -ww -z "$man1" > "$TMP/groff.err" 2>&1
    check "groff renders the man page without a warning" test ! -s "$TMP/groff.err"
fi

# bash completion: commands, experiments, flags of each command, values of a flag
comp=$P/share/bash-completion/completions/sgdlab
complete_words() {   # complete_words WORD... : the completions bash offers for the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sgdlab; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$comp" "$@"
}
check "completion lists the commands" test "$(complete_words sgdlab re | sort | tr '\n' ' ')" = "report reproduce "
check "completion lists the experiments" test "$(complete_words sgdlab reproduce lwa | tr '\n' ' ')" = "lwa-sparse "
check "completion: run's flags (--lr)" sh -c "$(declare -f complete_words); comp='$comp'; complete_words sgdlab run --l | grep -qx -- --lr"
check "completion: escape's flags (--B-over-eta), not run's (--kappa)" \
    test "$(complete_words sgdlab escape --B-o | tr '\n' ' ')/$(complete_words sgdlab escape --kap)" = "--B-over-eta /"
check "completion: run --model's values" \
    test "$(complete_words sgdlab run --model di | tr '\n' ' ')" = "diagnet "
check "completion: report --format's values" \
    test "$(complete_words sgdlab report x.db --format js | tr '\n' ' ')" = "jsonl "
check "completion: reproduce lwa-sparse's flags" \
    sh -c "$(declare -f complete_words); comp='$comp'; complete_words sgdlab reproduce lwa-sparse --tr | grep -qx -- --trajectories"
check "completion: export's flags are its own (--table), not plot's (--x)" \
    test "$(complete_words sgdlab export --t | tr '\n' ' ')/$(complete_words sgdlab export --x)" = "--table /"
# every flag a command's help names outside its prose lines ("  KEY: ...") is offered for it
for c in run escape theory limit sweep; do
    want=$("$BIN" "$c" --help | grep -vE '^  [^ -]|deprecated \(kept for one release\)' | grep -oE -- '--[A-Za-z][A-Za-z0-9-]*' | sort -u)
    got=$(complete_words sgdlab "$c" -- | sort -u)
    check "completion offers every flag of sgdlab $c --help" \
        test -z "$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
done
finish
