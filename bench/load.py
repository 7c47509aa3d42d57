"""Load benchmarks against gunicorn and PostgreSQL, on 127.0.0.1 only.

Pages: requests per second and p50/p95 from wrk (a separate process), as a
ratio against /healthz on the same server (the framework's floor: the whole
middleware stack and one query). Voting: 40 executives cast their votes on
10 directions at once through the API. Every load is bounded in time.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8123"))
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = "stackwork_bench"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNECTIONS = 8

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def shell(env: dict, code: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def prepare_database(env: dict, cases: int, executives: int, directions: int) -> None:
    admin = urllib.parse.urlparse(PG_ADMIN)
    psql = ["psql", "-h", admin.hostname, "-p", str(admin.port or 5432), "-U", admin.username, "-q"]
    subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True)
    subprocess.run([*psql, "-c", f"CREATE DATABASE {DB_NAME}"], check=True)
    setup = {**env, "DEBUG": "1"}
    manage(setup, "migrate", "--no-input")
    manage(setup, "load_demo")
    manage(
        setup,
        "generate_data",
        "--cases",
        str(cases - 6),
        "--executives",
        str(executives),
        "--directions",
        str(directions),
    )


class Server:
    """gunicorn with production settings on 127.0.0.1."""

    def __init__(self, env: dict):
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(
            prefix="stackwork-gunicorn-", suffix=".log", delete=False
        )

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "stackwork.wsgi:application",
                "--bind",
                f"{HOST}:{PORT}",
                "--worker-class",
                "gthread",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            # a file, not a pipe: an unread pipe fills up and blocks every thread that logs
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped: " + Path(self.log.name).read_text()[-2000:])
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def worker_rss_mb(self) -> list[float]:
        children = (
            Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        )
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def __exit__(self, *exc) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def request(method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def login_cookie(username: str, password: str) -> str:
    """Log in through the real form; returns the Cookie header value."""
    status, headers, body = request("GET", "/login/")
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    )
    status, headers, _ = request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{PORT}/login/",
        },
    )
    session = re.search(r"sessionid=([^;]+)", headers.get("Set-Cookie", ""))
    if status != 302 or not session:
        raise RuntimeError(f"login as {username} failed ({status})")
    return f"sessionid={session.group(1)}; csrftoken={csrf}"


def wrk(path: str, cookie: str | None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", script.name]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*args, f"http://{HOST}:{PORT}{path}"], capture_output=True, text=True, check=True
    )
    os.unlink(script.name)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def median_of(runs: list[dict], key: str) -> tuple[float, float, float]:
    values = [r[key] for r in runs]
    return statistics.median(values), min(values), max(values)


def vote_storm(tokens: list[str], session_id: int, directions: list[int]) -> dict:
    """Every executive casts a vote on every direction at once, 1 point each."""
    latencies: list[float] = []
    acknowledged: dict[tuple[str, int], str] = {}
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens))
    positions = ["strongly_support", "support", "neutral", "oppose", "strongly_oppose"]

    def voter(index: int, token: str) -> None:
        barrier.wait()
        for n, direction in enumerate(directions):
            position = positions[(index + n) % len(positions)]
            body = json.dumps(
                {"direction": direction, "position": position, "points": 1, "reason": ""}
            )
            start = time.perf_counter()
            try:
                status, _, content = request(
                    "POST",
                    f"/api/v1/sessions/{session_id}/votes/",
                    body=body,
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
            except OSError as exc:
                status, content = 0, str(exc).encode()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status in (200, 201):
                    acknowledged[(token, direction)] = position
                else:
                    errors.append((status, content[:200]))

    threads = [threading.Thread(target=voter, args=(i, t)) for i, t in enumerate(tokens)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "votes": len(latencies),
        "votes_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1],
        "errors": len(errors),
        "error_sample": errors[:3],
        "acknowledged": acknowledged,
    }


def floor_storm(clients: int, per_client: int) -> dict:
    """The same client shape against /healthz: the floor for the voting p95."""
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client() -> None:
        barrier.wait()
        for _ in range(per_client):
            start = time.perf_counter()
            request("GET", "/healthz")
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    latencies.sort()
    return {"p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1]}


QUERY_COUNT_SCRIPT = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from cases.models import User
pages = json.loads(sys.argv[-1])
out = {}
for name, (username, path) in pages.items():
    client = Client()
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    out[name] = [status, len(ctx.captured_queries)]
print(json.dumps(out))
"""


