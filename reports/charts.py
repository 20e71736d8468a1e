"""Chart geometry for the reports' inline SVG: bars, stacked columns and their labels.

Every chart is computed here as plain numbers and texts; the templates only
draw what they are given. Each series has a pattern as well as a colour and
every bar carries a direct label, so charts read without colour, and each
chart is shown beside a table with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Series → fill pattern (solid, stripes, dots, cross-hatch …), distinct in greyscale.
PATTERNS = {
    "critical": "solid", "serious": "stripes", "moderate": "dots", "minor": "hatch", "unknown": "grid",
    "perceivable": "solid", "operable": "stripes", "understandable": "dots", "robust": "hatch",
    "audited": "outline", "failing": "stripes",
}

#: Pattern → the texture drawn over the series colour in one 8 × 8 tile (SVG path data).
TEXTURES = {
    "solid": "",
    "stripes": "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6",
    "dots": "M2,2 h2.5 v2.5 h-2.5 Z M6,6 h1.5 v1.5 h-1.5 Z",
    "hatch": "M0,0 L8,8 M8,0 L0,8",
    "grid": "M4,0 V8 M0,4 H8",
    "outline": "",
}


@dataclass
class PatternDef:
    """A fill pattern of one chart: ``id`` is referenced as ``url(#id)``."""

    id: str
    key: str
    texture: str


def pattern_defs(chart_id: str, keys) -> list[PatternDef]:
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return [PatternDef(f"{chart_id}-{key}", key, TEXTURES[PATTERNS.get(key, "solid")]) for key in seen]


FONT = 13  # px in the chart's own coordinates
LINE = 18


@dataclass
class Bar:
    key: str
    label: str
    value: int
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float

    @property
    def pattern(self) -> str:
        return PATTERNS.get(self.key, "solid")


@dataclass
class BarChart:
    """Horizontal bars: a label line above each bar, the value at its end."""

    id: str
    title: str
    width: int
    height: int
    bars: list[Bar]

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def patterns(self) -> list[PatternDef]:
        return pattern_defs(self.id, [bar.key for bar in self.bars])

    @property
    def summary(self) -> str:
        return "; ".join(f"{bar.label}: {bar.value_text}" for bar in self.bars)


def bar_chart(chart_id: str, title: str, items: list[tuple[str, str, int, str]], width: int = 300) -> BarChart:
    """*items*: (series key, label, value, value text). Bars scale to the largest value."""
    top = 4
    label_room, bar_height, gap = LINE, 18, 12
    value_room = 64
    largest = max((value for _, _, value, _ in items), default=0) or 1
    bars = []
    y = top
    for key, label, value, value_text in items:
        length = round((width - value_room) * value / largest, 1)
        bar_y = y + label_room
        bars.append(Bar(
            key=key, label=label, value=value, value_text=value_text,
            x=0, y=bar_y, width=max(length, 1.5 if value else 0), height=bar_height,
            label_x=0, label_y=y + FONT,
            value_x=length + 6, value_y=bar_y + bar_height - 4,
        ))
        y = bar_y + bar_height + gap
    return BarChart(id=chart_id, title=title, width=width, height=int(y), bars=bars)


@dataclass
class Segment:
    key: str
    label: str
    value: int
    y: float
    height: float

    @property
    def pattern(self) -> str:
        return PATTERNS.get(self.key, "solid")


@dataclass
class Column:
    label: str
    sublabel: str
    x: float
    width: float
    segments: list[Segment]
    total_text: str
    total_y: float
    label_y: float
    current: bool = False

    @property
    def sublabel_y(self) -> float:
        return self.label_y + LINE - 2

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class LegendItem:
    key: str
    label: str
    x: float
    y: float

    @property
    def pattern(self) -> str:
        return PATTERNS.get(self.key, "solid")

    @property
    def text_x(self) -> float:
        return self.x + 22

    @property
    def text_y(self) -> float:
        return self.y + 12


@dataclass
class ColumnChart:
    """Vertical columns, stacked by series, one per run, with a legend above."""

    id: str
    title: str
    width: int
    height: int
    baseline: float
    columns: list[Column]
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(seg.value for col in self.columns for seg in col.segments)

    @property
    def patterns(self) -> list[PatternDef]:
        return pattern_defs(self.id, [item.key for item in self.legend] + [s.key for c in self.columns for s in c.segments])

    @property
    def summary(self) -> str:
        return "; ".join(f"{col.label}: {col.total_text}" for col in self.columns)


def column_chart(
    chart_id: str,
    title: str,
    columns: list[tuple[str, str, list[tuple[str, str, int]], str, bool]],
    series: list[tuple[str, str]],
    plot_height: int = 160,
) -> ColumnChart:
    """*columns*: (label and second label under the column, [(series key, label, value)]
    bottom up, total text, current run?). *series*: (key, label) for the legend."""
    column_width, gap, left = 40, 24, 8
    legend_rows = []
    x, row = 0.0, 0
    for key, label in series:
        room = 22 + len(label) * 7.5 + 16
        if x and x + room > max(300, left + len(columns) * (column_width + gap)):
            x, row = 0.0, row + 1
        legend_rows.append(LegendItem(key=key, label=label, x=x, y=row * (LINE + 4) + 2))
        x += room
    legend_height = (row + 1) * (LINE + 4) + 8 if series else 0
    width = max(300, left + len(columns) * (column_width + gap), int(max((i.x + 22 + len(i.label) * 7.5 for i in legend_rows), default=0)))
    top = legend_height + LINE  # room for the totals above the tallest column
    largest = max((sum(v for _, _, v in segs) for _, _, segs, _, _ in columns), default=0) or 1
    baseline = top + plot_height
    out = []
    for i, (label, sublabel, segments, total_text, current) in enumerate(columns):
        cx = left + i * (column_width + gap)
        y = float(baseline)
        segs = []
        for key, seg_label, value in segments:
            height = round(plot_height * value / largest, 1)
            y -= height
            segs.append(Segment(key=key, label=seg_label, value=value, y=round(y, 1), height=height))
        out.append(Column(
            label=label, sublabel=sublabel, x=cx, width=column_width, segments=segs, total_text=total_text,
            total_y=round(y - 5, 1), label_y=baseline + FONT + 4, current=current,
        ))
    return ColumnChart(
        id=chart_id, title=title, width=int(width), height=int(baseline + 2 * LINE + 6), baseline=baseline,
        columns=out, legend=legend_rows,
    )
