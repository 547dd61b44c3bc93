"""econkg serve."""

from __future__ import annotations

import socket

import click

from ..cli import Context


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default answers this machine only; "
                   "0.0.0.0 opens the endpoint to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run; then its worker process is killed and the "
                   "client gets 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) in one answer; a longer one is cut and marked "
                   "with an X-SPARQL-MaxRows header.")
@click.option("--max-bytes", default="16M", show_default=True, metavar="SIZE",
              help="Most bytes in one answer (K, M, G suffixes); a longer one is cut at a "
                   "row boundary, stays a valid document, and is marked with an "
                   "X-SPARQL-MaxBytes header.")
@click.option("--host-name", "host_names", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (repeatable). By "
                   "default only localhost names (and the --host address) are answered, "
                   "which keeps DNS-rebinding pages out.")
@click.option("--cors", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. https://example.org) read answers "
                   "(repeatable). Off by default.")
@click.option("--max-depth", default=128, show_default=True, type=click.IntRange(min=1),
              help="Deepest nesting of (), {} and [] a query may have; deeper ones get 400 "
                   "before they reach the engine (whose parser would overflow its stack).")
@click.option("--header-timeout", default=10.0, show_default=True,
              type=click.FloatRange(min=0.1),
              help="Seconds a client has to send its request line and headers.")
@click.option("--body-timeout", default=30.0, show_default=True,
              type=click.FloatRange(min=0.1),
              help="Seconds a client has to send a POST body.")
@click.option("--send-timeout", default=30.0, show_default=True,
              type=click.FloatRange(min=0.1),
              help="Seconds a client may leave an answer unread before it is disconnected.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Query worker processes (default: two per core, at least four).")
@click.option("--no-cache", is_flag=True,
              help="Do not keep answers in memory (the graph is read-only, so cached "
                   "answers never go stale).")
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option("--endpoint", metavar="URL",
              help="Serve a remote SPARQL store (Virtuoso, Oxigraph server, GraphDB, "
                   "Fuseki) instead of the local build: the named questions, the query page "
                   "and every check here (read-only, no SERVICE, depth, time, row and byte "
                   "caps, Host allowlist, per-client limits) stand in front of it.")
@click.option("--user", help="With --endpoint: user name for the remote store (HTTP Basic).")
@click.option("--password-env", metavar="VAR",
              help="With --endpoint: the environment variable holding that user's password.")
@click.option("--no-network-isolation", "no_isolation", is_flag=True, hidden=True,
              help="Do not cut the query workers off from the network (for tests: the "
                   "server then refuses every query that may hold SERVICE).")
@click.pass_obj
def serve(obj: Context, host: str, port: int, timeout: float, max_rows: int, max_bytes: str,
          host_names: tuple[str, ...], cors_origins: tuple[str, ...], max_depth: int,
          header_timeout: float, body_timeout: float, send_timeout: float, workers: int | None,
          no_cache: bool, access_log: bool, endpoint: str | None, user: str | None,
          password_env: str | None, no_isolation: bool) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query page.

    \b
    Routes:
      /                 query page (YASGUI, served from the package; no CDN)
      /sparql           SPARQL 1.1 Protocol: GET ?query=, POST form or
                        application/sparql-query; JSON, XML, CSV, TSV for SELECT/ASK,
                        Turtle, N-Triples, JSON-LD, RDF/XML for CONSTRUCT/DESCRIBE;
                        without a query, the service description
      /queries          the named questions (JSON); /queries/NAME?param=value runs one
      /health           liveness and worker pool state

    Read-only: SPARQL Update is not supported, SERVICE never reaches the network (the
    query workers have none; where that cannot be arranged, such queries are refused),
    and FROM/FROM NAMED only name graphs already loaded (no file or URL is ever read).
    Each query runs in a worker process that is killed when it overruns --timeout; a
    query still running after a quarter second moves to a lower-priority lane, so quick
    questions stay quick while long ones run.

    \b
    Example:
      econkg serve
      econkg serve --port 8000 --timeout 30 --max-rows 50000
      curl -H 'Accept: text/csv' http://127.0.0.1:7878/queries/trade-over-time
      curl --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' \\
           http://127.0.0.1:7878/sparql
      econkg query trade-over-time --endpoint http://127.0.0.1:7878/sparql
      econkg serve --endpoint http://127.0.0.1:8890/sparql   # guard a Virtuoso
    """
    from ..serve import Settings, default_workers
    from ..serve import serve as run_server

    size = _parse_size(max_bytes)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") \
            from None
    names = tuple(host_names)
    if host not in ("0.0.0.0", "::", ""):
        names += (f"[{host}]" if ":" in host else host,)
    settings = Settings(timeout=timeout, max_rows=max_rows, max_bytes=size,
                        max_depth=max_depth, header_timeout=header_timeout,
                        body_timeout=body_timeout, send_timeout=send_timeout,
                        workers=workers or default_workers(), host_names=names,
                        cors_origins=tuple(cors_origins), isolate_network=not no_isolation,
                        cache_entries=0 if no_cache else Settings().cache_entries)
    # a remote store behind the guard rails, or the published store, which every worker
    # opens read-only (nothing is loaded)
    dataset = _remote(endpoint, user, password_env, settings) if endpoint else obj.store()
    shown = f"[{host}]" if ":" in host else host
    obj.note(f"econkg: SPARQL endpoint on http://{shown}:{port}/sparql, query page on "
             f"http://{shown}:{port}/ (Ctrl-C stops)")
    run_server(dataset, host, port, settings, access_log=access_log)


def _remote(endpoint: str, user: str | None, password_env: str | None, settings):
    from ..serve.pool import ServerError
    from ..serve.remote import RemotePool
    from .push import password_from_env

    password = password_from_env(user, password_env)
    try:
        pool = RemotePool(endpoint, settings, user=user, password=password)
        pool.start()
    except ServerError as exc:
        raise click.ClickException(f"{endpoint}: {exc.message}") from None
    return pool


def _parse_size(text: str) -> int:
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (value[:-1], value[-1]) if value[-1:] in units and value[-1:] else \
        (value, "")
    try:
        size = int(float(number) * units[unit])
    except (ValueError, KeyError):
        raise click.BadParameter(f"{text!r} is not a size (e.g. 16M, 500K)",
                                 param_hint="--max-bytes") from None
    if size < 1024:
        raise click.BadParameter("at least 1K", param_hint="--max-bytes")
    return size
