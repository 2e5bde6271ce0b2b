#!/usr/bin/env python3
"""Measure the dashboard as a person meets it: time to interactive, slider-to-redraw
latency, and N simultaneous sessions on loopback (each must become interactive), with the
memory each session's kernel takes. A benchmark, not a test: it reports, it asserts nothing.

Usage (from the repository root, after `make test` has set up .venv and Chromium):
    .venv/bin/python benchmarks/dashboard_latency.py [--sessions 10] [--moves 20] [--cold]

It starts Voila itself on a free loopback port, the same way `make dashboard` does (with
`--cold`, without kernel preheating), drives Debian's Chromium with Playwright, and writes
benchmarks/results/dashboard-latency.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import time
from pathlib import Path

from playwright.async_api import async_playwright

from course_lib.dashboard import voila_command

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
IMAGE = "img.widget-image >> visible=true"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernel_memory_mb(server_pid: int) -> list[float]:
    """Resident memory of each ipykernel started by the server (from /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_text().replace("\0", " ")
        except OSError:
            continue
        ppid = int(next(line.split()[1] for line in text.splitlines() if line.startswith("PPid:")))
        if ppid == server_pid and "ipykernel" in cmdline:
            rss = next(line.split()[1] for line in text.splitlines() if line.startswith("VmRSS:"))
            sizes.append(int(rss) / 1024)
    return sizes


async def time_to_interactive(browser, url: str) -> float:
    """Seconds from navigation to the first panel's picture being drawn and its slider usable."""
    page = await browser.new_page(viewport={"width": 1250, "height": 950})
    start = time.perf_counter()
    await page.goto(url, timeout=120000)
    await page.locator(IMAGE).first.wait_for(timeout=120000)
    await page.locator(".noUi-handle >> visible=true").first.wait_for(timeout=120000)
    elapsed = time.perf_counter() - start
    await page.close()
    return elapsed


async def redraw_latencies(browser, url: str, moves: int) -> list[float]:
    """Milliseconds, measured inside the page, from a slider's keydown to the new picture's load event."""
    page = await browser.new_page(viewport={"width": 1250, "height": 950})
    await page.goto(url, timeout=120000)
    await page.locator(IMAGE).first.wait_for(timeout=120000)
    times = await slider_latencies(page, moves)
    await page.close()
    return times


async def slider_latencies(page, moves: int) -> list[float]:
    """Move the first visible slider of an open ``page`` ``moves`` times with the keyboard; return the
    milliseconds from each key press to the new picture's ``load`` event, measured inside the page."""
    await page.locator(IMAGE).first.evaluate("""img => {
        window.__latencies = []; let pressed = null;
        document.addEventListener('keydown', () => { pressed = performance.now(); }, true);
        img.addEventListener('load', () => {
            if (pressed !== null) { window.__latencies.push(performance.now() - pressed); pressed = null; }
        });
    }""")
    handle = page.locator(".noUi-handle >> visible=true").first
    await handle.focus()
    for k in range(moves):
        await handle.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        await page.wait_for_function(f"window.__latencies.length > {k}", timeout=15000)
        await asyncio.sleep(0.05)  # a person does not move a slider faster than the screen refreshes
    return await page.evaluate("window.__latencies")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def run(args) -> dict:
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "date": time.strftime("%Y-%m-%d"), "preheat": not args.cold}
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen(voila_command(port, preheat=not args.cold, pool_size=args.pool), cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        time.sleep(args.warmup)  # let a preheated pool fill before the first visitor
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            tti = []
            for _ in range(args.visits):
                tti.append(await time_to_interactive(browser, url))
                await asyncio.sleep(args.warmup)  # a classroom: visitors arrive seconds apart
            results["time_to_interactive_s"] = {"runs": [round(t, 2) for t in tti],
                                                "median": round(statistics.median(tti), 2)}
            latencies = await redraw_latencies(browser, url, args.moves)
            results["slider_redraw_ms"] = {"moves": len(latencies), "median": round(statistics.median(latencies), 1),
                                           "p90": round(percentile(latencies, 90), 1)}
            await asyncio.sleep(args.warmup)
            start = time.perf_counter()
            loads = await asyncio.gather(*(time_to_interactive(browser, url) for _ in range(args.sessions)),
                                         return_exceptions=True)
            ok = [t for t in loads if isinstance(t, float)]
            results["load"] = {"sessions": args.sessions, "interactive": len(ok),
                               "all_interactive_after_s": round(time.perf_counter() - start, 2),
                               "slowest_s": round(max(ok), 2) if ok else None,
                               "errors": [repr(e)[:200] for e in loads if not isinstance(e, float)]}
            memory = kernel_memory_mb(server.pid)
            results["kernel_memory_mb"] = {"kernels": len(memory),
                                           "median": round(statistics.median(memory), 1) if memory else None,
                                           "max": round(max(memory), 1) if memory else None}
            await browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def to_markdown(r: dict) -> str:
    tti, redraw, load, mem = r["time_to_interactive_s"], r["slider_redraw_ms"], r["load"], r["kernel_memory_mb"]
    return "\n".join([
        f"Measured {r['date']} on {r['machine']}, Voila {'with' if r['preheat'] else 'without'} kernel preheating.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| time to interactive (median of {len(tti['runs'])} visits) "
        f"| {tti['median']} s (runs: {', '.join(map(str, tti['runs']))}) | <= 2.5 s |",
        f"| slider to redraw, {redraw['moves']} moves | median {redraw['median']} ms, p90 {redraw['p90']} ms "
        f"| <= 50 ms median, <= 100 ms p90 |",
        f"| {load['sessions']} simultaneous sessions "
        f"| {load['interactive']} interactive, all after {load['all_interactive_after_s']} s | all interactive |",
        f"| memory per kernel | median {mem['median']} MB, max {mem['max']} MB ({mem['kernels']} kernels) "
        f"| (reported) |",
        "",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="simultaneous sessions for the load check")
    parser.add_argument("--moves", type=int, default=20, help="slider moves for the redraw latency")
    parser.add_argument("--visits", type=int, default=3, help="separate visits for time to interactive")
    parser.add_argument("--cold", action="store_true", help="no kernel preheating")
    parser.add_argument("--pool", type=int, default=2, help="preheated kernels kept ready")
    parser.add_argument("--warmup", type=float, default=6.0, help="seconds between visits (lets the pool refill)")
    parser.add_argument("--out", default=str(RESULTS), help="where to write the results")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "dashboard-latency" + ("-cold" if args.cold else "")
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / f"{name}.md").write_text(to_markdown(results))
    print(to_markdown(results))


if __name__ == "__main__":
    main()
