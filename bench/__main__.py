"""Run the benchmarks and write docs/benchmarks.md.

    python -m bench [--runs N] [--only briefing|load|import]

Each figure is the median of N runs with min and max; every run is a fresh
process, so one run cannot warm the next.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGETS = {"demo": 2.0, "large": 6.0}  # seconds, warm render on this 2-core machine
MEMORY_TARGET_MB = 300


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def closed_session_id(env: dict, title_contains: str) -> int:
    code = (
        "from cases.models import BoardSession as S;"
        f"print(S.objects.filter(state='closed', title__contains={title_contains!r}).latest('pk').pk)"
    )
    return int(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench_briefing(runs: int, lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"
            ),
            "MEDIA_ROOT": f"{folder}/media",
            "LOG_LEVEL": "WARNING",
        }
        print("==> briefing: migrating and loading the demo and a large synthetic set", flush=True)
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        demo = closed_session_id(env, "(voorbeeld)")
        lines += [
            "## Briefing PDF",
            "",
            f"Median of {runs} runs (min–max), each a fresh process: render = context, charts and "
            "WeasyPrint PDF; warm = the second render in the process (what a server worker pays), "
            "cold = the first (imports included). Chromium = its print-to-PDF of the same HTML "
            "(browser start not counted).",
            "",
            "| briefing | pages | warm render (s) | cold render (s) | peak RSS (MB) | Chromium print (s) "
            "| WeasyPrint ÷ Chromium | target |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name in ("demo", "large"):
            if name == "demo":
                session_id = demo  # the six demo cases only
            else:
                manage(
                    env,
                    "generate_data",
                    "--cases",
                    "50",
                    "--executives",
                    "12",
                    "--directions",
                    "10",
                )
                session_id = closed_session_id(env, "Synthetische")
            results = []
            for run in range(runs):
                args = [PY, "-m", "bench.render_briefing", str(session_id), "--chromium"]
                out = subprocess.run(
                    args, cwd=ROOT, env=env, check=True, capture_output=True, text=True
                )
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(f"    {name} run {run + 1}: {results[-1]}", flush=True)
            warm = stats([r["warm_s"] for r in results])
            cold = stats([r["cold_s"] for r in results])
            rss = stats([r["peak_rss_mb"] for r in results])
            chromium = [r["chromium_s"] for r in results if "chromium_s" in r]
            chrome = stats(chromium) if chromium else None
            ratio = f"{warm['median'] / chrome['median']:.2f}" if chrome else "n/a (no Chromium)"
            ok = warm["median"] <= TARGETS[name] and rss["max"] <= MEMORY_TARGET_MB
            lines.append(
                f"| {name} | {results[0]['pages']} | {fmt(warm)} | {fmt(cold)} | {fmt(rss, 0)} | "
                f"{fmt(chrome) if chrome else 'n/a'} | {ratio} | ≤ {TARGETS[name]:.0f} s, ≤ "
                f"{MEMORY_TARGET_MB} MB: {'met' if ok else 'NOT met'} |"
            )
        lines.append("")


def bench_import(lines: list[str]) -> None:
    """A 5,000-row spreadsheet import (preview, then import) in each format,
    on a fresh SQLite database; the goal is under a minute."""
    print("==> spreadsheet import: 5,000 rows per format", flush=True)
    lines += ["## Spreadsheet import, 5,000 rows", "", "```"]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    for fmt_name in ("ods", "xlsx", "csv"):
        out = subprocess.run(
            [PY, "-m", "bench.import_spreadsheet", "--rows", "5000", "--format", fmt_name],
            capture_output=True, text=True, cwd=ROOT, env=env, check=True,
        )
        lines += out.stdout.strip().splitlines()
    lines += ["```", ""]


def fmt(s: dict, digits: int = 2) -> str:
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["briefing", "load", "import"], default=None)
    args = parser.parse_args()
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores by `make bench`.",
        "",
    ]
    if args.only in (None, "load"):
        from bench import load

        load.run(lines, runs=min(args.runs, 3))
    if args.only in (None, "briefing"):
        bench_briefing(args.runs, lines)
    if args.only in (None, "import"):
        bench_import(lines)
    out = ROOT / "docs" / "benchmarks.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"==> written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
