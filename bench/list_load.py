"""Load test of the record lists behind gunicorn (issue 11, "Lists that scale"), PostgreSQL only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lists_province \\
      .venv/bin/python bench/generate.py --scale province --keep        # once: 1M incidents, 200 communes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lists_province \\
      .venv/bin/python bench/list_load.py [--seconds 20] [--levels 1,4,16] [--workers 3]

The database must have been filled by `bench/generate.py --keep` (it is not dropped here). The
script migrates it (new indexes are built), collects the static files, makes three users with
their seats (superior police at a district and at the province, a commune officer), starts
gunicorn (`basecurity.wsgi`, the production server of docs/operations.md, DEBUG off, plain HTTP)
on a free port, signs each user in through the login page, then for each concurrency level runs
that many client threads for a bounded time (`--seconds`, and at most `--max-requests` requests)
over a fixed mix of list pages: the incident list (first page, a filtered page, a deep page), the
crime tip list, the person list. Each thread opens a connection per request (gunicorn's sync
workers close it anyway) and times the whole response. It prints, per level and per page, the
requests, the rate, p50 / p95 / p99 and the errors (any status but 200, or a failed connection),
with the CPU time gunicorn's workers, PostgreSQL and the client itself spent per request (they share
the machine's cores) and the machine's load average.
`--json FILE` also writes the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from generate import bench_url, database_name  # noqa: E402  (bench/generate.py, as targets_bench.py)

PASSWORD = "bench-lists-Pa55word!"  # noqa: S105 (a throw-away benchmark user)
SECRET_KEY = "bench-lists-secret-key-only-for-the-benchmark-" + "x" * 20  # noqa: S105


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    path: str


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds)
            if not ok:
                self.errors[name] = self.errors.get(name, 0) + 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str) -> dict[str, str]:
    """Migrate, collect the static files, make the users and their seats; returns {user: description}."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings")
    os.environ.update(_server_env(url))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from communes.models import AdministrativeUnit, Assignment, Level, Role

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - t0:.1f} s")
    call_command("collectstatic", interactive=False, verbosity=0)
    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("id")[0]
    district = AdministrativeUnit.objects.filter(level=Level.DISTRICT).order_by("id")[0]
    commune = AdministrativeUnit.objects.filter(level=Level.COMMUNE, path__startswith=district.path).order_by("id")[0]
    seats = {
        "bench.province": (Role.DISTRICT_POLICE, province),
        "bench.district": (Role.DISTRICT_POLICE, district),
        "bench.commune": (Role.COMMUNE_OFFICER, commune),
    }
    users = {}
    for username, (role, unit) in seats.items():
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        Assignment.objects.get_or_create(user=user, role=role, unit=unit)
        users[username] = f"{role.label} at {unit.name}"
    return users


def _server_env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "ERROR",
        "AXES_FAILURE_LIMIT": "1000",
    }


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **_server_env(url), "DJANGO_SETTINGS_MODULE": "basecurity.settings"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "basecurity.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body, _cookies = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(port: int, method: str, path: str, cookies: dict | None = None, body: dict | None = None):
    """One request on a new connection: (status, body bytes, cookies set)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept-Language": "vi"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return response.status, content, {name: morsel.value for name, morsel in jar.items()}
    finally:
        connection.close()


def log_in(port: int, username: str) -> dict[str, str]:
    status, content, cookies = request(port, "GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or token is None:
        raise SystemExit(f"login page answered {status}")
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
    status, _content, more = request(port, "POST", "/accounts/login/", cookies, form)
    if status != 302 or "sessionid" not in more:
        raise SystemExit(f"login of {username} answered {status}")
    return {**cookies, **more}


def pages() -> list[Page]:
    filtered = urlencode({"group": "crime", "start": "01/01/2025", "end": "30/06/2025"})
    return [
        Page("incidents, district, page 1", "bench.district", "/records/incidents/"),
        Page("incidents, district, filtered", "bench.district", f"/records/incidents/?{filtered}"),
        Page("incidents, district, page 100", "bench.district", "/records/incidents/?page=100"),
        Page("incidents, province, page 1", "bench.province", "/records/incidents/"),
        Page("incidents, commune, page 1", "bench.commune", "/records/incidents/"),
        Page("tips, district, page 1", "bench.district", "/records/tips/"),
        Page("persons, district, page 1", "bench.district", "/reintegration/"),
    ]


def _processes() -> list[tuple[int, str, int, float]]:
    """(pid, name, parent pid, user + system CPU seconds) of every process (Linux /proc, readable
    when they run as another user; none elsewhere)."""
    found, tick = [], os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        found.append(
            (int(stat.parent.name), head.split("(", 1)[1], int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
        )
    return found


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time of gunicorn's worker processes so far (the children of its master)."""
    return sum(cpu for _pid, _name, parent, cpu in _processes() if parent == server.pid)