def query_counts(env: dict, pages: dict) -> dict:
    out = subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            QUERY_COUNT_SCRIPT.replace("sys.argv[-1]", repr(json.dumps(pages))),
        ],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(lines: list[str], runs: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load benchmark: apt-get install wrk")
    static_root = tempfile.mkdtemp(prefix="stackwork-static-")
    admin = urllib.parse.urlparse(PG_ADMIN)
    env = {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": f"{HOST},testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://{admin.username}@{admin.hostname}:{admin.port or 5432}/{DB_NAME}",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="stackwork-media-"),
        "API_TOKEN_THROTTLE_RATE": "10000/minute",
        "LOG_LEVEL": "WARNING",
    }
    print(
        "==> load: preparing PostgreSQL with 1,000 cases, 40 executives, 10 directions", flush=True
    )
    prepare_database(env, cases=1000, executives=40, directions=10)
    manage(env, "collectstatic", "--no-input")
    ids = json.loads(
        shell(
            env,
            (
                "import json;from cases.models import BoardSession as S, Case as C;"
                "o=S.objects.filter(state='open', title__startswith='Synthetische').latest('pk');"
                "c=S.objects.filter(state='closed', title__startswith='Synthetische').latest('pk');"
                "print(json.dumps({'open': o.pk, 'closed': c.pk, 'case': C.objects.published().first().pk,"
                "'directions': list(o.agenda_items.values_list('direction_id', flat=True))}))"
            ),
        )
    )
    pages = {
        "case list": ("coordinator", "/cases/"),
        "case page": ("coordinator", f"/cases/{ids['case']}/"),
        "stack map": ("coordinator", "/stack-map/"),
        "executive dashboard": ("bestuurder", "/"),
        "results page": ("coordinator", f"/sessions/{ids['closed']}/"),
    }
    password = os.environ.get("DEMO_PASSWORD", "stackwork-demo")
    with Server(env) as server:
        cookies = {user: login_cookie(user, password) for user in ("coordinator", "bestuurder")}
        lines += [
            "## Pages under load",
            "",
            f"gunicorn ({WORKERS} gthread workers × {THREADS} threads, DEBUG off) and PostgreSQL with "
            f"1,000 cases; wrk from a separate process, {CONNECTIONS} connections, {DURATION} per run, "
            f"median of {runs} runs (min–max). Floor: `/healthz` on the same server.",
            "",
            "| page | req/s | p50 (ms) | p95 (ms) | share of the floor's req/s | target ≥ 50 % | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        floor_runs = [wrk("/healthz", None) for _ in range(runs)]
        floor_rps = median_of(floor_runs, "rps")
        lines.append(_row("floor (/healthz)", floor_runs, floor_rps[0]))
        for name, (user, path) in pages.items():
            status = request("GET", path, headers={"Cookie": cookies[user]})[0]
            if status != 200:
                raise RuntimeError(f"{name} answered {status} at {path}")
            page_runs = [wrk(path, cookies[user]) for _ in range(runs)]
            lines.append(_row(name, page_runs, floor_rps[0]))
            print(f"    {lines[-1]}", flush=True)

        tokens = json.loads(
            shell(
                env,
                (
                    "import json;from knox.models import AuthToken;from cases.models import User;"
                    "us=User.objects.filter(groups__name='executive', username__startswith='gen').order_by('pk')[:40];"
                    "print(json.dumps([[u.pk, AuthToken.objects.create(user=u)[1]] for u in us]))"
                ),
            )
        )
        # tokens are stored hashed: keep which executive each one was made for
        token_of = dict(tokens)
        tokens = [token for _, token in tokens]
        storm = vote_storm(tokens, ids["open"], ids["directions"])
        floor = floor_storm(len(tokens), len(ids["directions"]))
        stored = json.loads(
            shell(
                env,
                (
                    "import json;from cases.models import Vote;"
                    "print(json.dumps([[v.executive_id, v.direction_id, v.position] for v in "
                    f"Vote.objects.filter(session_id={ids['open']})]))"
                ),
            )
        )
        stored_map = {
            (token_of[executive], direction): position
            for executive, direction, position in stored
            if executive in token_of
        }
        lost = sum(
            1 for key, position in storm["acknowledged"].items() if stored_map.get(key) != position
        )
        ratio = storm["p95_ms"] / floor["p95_ms"]
        lines += [
            "",
            "## Voting",
            "",
            f"{len(tokens)} executives vote on {len(ids['directions'])} directions at once through "
            "`POST /api/v1/sessions/{id}/votes/` (token authentication), one thread each.",
            "",
            "| votes | votes/s | p50 (ms) | p95 (ms) | floor p95 (ms) | p95 ÷ floor | target ≤ 5× | errors | lost |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {storm['votes']} | {storm['votes_per_s']:.0f} | {storm['p50_ms']:.0f} | "
            f"{storm['p95_ms']:.0f} | {floor['p95_ms']:.0f} | {ratio:.1f} | "
            f"{'met' if ratio <= 5 else 'NOT met'} | {storm['errors']} | {lost} |",
        ]
        if storm["errors"]:
            lines.append(f"\nFirst errors: {storm['error_sample']}")
        rss = server.worker_rss_mb()
        lines += [
            "",
            f"Worker memory after the run (RSS): {', '.join(f'{r:.0f} MB' for r in rss)} "
            f"(target ≤ 200 MB each: {'met' if max(rss) <= 200 else 'NOT met'}).",
            "",
        ]

    print("==> load: counting queries per page at 1,000 and at 10 cases", flush=True)
    large = query_counts(env, pages)
    prepare_small = {**env}
    prepare_database(prepare_small, cases=10, executives=40, directions=10)
    small_ids = json.loads(
        shell(
            env,
            (
                "import json;from cases.models import BoardSession as S, Case as C;"
                "c=S.objects.filter(state='closed', title__startswith='Synthetische').latest('pk');"
                "print(json.dumps({'closed': c.pk, 'case': C.objects.published().first().pk}))"
            ),
        )
    )
    small_pages = dict(pages)
    small_pages["case page"] = ("coordinator", f"/cases/{small_ids['case']}/")
    small_pages["results page"] = ("coordinator", f"/sessions/{small_ids['closed']}/")
    small = query_counts(env, small_pages)
    lines += [
        "## Queries per page",
        "",
        "| page | at 10 cases | at 1,000 cases | equal |",
        "|---|---|---|---|",
    ]
    for name in pages:
        lines.append(
            f"| {name} | {small[name][1]} | {large[name][1]} | "
            f"{'yes' if small[name][1] == large[name][1] else 'NO'} |"
        )
    lines.append("")
    shutil.rmtree(static_root, ignore_errors=True)


def _row(name: str, page_runs: list[dict], floor_rps: float) -> str:
    rps = median_of(page_runs, "rps")
    p50 = median_of(page_runs, "p50_us")
    p95 = median_of(page_runs, "p95_us")
    share = rps[0] / floor_rps
    errors = sum(r["errors"] + r["non2xx"] for r in page_runs)
    return (
        f"| {name} | {rps[0]:.0f} ({rps[1]:.0f}–{rps[2]:.0f}) | {p50[0] / 1000:.1f} | "
        f"{p95[0] / 1000:.1f} ({p95[1] / 1000:.1f}–{p95[2] / 1000:.1f}) | {100 * share:.0f} % | "
        f"{'met' if share >= 0.5 else 'NOT met'} | {errors} |"
    )
