"""The installed Qt binding must not leak references to None.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call and on
QObject.property(); pyqtgraph's setData calls property() on every frame, so the
interpreter aborts (``none_dealloc``) within seconds of animation. pyproject pins below
6.12 on 3.11; this test catches a drifted install.
"""

import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QPainterPath


def test_void_calls_and_property_keep_none_refcount(qapp):
    path, obj = QPainterPath(), QObject()
    before = sys.getrefcount(None)
    for i in range(10_000):
        path.lineTo(float(i), float(i))
        obj.property("missing")
    drift = abs(sys.getrefcount(None) - before)
    assert drift < 100, f"sys.getrefcount(None) moved by {drift} over 10,000 calls"
