"""`make bench` (part 3): latency of the back-office queue with 100,000 open requests in PostgreSQL.

A fresh database, the demo data, 100,000 synthetic open requests (`flask generate-requests`), a registered
technician logged in through the ProConnect sandbox, gunicorn with 2 workers; then wrk on the first page of the
"toutes" queue, on a filtered queue, and on a page deep in the keyset pagination. Prints p50 and p95.
"""

import html
import os
import re
import subprocess
import sys

import requests
from run import ROOT, VENV_BIN, free_port, fresh_database, process, wait_for

COUNT = int(os.environ.get("BENCH_REQUESTS", "100000"))
DURATION = os.environ.get("BENCH_DURATION", "15s")
AGENT = ("demo-agent-camille-durand", "camille.durand@carsat-ra.example.fr")


def agent_login(portal: str) -> str:
    browser = requests.Session()
    page = browser.get(f"{portal}/espace-agents/connexion", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    to_sandbox = browser.post(
        f"{portal}/espace-agents/connexion/proconnect", data={"csrf_token": token}, allow_redirects=False
    )
    chooser = browser.get(to_sandbox.headers["Location"], timeout=10)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', chooser.text)
    data = [(name, html.unescape(value)) for name, value in fields] + [("sub", AGENT[0])]
    back = browser.post(to_sandbox.headers["Location"].split("?")[0], data=data, allow_redirects=False)
    browser.get(back.headers["Location"], timeout=10)
    queue = browser.get(f"{portal}/espace-agents/demandes?file=toutes", timeout=30, allow_redirects=False)
    if queue.status_code != 200:
        raise RuntimeError(f"agent login failed: {queue.status_code}")
    deep = queue.text
    for _ in range(20):  # follow the keyset pagination 20 pages down
        match = re.search(r'href="([^"]*apres=[^"]+)"', deep)
        if not match:
            break
        deep_url = portal + html.unescape(match.group(1))
        deep = browser.get(deep_url, timeout=30).text
    return browser.cookies.get("portail_agent_session", path="/espace-agents"), deep_url


def wrk(url: str, cookie: str) -> dict[str, float]:
    args = ["wrk", "-t2", "-c8", f"-d{DURATION}", "--latency", "-H", f"Cookie: portail_agent_session={cookie}", url]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    # wrk prints the 50/75/90/99 percentiles; p95 is interpolated between 90 and 99 on the reported curve.
    p90, p99 = latency("90%"), latency("99%")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50%"),
        "p95": p90 + (p99 - p90) * 5 / 9,
    }


def main() -> None:
    database_url = fresh_database()
    sandbox_port, portal_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{portal_port}"
    issuer = f"http://127.0.0.1:{sandbox_port}/api/v2"
    env = {
        "PORTAL_ENV": "production",
        "DEMO_COMMANDS": "1",  # the production configuration, with the demo data loader for the measurements
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "FRANCECONNECT_ISSUER": issuer,
        "FRANCECONNECT_CLIENT_ID": "unused",
        "FRANCECONNECT_CLIENT_SECRET": "unused",
        "PROCONNECT_ISSUER": issuer,
        "PROCONNECT_CLIENT_ID": "agents-bench",
        "PROCONNECT_CLIENT_SECRET": "secret-bench",
        "SESSION_COOKIE_SECURE": "false",
        "PORTAL_BASE_URL": portal,
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for command in (
        ["db", "upgrade"],
        ["seed-demo"],
        ["agents", "add", "--email", AGENT[1], "--role", "technicien", "--caisse", "CARSAT-RA"],
        ["generate-requests", "--count", str(COUNT)],
    ):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    sandbox = [str(VENV_BIN / "python"), "-m", "portal.sandbox", "--profile", "proconnect", "--host", "127.0.0.1",
               "--port", str(sandbox_port), "--client-id", "agents-bench", "--client-secret", "secret-bench",
               "--redirect-uri", f"{portal}/espace-agents/connexion/proconnect/retour"]  # fmt: skip
    gunicorn = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--log-level", "warning"]
    with process(*sandbox), process(*gunicorn, "--bind", f"127.0.0.1:{portal_port}", "wsgi:app", env=env):
        wait_for(f"{issuer}/.well-known/openid-configuration")
        wait_for(f"{portal}/sante")
        cookie, deep_url = agent_login(portal)
        results = {
            "first page, all open requests": wrk(f"{portal}/espace-agents/demandes?file=toutes", cookie),
            "filtered: overdue, with a risk flag": wrk(
                f"{portal}/espace-agents/demandes?file=toutes&en-retard=1&risque=1", cookie
            ),
            "21st page (keyset)": wrk(deep_url, cookie),
        }
    print(f"\nBack-office queue, {COUNT} open requests in PostgreSQL, gunicorn 2 workers, wrk -t2 -c8 -d{DURATION}\n")
    print("| page | requests/s | p50 (ms) | p95 (ms) |")
    print("| --- | ---: | ---: | ---: |")
    for name, result in results.items():
        print(f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
