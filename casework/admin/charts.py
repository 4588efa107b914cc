"""Charts drawn on the server as SVG: they need no JavaScript.

Each chart is an <svg role="img"> named by its <title> and described by its
<desc> (what it shows, in words, with the totals); every bar has its own
<title> with its figures; the page puts the same figures in a table beside
it. Series differ in colour and in the legend's words.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[float]


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1
    for step in [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]:
        if value <= step * 4:
            return step * 4 if value > step * 2 else step * 2
    return value * 1.1


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    unit: str = "",
) -> SafeString:
    """Stacked bars, one per label, one colour per series."""
    count = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(count)]
    top = _nice_top(max(totals, default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(count, 1)
    bar_w = max(slot * 0.7, 1)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" '
        'stroke-width="1"/><text x="{}" y="{}" text-anchor="end" '
        'font-size="11" fill="#0b0c0c">{}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                _n(y(v)),
                _n(y(v)),
                LEFT - 6,
                _n(y(v) + 4),
                _figure(v),
            )
            for v in (0, top / 2, top)
        ),
    )
    bars = []
    for i, label in enumerate(labels):
        x = LEFT + i * slot + (slot - bar_w) / 2
        base = 0.0
        parts = []
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{}: {} {}{}</title></rect>',
                    _n(x),
                    _n(y(base + value)),
                    _n(bar_w),
                    _n(y(base) - y(base + value)),
                    s.colour,
                    label,
                    _figure(value),
                    s.name,
                    unit,
                )
            )
            base += value
        bars.append(mark_safe("".join(parts)))  # noqa: S308 (built by format_html)
    step = max(1, round(count / 6))
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" '
        'fill="#0b0c0c">{}</text>',
        (
            (_n(LEFT + i * slot + slot / 2), HEIGHT - BOTTOM + 16, label)
            for i, label in enumerate(labels)
            if i % step == 0 or i == count - 1
        ),
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" fill="#0b0c0c">{}</text>',
        (
            (
                LEFT + n * 200,
                HEIGHT - 22,
                s.colour,
                LEFT + n * 200 + 18,
                HEIGHT - 12,
                s.name,
            )
            for n, s in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="hr-chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg" '
        'focusable="false"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        grid,
        mark_safe("".join(bars)),  # noqa: S308 (each part built by format_html)
        ticks,
        legend,
    )


def _n(value: float) -> str:
    return f"{value:.1f}"


def _figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
