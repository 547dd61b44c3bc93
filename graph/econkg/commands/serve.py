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
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Query worker processes (default: two per core, at least four).")
@click.option("--no-cache", is_flag=True,
              help="Do not keep answers in memory (the graph is read-only, so cached "
                   "answers never go stale).")
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, timeout: float, max_rows: int,
          workers: int | None, no_cache: bool, access_log: bool) -> None:
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

    Read-only: SPARQL Update is not supported, SERVICE is refused, and FROM/FROM NAMED
    only name graphs already loaded (no file or URL is ever read). Each query runs in a
    worker process that is killed when it overruns --timeout.

    \b
    Example:
      econkg serve
      econkg serve --port 8000 --timeout 30 --max-rows 50000
      curl -H 'Accept: text/csv' http://127.0.0.1:7878/queries/trade-over-time
      curl --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' \\
           http://127.0.0.1:7878/sparql
      econkg query trade-over-time --endpoint http://127.0.0.1:7878/sparql
    """
    from ..server import Settings, default_workers
    from ..server import serve as run_server

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") \
            from None
    settings = Settings(timeout=timeout, max_rows=max_rows,
                        workers=workers or default_workers(),
                        cache_entries=0 if no_cache else Settings().cache_entries)
    dataset = obj.store()  # opened read-only by every worker; nothing is loaded
    shown = f"[{host}]" if ":" in host else host
    obj.note(f"econkg: SPARQL endpoint on http://{shown}:{port}/sparql, query page on "
             f"http://{shown}:{port}/ (Ctrl-C stops)")
    run_server(dataset, host, port, settings, access_log=access_log)
