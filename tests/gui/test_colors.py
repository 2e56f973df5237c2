"""Dark mode: the dark palette is complete, check boxes read on it, status colours keep their contrast."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleFactory, QStyleOptionButton

from annotator.gui.app import ContrastStyle
from annotator.gui.colors import contrast, dark_palette, is_dark, readable
from annotator.gui.document_list import STATUS_COLORS


def test_dark_palette_sets_every_role_widgets_read():
    palette = dark_palette()
    assert is_dark(palette)
    R = QPalette.ColorRole
    for role in (R.Window, R.WindowText, R.Base, R.AlternateBase, R.Text, R.Button, R.ButtonText,
                 R.PlaceholderText, R.Highlight, R.HighlightedText, R.ToolTipBase, R.ToolTipText, R.Link):
        assert palette.isBrushSet(QPalette.ColorGroup.Active, role), role  # nothing left to the light default
    base = palette.color(QPalette.ColorRole.Base)
    assert contrast(palette.color(QPalette.ColorRole.PlaceholderText), base) >= 4.5
    assert contrast(palette.color(QPalette.ColorRole.Text), base) >= 7


def _indicator_lightness(qtbot, style) -> int:
    box = QCheckBox("tag")
    qtbot.addWidget(box)
    box.setStyle(style)
    box.setPalette(dark_palette())
    box.resize(80, 30)
    image = box.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    r = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    return max(QColor(image.pixel(x, y)).lightness() for x in range(r.left(), r.right() + 1)
               for y in range(r.top(), r.bottom() + 1))


def test_unchecked_box_is_outlined_on_a_dark_palette(qtbot):
    plain = QStyleFactory.create("Fusion")
    assert _indicator_lightness(qtbot, plain) < 60  # what the Tags panel showed: boxes lost in the Base colour
    assert _indicator_lightness(qtbot, ContrastStyle("Fusion")) > 110


@pytest.mark.parametrize("base", ["#1e1e1e", "#ffffff"])
@pytest.mark.parametrize("color", [*STATUS_COLORS.values(), "#c2410c"])
def test_status_and_warning_colours_read_on_light_and_dark(color, base):
    assert contrast(readable(color, QColor(base)), QColor(base)) >= 4.5
