"""Colours for labels, quotes, speakers and cues that stay readable on light and dark palettes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background`."""
    return QColor("#000000") if luminance(background) > 0.179 else QColor("#ffffff")


def blend(top: QColor, bottom: QColor, alpha: float) -> QColor:
    return QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )


def dark_palette() -> QPalette:
    """A complete dark palette (for the Fusion style): every role a widget reads, disabled ones dimmed.
    Partial palettes leave Qt's light defaults in place (black placeholder text, white-on-white checkboxes)."""
    R = QPalette.ColorRole
    palette = QPalette()
    for role, color in (
        (R.Window, "#2b2b2b"), (R.WindowText, "#e8e8e8"), (R.Base, "#1e1e1e"), (R.AlternateBase, "#262626"),
        (R.Text, "#e8e8e8"), (R.Button, "#353535"), (R.ButtonText, "#e8e8e8"), (R.BrightText, "#ff6b6b"),
        (R.PlaceholderText, "#9a9a9a"), (R.Highlight, "#2f6db5"), (R.HighlightedText, "#ffffff"),
        (R.ToolTipBase, "#3a3a3a"), (R.ToolTipText, "#f0f0f0"), (R.Link, "#7fb2ff"), (R.LinkVisited, "#c39bff"),
        (R.Light, "#505050"), (R.Midlight, "#404040"), (R.Mid, "#303030"), (R.Dark, "#1a1a1a"), (R.Shadow, "#0a0a0a"),
    ):
        palette.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (R.WindowText, R.Text, R.ButtonText, R.PlaceholderText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    palette.setColor(disabled, R.Base, QColor("#252525"))
    palette.setColor(disabled, R.Button, QColor("#2e2e2e"))
    palette.setColor(disabled, R.Highlight, QColor("#3a3a3a"))
    return palette


_readable_cache: dict[tuple[str, int], QColor] = {}


def readable(color: str | QColor, background: QColor | None = None, minimum: float = 4.5) -> QColor:
    """`color` moved towards white (on a dark background) or black (on a light one) until it reads on
    `background` (default: the application palette's Base) — for status colours and warnings in tables."""
    if background is None:
        from PySide6.QtGui import QGuiApplication

        background = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    key = (QColor(color).name(), background.rgb())
    if key not in _readable_cache:
        start = QColor(color)
        target = QColor("#ffffff") if luminance(background) < 0.2 else QColor("#000000")
        result, step = start, 0
        while contrast(result, background) < minimum and step < 10:
            step += 1
            result = blend(target, start, step / 10)
        _readable_cache[key] = result
    return _readable_cache[key]


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(QPalette.ColorRole.Base)) < 0.2


def span_background(label_color: QColor, palette: QPalette) -> QColor:
    """The label colour, toned towards the base colour until the palette's text reads on it (contrast ≥ 4.5)."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    alpha = 1.0
    color = label_color
    while alpha > 0.2 and contrast(color, text) < 4.5:
        alpha -= 0.1
        color = blend(label_color, base, alpha)
    return color


class Scheme:
    """Every colour the article view paints, derived once from the palette and the label colours."""

    def __init__(self, palette: QPalette, labels: dict[str, str]):
        self.palette = palette
        self.dark = is_dark(palette)
        self.base = palette.color(QPalette.ColorRole.Base)
        self.text = palette.color(QPalette.ColorRole.Text)
        self.label_color = {name: QColor(color) for name, color in labels.items()}
        self.span_bg = {name: span_background(c, palette) for name, c in self.label_color.items()}
        self.tag_text = {name: text_color_on(c) for name, c in self.label_color.items()}
        quote = QColor("#2e9e5b") if not self.dark else QColor("#5fd38d")
        self.quote = quote
        self.quote_band = blend(quote, self.base, 0.09)
        self.quote_band_active = blend(quote, self.base, 0.32)
        self.speaker = QColor("#1f6fd1") if not self.dark else QColor("#7fb2ff")
        self.cue = QColor("#c2410c") if not self.dark else QColor("#ffa366")
        self.selection_outline = self.text

    def entity_background(self, label: str) -> QColor:
        if label not in self.span_bg:
            from annotator.core.resources import color_for

            self.label_color[label] = QColor(color_for(label))
            self.span_bg[label] = span_background(self.label_color[label], self.palette)
            self.tag_text[label] = text_color_on(self.label_color[label])
        return self.span_bg[label]
