"""The core must import no Qt: it is shared by the GUI, the CLI and the benchmarks."""

import pkgutil
import subprocess
import sys

import gdviz.core

QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


def test_core_imports_no_qt():
    modules = [f"gdviz.core.{m.name}" for m in pkgutil.iter_modules(gdviz.core.__path__)]
    assert len(modules) >= 6
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"print([m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
