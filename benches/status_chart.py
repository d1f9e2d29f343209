#!/usr/bin/env python3
# Draws benches/status.sh's results as an SVG bar chart: see the docstring.
"""Turns target/status-bench/results.json (from benches/status.sh) into an SVG chart.

One group of bars per repository, state and page cache; one bar per command (hello-world,
awesh with the status off and on, git status, starship's git_status), on a log scale, each
labelled with its median time. Hand-written SVG, no plotting library.

    status_chart.py RESULTS.json OUT.svg
"""

import json
import math
import sys
from html import escape

COMMANDS = [
    ("hello", "hello-world binary (the floor)", "#9e9e9e"),
    ("awesh, status off", "awesh prompt, status off", "#90caf9"),
    ("awesh, status on", "awesh prompt, status on", "#1565c0"),
    ("git status", "git status --porcelain=v2", "#c62828"),
    ("starship git_status", "starship module git_status", "#6a1b9a"),
]
REPOS = {"r1000": "1k files", "r10000": "10k files", "r100000": "100k files",
         "nm": "10k files + 200k ignored"}


def label(ms):
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms"


def svg(data):
    rows = data["rows"]
    keys = []
    for r in rows:
        k = (r["repo"], r["state"], r["cache"])
        if k not in keys:
            keys.append(k)
    order = list(REPOS)
    keys.sort(key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[2], k[1]))
    present = [c for c in COMMANDS if any(r["command"] == c[0] for r in rows)]
    left, width, bar, gap = 210, 540, 13, 12
    lo, hi = 0.1, 10_000.0
    x = lambda ms: left + width * (math.log10(max(ms, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    top = 72
    per = len(present) * (bar + 2) + gap
    height = top + per * len(keys) + 60
    meta = data["meta"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(left + width + 110, 1000)}" height="{height}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="22" font-size="16" font-weight="bold">Working-tree status, whole process '
        '(median, log scale; lower is better)</text>',
        f'<text x="10" y="40" fill="#555">{escape(meta["date"])}, {escape(meta["machine"])}, '
        f'load {escape(" ".join(meta["load"]))}; hyperfine, no shell</text>',
    ]
    for ms in (0.1, 1, 10, 100, 1000, 10_000):
        gx = x(ms)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 50}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 36}" text-anchor="middle" fill="#555">{label(ms)}</text>')
    y = top
    for repo, state, cache in keys:
        name = f"{REPOS.get(repo, repo)}, {state}, {cache}"
        out.append(f'<text x="{left - 8}" y="{y + 11}" text-anchor="end" font-weight="bold">{escape(name)}</text>')
        for cmd, _, color in present:
            r = next((r for r in rows if (r["repo"], r["state"], r["cache"], r["command"]) ==
                      (repo, state, cache, cmd)), None)
            if r:
                w = max(x(r["median_ms"]) - left, 1)
                out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}"/>')
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}">{label(r["median_ms"])}</text>')
            y += bar + 2
        y += gap
    lx = 10
    for _, text, color in present:
        out.append(f'<rect x="{lx}" y="{height - 22}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 13}">{escape(text)}</text>')
        lx += 14 + 6.6 * len(text) + 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    results, svg_out = sys.argv[1:3]
    with open(results, encoding="utf-8") as f:
        data = json.load(f)
    with open(svg_out, "w", encoding="utf-8") as f:
        f.write(svg(data))


if __name__ == "__main__":
    main()
