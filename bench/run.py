"""`make bench`: throughput of the career page with gunicorn (2 workers) and PostgreSQL, against a hello-world
Flask route served the same way in the same run (the machine is shared and noisy: only the ratio travels).

Steps: a fresh PostgreSQL database migrated and seeded with the demo careers; the FranceConnect sandbox; the portal
under gunicorn in its production configuration; a real login through the sandbox (requests); then wrk on both.
Needs PostgreSQL on 127.0.0.1 and wrk (the Makefile installs it). Prints a Markdown table.
"""

import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "portal_bench"
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
PERSON = ("demo-jean-pierre-martin", "162056938304584")


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def process(*args: str, env: dict | None = None):
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def fresh_database() -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{DATABASE}"')
    admin.dispose()
    return urlsplit(ADMIN_URL)._replace(path=f"/{DATABASE}").geturl()


def login(portal: str) -> str:
    """The whole FranceConnect login, as a browser: returns the portal's session cookie."""
    browser = requests.Session()
    home = browser.get(portal, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
    to_sandbox = browser.post(f"{portal}/connexion/franceconnect", data={"csrf_token": token}, allow_redirects=False)
    chooser = browser.get(to_sandbox.headers["Location"], timeout=10)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', chooser.text)
    data = [(name, html.unescape(value)) for name, value in fields] + [("sub", PERSON[0])]
    back = browser.post(to_sandbox.headers["Location"].split("?")[0], data=data, allow_redirects=False)
    browser.get(back.headers["Location"], timeout=10)
    page = browser.get(f"{portal}/premiere-connexion", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    browser.post(f"{portal}/premiere-connexion", data={"csrf_token": token, "nir": PERSON[1]}, timeout=10)
    career = browser.get(f"{portal}/ma-carriere", timeout=10, allow_redirects=False)
    if career.status_code != 200:
        raise RuntimeError(f"login failed: /ma-carriere answered {career.status_code}")
    return browser.cookies.get("portail_session")


def career_size(database_url: str) -> tuple[int, int]:
    """(years, current periods) of the person measured, read from the database, for the report."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        years, periods = connection.execute(
            sa.text(
                "SELECT max(extract(year FROM start_date)) - min(extract(year FROM start_date)) + 1, count(*) "
                "FROM period_version JOIN assure ON assure.id = period_version.assure_id "
                "WHERE assure.nir = :nir AND superseded_at IS NULL"
            ),
            {"nir": PERSON[1]},
        ).one()
    engine.dispose()
    return int(years), int(periods)


def wrk(url: str, cookie: str | None = None) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: portail_session={cookie}"]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
    }


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    database_url = fresh_database()
    sandbox_port, portal_port, hello_port = free_port(), free_port(), free_port()
    portal = f"http://127.0.0.1:{portal_port}"
    issuer = f"http://127.0.0.1:{sandbox_port}/api/v2"
    env = {
        "PORTAL_ENV": "production",
        "DEMO_COMMANDS": "1",  # the production configuration, with the demo data loader for the measurements
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "FRANCECONNECT_ISSUER": issuer,
        "FRANCECONNECT_CLIENT_ID": "portail-bench",
        "FRANCECONNECT_CLIENT_SECRET": "secret-bench",
        "SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        "PORTAL_BASE_URL": portal,
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    sandbox = [str(VENV_BIN / "python"), "-m", "portal.sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port),
               "--client-id", "portail-bench", "--client-secret", "secret-bench",
               "--redirect-uri", f"{portal}/connexion/franceconnect/retour",
               "--post-logout-redirect-uri", f"{portal}/deconnexion/retour"]  # fmt: skip
    gunicorn = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--log-level", "warning"]
    with (
        process(*sandbox),
        process(*gunicorn, "--bind", f"127.0.0.1:{portal_port}", "wsgi:app", env=env),
        process(*gunicorn, "--bind", f"127.0.0.1:{hello_port}", "--chdir", "bench", "hello:app"),
    ):
        wait_for(f"{issuer}/.well-known/openid-configuration")
        wait_for(f"{portal}/sante")
        wait_for(f"http://127.0.0.1:{hello_port}/")
        cookie = login(portal)
        hello = wrk(f"http://127.0.0.1:{hello_port}/")
        career = wrk(f"{portal}/ma-carriere", cookie)

    print(f"\nwrk -t2 -c{CONNECTIONS} -d{DURATION}, gunicorn 2 sync workers, PostgreSQL, {os.cpu_count()} cores\n")
    print("| page | requests/s | p50 (ms) | p99 (ms) | share of hello-world |")
    print("| --- | ---: | ---: | ---: | ---: |")
    years, periods = career_size(database_url)
    for name, result in (("hello-world Flask", hello), (f"/ma-carriere ({years} years, {periods} periods)", career)):
        share = result["rps"] / hello["rps"] * 100
        print(f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | {share:.0f} % |")


if __name__ == "__main__":
    main()
