"""`make bench` (part 2): peak memory of a gunicorn worker receiving a 10 MB justificatif against a 100 KB one.

Each size gets a fresh worker (one sync worker, production configuration, PostgreSQL, local document storage), a
real login through the FranceConnect sandbox, a draft, then one upload of a valid PDF of that size (a scanned page:
a noisy image, as a phone camera produces). The worker's VmHWM (peak resident memory, /proc) is read before and
after the upload. Prints a Markdown table.
"""

import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image
from run import ROOT, VENV_BIN, free_port, fresh_database, login, process, wait_for

SIZES = {"100 KB": 100 * 1024, "10 MB": 10 * 1024 * 1024 - 64 * 1024}


def scanned_pdf(target_bytes: int) -> bytes:
    """A valid one-page PDF just under `target_bytes`: random noise, which JPEG can hardly compress."""
    side, best = 64, b""
    for _ in range(20):
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, format="PDF", quality=95)
        size = buffer.tell()
        if size <= target_bytes:
            best = max(best, buffer.getvalue(), key=len)
            if size >= target_bytes * 0.95:
                break
        side = max(8, int(side * min(2.0, (target_bytes * 0.98 / size) ** 0.5)))
    return best


def peak_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def worker_pid(master_pid: int) -> int:
    for _ in range(50):
        children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def measure(label: str, size: int) -> dict:
    database_url = fresh_database()
    sandbox_port, portal_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{portal_port}"
    issuer = f"http://127.0.0.1:{sandbox_port}/api/v2"
    documents = tempfile.mkdtemp(prefix="bench-documents-")
    env = {
        "PORTAL_ENV": "production",
        "DEMO_COMMANDS": "1",  # the production configuration, with the demo data loader for the measurements
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "FRANCECONNECT_ISSUER": issuer,
        "FRANCECONNECT_CLIENT_ID": "portail-bench",
        "FRANCECONNECT_CLIENT_SECRET": "secret-bench",
        "SESSION_COOKIE_SECURE": "false",
        "PORTAL_BASE_URL": portal,
        "DOCUMENTS_LOCAL_DIR": documents,
        "NOTIFICATIONS_DELIVERY": "queue",
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    sandbox = [str(VENV_BIN / "python"), "-m", "portal.sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port),
               "--client-id", "portail-bench", "--client-secret", "secret-bench",
               "--redirect-uri", f"{portal}/connexion/franceconnect/retour"]  # fmt: skip
    gunicorn = [str(VENV_BIN / "gunicorn"), "--workers", "1", "--log-level", "warning", "--timeout", "120"]
    content = scanned_pdf(size)
    with process(*sandbox), process(*gunicorn, "--bind", f"127.0.0.1:{portal_port}", "wsgi:app", env=env) as master:
        wait_for(f"{issuer}/.well-known/openid-configuration")
        wait_for(f"{portal}/sante")
        cookie = login(portal)
        browser = requests.Session()
        browser.cookies.set("portail_session", cookie)
        form = browser.get(f"{portal}/mes-demandes/nouvelle/missing_period", timeout=10)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
        draft = browser.post(
            f"{portal}/mes-demandes/nouvelle/missing_period",
            data={"csrf_token": token, "start_date": "1999-06-01", "end_date": "1999-08-31", "employer_name": "X"},
            allow_redirects=False,
            timeout=10,
        )
        show_url = portal + draft.headers["Location"]
        page = browser.get(show_url, timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        pid = worker_pid(master.pid)
        before = peak_kib(pid)
        response = browser.post(
            f"{show_url}/pieces",
            data={"csrf_token": token, "kind": "Autre document"},
            files={"file": ("scan.pdf", content, "application/pdf")},
            allow_redirects=False,
            timeout=120,
        )
        after = peak_kib(pid)
        if response.status_code != 303:
            raise RuntimeError(f"upload of {label} refused: {response.status_code}")
    return {"label": label, "bytes": len(content), "before": before, "after": after}


def main() -> None:
    results = [measure(label, size) for label, size in SIZES.items()]
    print("\nPeak resident memory (VmHWM) of the gunicorn worker, one upload of a valid PDF per fresh worker\n")
    print("| upload | file size | worker peak before | worker peak after | growth |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for result in results:
        growth = result["after"] - result["before"]
        print(
            f"| {result['label']} | {result['bytes'] / 1024 / 1024:.2f} MiB | {result['before'] / 1024:.1f} MiB "
            f"| {result['after'] / 1024:.1f} MiB | {growth / 1024:.1f} MiB |"
        )


if __name__ == "__main__":
    sys.exit(main())
