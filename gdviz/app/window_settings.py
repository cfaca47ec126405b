"""What the window remembers between sessions (QSettings): looks, views and layout."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

KEYS = ("theme", "colour_map", "text_size", "views", "layout", "geometry")


def save(window) -> None:
    """Keep the theme, colour map, text size, shown views, dock layout and geometry."""
    settings = QSettings()
    settings.beginGroup("window")
    settings.setValue("theme", window.menus.theme)
    settings.setValue("colour_map", window.context.colour_map)
    settings.setValue("text_size", window.menus.text_size)
    settings.setValue("views", ",".join(window.views.shown()))
    settings.setValue("layout", window.views.layout_state())
    settings.setValue("geometry", window.saveGeometry())
    settings.endGroup()
    settings.sync()


def restore(window) -> None:
    """Bring back what :func:`save` kept; anything missing or odd keeps its default."""
    settings = QSettings()
    settings.beginGroup("window")
    try:
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        theme = settings.value("theme")
        if theme in ("light", "dark"):
            window.menus.set_theme(theme)
        colour_map = settings.value("colour_map")
        if colour_map in window.menus.colour_map_actions:
            window.menus.set_colour_map(colour_map)
        size = settings.value("text_size")
        if isinstance(size, (int, str)) and str(size).isdigit():
            window.menus.set_text_size(int(size))
        views = settings.value("views")
        if isinstance(views, str):
            window.views.show_only([n for n in views.split(",") if n in window.views.specs])
        layout = settings.value("layout")
        if isinstance(layout, str) and layout:
            window.views.restore_layout(layout)
    finally:
        settings.endGroup()
