"""Command line, see `--help`:

python -m portal.sandbox [--profile proconnect] --client-id ... --client-secret ... --redirect-uri ...
"""

import argparse
import logging
from collections.abc import Sequence

from werkzeug.serving import make_server

from portal.sandbox import create_sandbox_app
from portal.sandbox.profiles import DEFAULT_PROFILE, PROFILES
from portal.sandbox.server import ISSUER_PATH

log = logging.getLogger("portal.sandbox")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m portal.sandbox",
        description="Local FranceConnect v2 or ProConnect sandbox (OpenID provider with test identities).",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=DEFAULT_PROFILE,
        help="the provider imitated: franceconnect (citizens, the default) or proconnect (the fund's agents)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    ports = ", ".join(f"{profile.default_port} for {name}" for name, profile in sorted(PROFILES.items()))
    parser.add_argument("--port", type=int, help=f"port to listen on (default: {ports})")
    parser.add_argument("--issuer", help=f"issuer URL (default: http://HOST:PORT{ISSUER_PATH})")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True, help="repeat for several URIs")
    parser.add_argument("--post-logout-redirect-uri", action="append", default=[], help="repeat for several URIs")
    parser.add_argument("--key-file", help="JSON file keeping the signing keys across restarts (created if absent)")
    args = parser.parse_args(argv)
    if args.port is None:
        args.port = PROFILES[args.profile].default_port
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    issuer = args.issuer or f"http://{args.host}:{args.port}{ISSUER_PATH}"
    app = create_sandbox_app(
        {
            "SANDBOX_PROFILE": args.profile,
            "SANDBOX_ISSUER": issuer,
            "SANDBOX_CLIENTS": [
                {
                    "client_id": args.client_id,
                    "client_secret": args.client_secret,
                    "redirect_uris": args.redirect_uri,
                    "post_logout_redirect_uris": args.post_logout_redirect_uri,
                }
            ],
            "SANDBOX_SIGNING_KEY_FILE": args.key_file,
        }
    )
    server = make_server(args.host, args.port, app, threaded=True)
    log.info("%s sandbox: %s/.well-known/openid-configuration", PROFILES[args.profile].title, issuer)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
