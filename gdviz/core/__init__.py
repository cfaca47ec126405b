"""The Qt-free core: expressions, objectives, optimizers, runs and grids.

Nothing in this package may import Qt (PySide6, shiboken6, pyqtgraph); a test enforces it.
"""
