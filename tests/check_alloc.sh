#!/usr/bin/env bash
# Fails when library code (src/) allocates or frees memory other than through
# sgl_malloc & co. (src/alloc.c is the one file allowed to call the C library's
# allocator).  Comments are stripped by the preprocessor first, so a comment
# that mentions free() is fine; a call like `malloc (n)` or `(free)(p)` is not.
# usage: check_alloc.sh <source root>
set -u
root=${1:?usage: check_alloc.sh <source root>}
cc=${CC:-cc}
pat='(^|[^A-Za-z0-9_.>])\(?(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|reallocarray|strdup|strndup|getline|getdelim|asprintf|vasprintf|open_memstream)\)?[[:space:]]*\('
bad=0 files=0
while IFS= read -r -d '' f; do
  case "$f" in */src/alloc.c) continue ;; esac
  files=$((files + 1))
  # -fpreprocessed: drop comments, expand nothing
  if hits=$("$cc" -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null | grep -E "$pat"); then
    echo "FAIL ${f#"$root"/} calls the C allocator directly (use sgl_malloc & co., src/internal.h):"
    printf '%s\n' "$hits" | sed 's/^[[:space:]]*/    /'
    bad=1
  fi
done < <(find "$root/src" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
if [ "$files" -eq 0 ]; then echo "FAIL no source files under $root/src"; exit 1; fi
[ "$bad" -eq 0 ] && echo "PASS $files files under src/ allocate only through sgl_malloc & co."
exit "$bad"
