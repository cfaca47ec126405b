"""Start the app and print the wall-clock time when the first contour is painted.

Used by bench.py (which notes the time before starting this process). Also prints
whether sympy was imported before that paint, and peak RSS once the gradient is ready.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    from gdviz.app import create_window, ensure_app

    app = ensure_app()
    window = create_window()
    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if (event.type() == QEvent.Type.Paint and not painted
                    and window.controller.grid is not None):
                painted.append(time.time())
                print("sympy imported before first paint:", "sympy" in sys.modules,
                      file=sys.stderr)
            return False

    watch = PaintWatch()
    window.contour.viewport().installEventFilter(watch)
    window.show()

    def check() -> None:
        if painted and window.controller.session is not None:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS with gradient ready: {rss:.0f} MB", file=sys.stderr)
            print(painted[0])
            window.close()
            app.quit()

    timer = QTimer(interval=5)
    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(30_000, app.quit)
    app.exec()


if __name__ == "__main__":
    main()
