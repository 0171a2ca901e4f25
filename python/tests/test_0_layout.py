"""The cffi declarations (sgdlab/_ffi.py) against the C compiler's view of include/sgdlab.h: every size and
offset the package reads, so a header change not made in _ffi.py fails here instead of reading wrong bytes."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT


def test_struct_layout_matches_header(tmp_path):
    from sgdlab._ffi import ffi, LAYOUT, PARTIAL, EXP_CONSTANTS
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "sgdlab_experiments.h"', '#include "sgdlab_columns.h"', '#include "sgdlab_plugin.h"', "int main(void) {",
             'printf("{");']
    sep = ""
    for name in EXP_CONSTANTS:
        lines.append('printf("%s\\"%s\\": %%d", (int)%s);' % (sep, name, name))
        sep = ","
    for name, fields in list(LAYOUT.items()) + list(PARTIAL.items()):
        if name in LAYOUT:
            lines.append('printf("%s\\"%s\\": %%zu", sizeof(%s));' % (sep, name, name))
            sep = ","
        for f in fields:
            lines.append('printf("%s\\"%s.%s\\": %%zu", offsetof(%s, %s));' % (sep, name, f, name, f))
            sep = ","
    lines += ['printf("}\\n");', "return 0; }"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=gnu11", "-I", os.path.join(ROOT, "include"), str(src), "-o", str(exe)], check=True)
    want = json.loads(subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout)
    got = dict(EXP_CONSTANTS)
    for name, fields in list(LAYOUT.items()) + list(PARTIAL.items()):
        if name in LAYOUT:
            got[name] = ffi.sizeof(name)
        for f in fields:
            got["%s.%s" % (name, f)] = ffi.offsetof(name, f)
    assert got == want
