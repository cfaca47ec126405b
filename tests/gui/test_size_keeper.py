"""SizeKeeper: a passing rise of the content's minimum does not keep the window larger."""

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from gdviz.app.size_keeper import SizeKeeper


def window_with_content(qtbot):
    window = QMainWindow()
    content = QWidget()
    window.setCentralWidget(content)
    qtbot.addWidget(window)
    SizeKeeper(window)
    window.resize(600, 400)
    window.show()
    qtbot.waitUntil(lambda: window.size().toTuple() == (600, 400))
    return window, content


def test_the_window_shrinks_back_once_the_minimum_falls(qtbot):
    window, content = window_with_content(qtbot)
    content.setMinimumSize(500, 700)  # taller than the window for a moment: Qt grows it
    qtbot.waitUntil(lambda: window.height() >= 700)
    assert window.width() == 600
    content.setMinimumSize(100, 100)
    qtbot.waitUntil(lambda: window.size().toTuple() == (600, 400))


def test_a_chosen_size_is_kept_and_never_grown(qtbot):
    window, content = window_with_content(qtbot)
    window.resize(900, 650)  # the user's choice
    qtbot.waitUntil(lambda: window.size().toTuple() == (900, 650))
    content.setMinimumSize(200, 800)
    qtbot.waitUntil(lambda: window.height() >= 800)
    content.setMinimumSize(200, 300)
    qtbot.waitUntil(lambda: window.size().toTuple() == (900, 650))
    content.setMinimumSize(100, 100)  # a smaller minimum: nothing shrinks below the choice
    for _ in range(3):  # the check runs on the next turns of the event loop
        QApplication.processEvents()
    assert window.size().toTuple() == (900, 650)
