"""The window's process never loads sympy: the compile worker does the symbolic work."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QEventLoop, QTimer
    from gdviz.app import create_window
    window = create_window()
    window.show()
    loop = QEventLoop()
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: window.controller.session is not None and loop.quit())
    poll.start()
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    c = window.controller
    c.update_settings(optimizer="newton")  # the Hessian too comes from the worker
    c.step(3)
    print(c.session is not None, "sympy" in sys.modules, c.objective.math_html()["dfdx"] != "",
          int(c.groups[0].steps[0]))
    window.controller.shutdown()
""")


def test_the_window_process_does_not_import_sympy():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, timeout=90, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    ready, sympy_loaded, typeset, newton_steps = out.stdout.split()
    assert ready == "True" and typeset == "True" and newton_steps == "3"
    assert sympy_loaded == "False"
