"""Small inline SVG charts for the HTML report (no external assets, no JavaScript)."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart", "heat_map", "histogram"]

_GOOD, _BAD = "#2e7d32", "#c62828"


def _colour(rate: float) -> str:
    # Red below 50 %, amber to 90 %, green above: the eye finds the weak spots first.
    if rate >= 0.9:
        return _GOOD
    if rate >= 0.5:
        return "#f9a825"
    return _BAD


def bar_chart(rows: list[tuple[str, float | None, str]], *, width: int = 520) -> str:
    """Horizontal bars of rates in [0, 1]: (label, rate, caption) per row."""
    height = 26 * len(rows) + 10
    label_w = 150
    bar_w = width - label_w - 110
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img">']
    for i, (label, rate, caption) in enumerate(rows):
        y = 8 + i * 26
        parts.append(f'<text x="0" y="{y + 14}" class="lbl">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="18" fill="#eee" rx="3"/>')
        if rate is not None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{bar_w * rate:.1f}" height="18" fill="{_colour(rate)}" rx="3"/>'
            )
        text = "—" if rate is None else f"{rate * 100:.1f}%"
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 14}" class="val">{text} {escape(caption)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heat_map(labels: list[str], counts: list[list[int]]) -> str:
    """Confusion matrix: rows expected, columns predicted; cell shade by share of the row."""
    if not labels:
        return '<p class="muted">no routing cases</p>'
    cell, left, top = 44, 110, 100
    # Room on the right for the last rotated column label.
    size_w, size_h = left + cell * len(labels) + 80, top + cell * len(labels) + 10
    parts = [f'<svg class="chart" width="{size_w}" height="{size_h}" role="img">']
    for j, label in enumerate(labels):
        x = left + j * cell + cell / 2
        parts.append(
            f'<text x="{x}" y="{top - 6}" class="lbl" transform="rotate(-45 {x} {top - 6})">{escape(label)}</text>'
        )
    for i, label in enumerate(labels):
        row_total = sum(counts[i]) or 1
        y = top + i * cell
        parts.append(
            f'<text x="{left - 6}" y="{y + cell / 2 + 4}" class="lbl" text-anchor="end">{escape(label)}</text>'
        )
        for j, count in enumerate(counts[i]):
            share = count / row_total
            hue = "46,125,50" if i == j else "198,40,40"
            fill = f"rgba({hue},{0.08 + 0.92 * share:.2f})" if count else "#fafafa"
            x = left + j * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}"/>')
            if count:
                colour = "#fff" if share > 0.5 else "#222"
                parts.append(
                    f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                    f'fill="{colour}" class="val">{count}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: list[float], *, bins: int = 20, width: int = 520, height: int = 160) -> str:
    """Latency histogram (ms) with p50 / p95 markers."""
    if not values:
        return '<p class="muted">no latencies</p>'
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    counts = [0] * bins
    for value in values:
        counts[min(int((value - low) / span * bins), bins - 1)] += 1
    peak = max(counts)
    plot_h = height - 30
    bar_w = (width - 20) / bins
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img">']
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        parts.append(
            f'<rect x="{10 + i * bar_w:.1f}" y="{plot_h - h + 5:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
            f'fill="#1565c0"><title>{count}</title></rect>'
        )
    parts.append(f'<text x="10" y="{height - 6}" class="val">{low:.0f} ms</text>')
    parts.append(f'<text x="{width - 10}" y="{height - 6}" class="val" text-anchor="end">{high:.0f} ms</text>')
    parts.append("</svg>")
    return "".join(parts)