def _postgres_cpu() -> dict[int, float]:
    """{pid: CPU seconds} of the PostgreSQL processes (their command line starts with "postgres")."""
    return {pid: cpu for pid, name, _parent, cpu in _processes() if name.startswith("postgres")}


class DatabaseCpu:
    """The CPU time PostgreSQL spends while a level runs, sampled every 0.2 s so that a backend
    that ends meanwhile (a connection closed by CONN_MAX_AGE) still counts up to its last sample."""

    def __init__(self) -> None:
        self.first = _postgres_cpu()
        self.last = dict(self.first)
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            self.last.update(_postgres_cpu())
            time.sleep(0.2)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        self.last.update(_postgres_cpu())
        return sum(seconds - self.first.get(pid, 0.0) for pid, seconds in self.last.items())


def run_level(port: int, sessions: dict, mix: list[Page], threads: int, seconds: float, max_requests: int) -> dict:
    results = Results()
    deadline = time.monotonic() + seconds
    issued = iter(range(max_requests))
    issue_lock = threading.Lock()

    def client(offset: int) -> None:
        position = offset
        while time.monotonic() < deadline:
            with issue_lock:
                if next(issued, None) is None:
                    return
            page = mix[position % len(mix)]
            position += 1
            t0 = time.perf_counter()
            try:
                status, _content, _cookies = request(port, "GET", page.path, sessions[page.user])
                ok = status == 200
            except OSError:
                ok = False
            results.add(page.name, time.perf_counter() - t0, ok)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    every = [value for values in results.latencies.values() for value in values]
    summary: dict[str, Any] = {
        "concurrency": threads,
        "seconds": elapsed,
        "all": _figures(every, sum(results.errors.values())),
    }
    summary["all"]["rate"] = len(every) / elapsed
    summary["pages"] = {
        name: _figures(results.latencies.get(name, []), results.errors.get(name, 0)) for name in [p.name for p in mix]
    }
    return summary


def _figures(values: list[float], errors: int) -> dict:
    if not values:
        return {"requests": 0, "errors": errors}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return {
        "requests": len(values),
        "errors": errors,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
    }


def print_level(summary: dict) -> None:
    figures = summary["all"]
    print(
        f"\nconcurrency {summary['concurrency']:>2}: {figures['requests']} requests in {summary['seconds']:.1f} s"
        f" = {figures['rate']:.1f} req/s, p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms,"
        f" p99 {figures['p99']:.0f} ms, errors {figures['errors']}"
    )
    for name, page in summary["pages"].items():
        if page["requests"]:
            print(
                f"  {name:<32} n={page['requests']:<5} p50 {page['p50']:6.0f}  p95 {page['p95']:6.0f}"
                f"  p99 {page['p99']:6.0f} ms  errors {page['errors']}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,4,16", help="Concurrency levels, comma-separated.")
    parser.add_argument("--seconds", type=float, default=20.0, help="Time per level.")
    parser.add_argument("--max-requests", type=int, default=5000, help="Requests per level at most.")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/operations.md: 3).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    parser.add_argument("--only", default="", help="Only the pages whose name contains this (e.g. 'page 100').")
    args = parser.parse_args()
    url = bench_url()
    database_name(url)  # refuses the project's own databases
    users = prepare(url)
    for username, seat in users.items():
        print(f"{username}: {seat}")
    from django.db import connections

    connections.close_all()
    port = _free_port()
    server = start_gunicorn(url, port, args.workers)
    try:
        sessions = {username: log_in(port, username) for username in users}
        mix = [page for page in pages() if args.only in page.name]
        for page in mix:  # warm-up: each worker process loads its code and its caches
            for _ in range(args.workers):
                request(port, "GET", page.path, sessions[page.user])
        levels = [int(level) for level in args.levels.split(",")]
        summaries = []
        for threads in levels:
            cpu, database, client = server_cpu_seconds(server), DatabaseCpu(), time.process_time()
            summary = run_level(port, sessions, mix, threads, args.seconds, args.max_requests)
            count = summary["all"]["requests"]
            summary["all"]["server_cpu_ms"] = (server_cpu_seconds(server) - cpu) * 1000 / count
            summary["all"]["database_cpu_ms"] = database.stop() * 1000 / count
            summary["all"]["client_cpu_ms"] = (time.process_time() - client) * 1000 / count
            load = os.getloadavg()[0]
            summary["load_average"] = load
            print_level(summary)
            print(
                f"  CPU per request: web workers {summary['all']['server_cpu_ms']:.1f} ms, PostgreSQL"
                f" {summary['all']['database_cpu_ms']:.1f} ms, this client {summary['all']['client_cpu_ms']:.1f} ms;"
                f" 1-min load average {load:.1f}"
            )
            summaries.append(summary)
        if args.json:
            args.json.write_text(json.dumps({"users": users, "levels": summaries}, indent=2))
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
