"""gdviz: a desktop app for teaching gradient descent."""

__version__ = "0.1.0"
