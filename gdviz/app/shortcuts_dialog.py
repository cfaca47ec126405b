"""Help → Keyboard shortcuts: every action of the window that has a key, by menu."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action that has a shortcut."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        stack = [menu]
        while stack:
            current = stack.pop(0)
            for action in current.actions():
                if action.menu() is not None:
                    stack.append(action.menu())
                    continue
                keys = [k.toString(QKeySequence.SequenceFormat.NativeText)
                        for k in action.shortcuts()]
                if keys:
                    rows.append((menu.title().replace("&", ""),
                                 action.text().replace("&", ""), " or ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    """A table of the lecture actions and their keys (non-modal: the lecture goes on)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        body = "".join(
            f"<tr><td style='padding-right:16px; color:#777'>{html.escape(menu)}</td>"
            f"<td style='padding-right:16px'>{html.escape(title)}</td>"
            f"<td><b>{html.escape(keys)}</b></td></tr>"
            for menu, title, keys in shortcut_rows(window))
        label = QLabel(f"<table>{body}</table>", objectName="shortcutsTable")
        label.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(560, min(640, window.height() - 40))
