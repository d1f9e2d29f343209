#!/usr/bin/env python3
# Draws benches/serve_status.py's results as an SVG bar chart: see the docstring.
"""Turns target/serve-status-bench/results.json (from benches/serve_status.py) into an SVG chart,
copies the results beside it as JSON, and prints them as the Markdown table of
docs/performance.md.

One group of bars per repository size and measure (clean, dirty: nothing changed since the
last ask; after a one-file edit: the first ask after it); one bar per tool (git status and awesh
prompt as processes, gitstatusd and awesh serve as daemons), on a log scale, each labelled with
its median and marked when its answer differed from git's. Hand-written SVG, no plotting library.

    serve_status_chart.py RESULTS.json OUT.svg [OUT.json]
"""

import json
import math
import sys
from html import escape

TOOLS = [
    ("git status", "git status --porcelain=v2 (process)", "#c62828"),
    ("awesh prompt", "awesh prompt, status on (process)", "#90caf9"),
    ("gitstatusd", "gitstatusd (daemon)", "#6a1b9a"),
    ("awesh serve", "awesh serve, status on (daemon)", "#1565c0"),
]
MEASURES = [("clean", "clean"), ("dirty", "dirty"), ("after edit", "after a one-file edit")]


def label(ms):
    return f"{ms:.3f} ms" if ms < 1 else f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms"


def tick(ms):
    return f"{ms:g} ms"


def files(n):
    return f"{n // 1000}k files" if n >= 1000 else f"{n} files"


def find(rows, size, measure, tool):
    for r in rows:
        if r["size"] != size or r["tool"] != tool:
            continue
        if measure == "after edit" and r["kind"] == "after edit":
            return r
        if measure != "after edit" and r["state"] == measure and r["kind"] != "after edit":
            return r
    return None


def svg(data):
    rows, meta = data["rows"], data["meta"]
    sizes = sorted({r["size"] for r in rows})
    present = [t for t in TOOLS if any(r["tool"] == t[0] for r in rows)]
    groups = [(s, m, text) for s in sizes for m, text in MEASURES
              if any(find(rows, s, m, t[0]) for t in present)]
    left, width, bar, gap = 230, 560, 13, 12
    lo, hi = 0.01, 10_000.0
    span = math.log10(hi) - math.log10(lo)
    x = lambda ms: left + width * (math.log10(max(ms, lo)) - math.log10(lo)) / span
    top = 90
    bars = sum(1 for s, m, _ in groups for t in present if find(rows, s, m, t[0]))
    height = top + bars * (bar + 2) + gap * len(groups) + 62
    mem = "; ".join(f"{tool} {m.get('VmRSS', 0) / 1024:.1f} MiB"
                    for tool, m in data.get("memory_kib", {}).get(str(sizes[-1]), {}).items())
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 250}" height="{height}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="22" font-size="16" font-weight="bold">Status per prompt: processes and '
        'daemons side by side (median, log scale; lower is better)</text>',
        f'<text x="10" y="40" fill="#555">{escape(meta["date"])}, {escape(meta["machine"])}, '
        f'load {escape(" ".join(meta["load"]))}, {meta["runs"]} runs each</text>',
        f'<text x="10" y="56" fill="#555">RSS at {files(sizes[-1])}: {escape(mem)}. Targets '
        '(issue 17): serve &#8804; 0.3 ms hot, &#8804; 1 ms after an edit at 100k, &#8804; 40 MB.'
        '</text>',
    ]
    for ms in (0.01, 0.1, 1, 10, 100, 1000, 10_000):
        gx = x(ms)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 52}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 38}" text-anchor="middle" fill="#555">'
                   f'{tick(ms)}</text>')
    y = top
    for size, measure, text in groups:
        out.append(f'<text x="{left - 8}" y="{y + 11}" text-anchor="end" font-weight="bold">'
                   f'{escape(files(size))}, {escape(text)}</text>')
        for tool, _, color in present:
            r = find(rows, size, measure, tool)
            if not r:
                continue
            w = max(x(r["median_ms"]) - left, 1)
            note = "" if r["matched"] else " (differs from git)"
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" '
                       f'fill="{color}"/>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}">'
                       f'{label(r["median_ms"])}{note}</text>')
            y += bar + 2
        y += gap
    lx = 10
    for _, text, color in present:
        out.append(f'<rect x="{lx}" y="{height - 22}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 13}">{escape(text)}</text>')
        lx += 14 + 6.2 * len(text) + 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


def table(data):
    """The results as one Markdown table: a row per size and measure, a column per tool."""
    rows = data["rows"]
    out = ["| files | state | `git status` (process) | `awesh prompt` (process) | gitstatusd "
           "| `awesh serve` |", "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for size in sorted({r["size"] for r in rows}):
        for measure, text in MEASURES:
            cells = []
            for tool, _, _ in TOOLS:
                r = find(rows, size, measure, tool)
                if r is None:
                    cells.append("—")
                    continue
                mark = "" if r["matched"] else " **differs from git**"
                cells.append(f"{r['median_ms']:.3f} (p90 {r['p90_ms']:.3f}){mark}")
            out.append(f"| {files(size)} | {text} | " + " | ".join(cells) + " |")
    out += ["", "| files | daemon | VmRSS MiB | VmHWM MiB |", "| ---: | --- | ---: | ---: |"]
    for size, tools in data.get("memory_kib", {}).items():
        for tool, m in tools.items():
            out.append(f"| {files(int(size))} | {tool} | {m.get('VmRSS', 0) / 1024:.1f} "
                       f"| {m.get('VmHWM', 0) / 1024:.1f} |")
    return "\n".join(out)


def main():
    results, svg_out = sys.argv[1:3]
    with open(results, encoding="utf-8") as f:
        data = json.load(f)
    with open(svg_out, "w", encoding="utf-8") as f:
        f.write(svg(data))
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    print(table(data))


if __name__ == "__main__":
    main()
