#!/usr/bin/env python3
# Draws the per-prompt hook cost chart of benches/hook_cost.sh: see the docstring.
"""Turns benches/hook_cost.sh's measurements into docs/serve-bench.json and an SVG bar chart.

Hand-written SVG (no plotting library): one group of bars per scenario and shell, one bar per
setup, on a log scale (the costs span four orders of magnitude), each bar labelled with its
median per-prompt cost.

    hook_chart.py RESULTS MACHINE BASH_VERSION ZSH_VERSION OUT.json OUT.svg
"""

import json
import math
import statistics
import sys
import time
from html import escape

SETUPS = [
    ("serve", "awesh serve (no process)", "#2e7d32"),
    ("floor", "any process: $(/bin/true)", "#9e9e9e"),
    ("plain", "awesh prompt per prompt", "#1565c0"),
    ("seed", "original git + 2× kubectl", "#c62828"),
]


def load(path):
    """Rows of `scenario shell setup n total_us segment...`, grouped; median per-prompt cost."""
    runs = {}
    segments = {}
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split(" ", 5)
        if len(parts) < 5:
            continue
        scenario, shell, setup, n, total = parts[:5]
        key = (scenario, shell, setup)
        runs.setdefault(key, []).append(int(total) / int(n))
        segments[key] = parts[5] if len(parts) > 5 else ""
    return [
        {
            "scenario": s,
            "shell": sh,
            "setup": st,
            "per_prompt_us": round(statistics.median(v), 2),
            "runs_us": [round(x, 2) for x in v],
            "segment": segments[(s, sh, st)],
        }
        for (s, sh, st), v in runs.items()
    ]


def label(us):
    return f"{us / 1000:.3f} ms" if us < 10_000 else f"{us / 1000:.0f} ms"


def svg(rows, machine, bash, zsh):
    groups = []
    for scenario in ("small", "big"):
        for shell in ("bash", "zsh"):
            bars = [r for s in SETUPS for r in rows
                    if (r["scenario"], r["shell"], r["setup"]) == (scenario, shell, s[0])]
            if bars:
                groups.append((f"{scenario} · {shell}", bars))
    left, width, bar, gap = 150, 560, 16, 14
    lo, hi = 10.0, 1_000_000.0  # 10 µs to 1 s
    x = lambda us: left + width * (math.log10(max(us, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    top = 78
    height = top + sum(len(b) * (bar + 3) + gap for _, b in groups) + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="10" y="22" font-size="16" font-weight="bold">Per-prompt cost of the prompt hook '
        f'(median, log scale; lower is better)</text>',
        f'<text x="10" y="40" fill="#555">{escape(machine)}</text>',
        f'<text x="10" y="56" fill="#555">bash {escape(bash)}, zsh {escape(zsh)}; the hook run N times '
        f'in a loop in the shell, minus the empty loop</text>',
    ]
    for us in (10, 100, 1_000, 10_000, 100_000, 1_000_000):
        gx = x(us)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 50}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 36}" text-anchor="middle" fill="#555">{label(us)}</text>')
    y = top
    for name, bars in groups:
        out.append(f'<text x="{left - 8}" y="{y + 12}" text-anchor="end" font-weight="bold">{escape(name)}</text>')
        for r in bars:
            color = next(c for s, _, c in SETUPS if s == r["setup"])
            w = max(x(r["per_prompt_us"]) - left, 1)
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}"/>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}">{label(r["per_prompt_us"])}</text>')
            y += bar + 3
        y += gap
    lx = 10
    for _, text, color in SETUPS:
        out.append(f'<rect x="{lx}" y="{height - 22}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 13}">{escape(text)}</text>')
        lx += 14 + 7.2 * len(text) + 16
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    results, machine, bash, zsh, json_out, svg_out = sys.argv[1:7]
    rows = load(results)
    data = {
        "what": "per-prompt cost of the hook, microseconds (median of rounds)",
        "machine": machine,
        "bash": bash,
        "zsh": zsh,
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(svg_out, "w", encoding="utf-8") as f:
        f.write(svg(rows, machine, bash, zsh))
    print(table(data))


def table(data):
    """The README's Markdown table of the same numbers, in milliseconds."""
    rows = {(r["scenario"], r["shell"], r["setup"]): r for r in data["rows"]}
    ms = lambda us: f"{us / 1000:.3f}" if us < 10_000 else f"{us / 1000:.0f}"
    rounds = max(len(r["runs_us"]) for r in data["rows"])
    out = [
        f"Measured on {data['machine']} (bash {data['bash']}, zsh {data['zsh']}, {data['date']}); "
        f"milliseconds per prompt, median of {rounds} rounds (range in parentheses):",
        "",
        "| hook | small, bash | small, zsh | big, bash | big, zsh |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label, _ in SETUPS:
        cells = []
        for scenario in ("small", "big"):
            for shell in ("bash", "zsh"):
                r = rows.get((scenario, shell, key))
                cells.append(
                    f"{ms(r['per_prompt_us'])} ({ms(min(r['runs_us']))}–{ms(max(r['runs_us']))})"
                    if r else "skipped"
                )
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
