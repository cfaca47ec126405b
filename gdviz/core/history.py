"""Undo and redo of what a lecturer sets up: the function, the view and the starts.

A :class:`Scene` is a plain value; :class:`UndoHistory` keeps a bounded list of them
with a cursor, like an editor's undo stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz.core.grid import ViewRange

MAX_SCENES = 50


@dataclass(frozen=True)
class Scene:
    """What undo brings back: the function, the view, the start points; and its name."""

    function: str
    view: ViewRange
    starts: tuple[tuple[float, float], ...]
    label: str  # what was done, as shown in the Edit menu ("start (1, 2)")


class UndoHistory:
    """Scenes in the order they were set up; ``index`` points at the one on screen."""

    def __init__(self, limit: int = MAX_SCENES) -> None:
        self.limit = limit
        self.scenes: list[Scene] = []
        self.index = -1

    def record(self, scene: Scene) -> None:
        """A new scene is on screen: forget the ones undone before it."""
        if self.index >= 0 and self._same(self.scenes[self.index], scene):
            return
        del self.scenes[self.index + 1:]
        self.scenes.append(scene)
        if len(self.scenes) > self.limit:
            del self.scenes[0]
        self.index = len(self.scenes) - 1

    @staticmethod
    def _same(a: Scene, b: Scene) -> bool:
        return a.function == b.function and a.starts == b.starts

    def update_view(self, view: ViewRange) -> None:
        """The scene on screen was zoomed or panned: undo returns to it as it is now."""
        if self.index >= 0:
            current = self.scenes[self.index]
            self.scenes[self.index] = Scene(current.function, view, current.starts,
                                            current.label)

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.scenes) - 1

    def undo(self) -> Scene | None:
        """The scene before the one on screen (None at the oldest)."""
        if not self.can_undo:
            return None
        self.index -= 1
        return self.scenes[self.index]

    def redo(self) -> Scene | None:
        if not self.can_redo:
            return None
        self.index += 1
        return self.scenes[self.index]

    def jump(self, index: int) -> Scene:
        """Go straight to scene ``index`` (the Edit menu's history)."""
        self.index = max(0, min(index, len(self.scenes) - 1))
        return self.scenes[self.index]
