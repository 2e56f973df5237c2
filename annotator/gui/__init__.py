"""The PySide6 window: thin Qt models, views and undo commands over annotator.core.

PySide6 is pinned to 6.11.3: the 6.12.0 wheels drop a reference to `None` on every void call under
Python 3.11 ("Fatal Python error: none_dealloc" after a few seconds of painting).
"""
