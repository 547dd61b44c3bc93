"""econkg push."""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

import click

from ..cli import Context


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL query URL (Oxigraph …/query, Virtuoso …/sparql, "
                   "Fuseki …/DATASET/query, GraphDB …/repositories/REPO).")
@click.option("--graph-store", metavar="URL",
              help="Its SPARQL 1.1 Graph Store Protocol URL (guessed for the servers above).")
@click.option("--update", "update_url", metavar="URL",
              help="Its SPARQL Update URL (guessed likewise). With it, each graph is loaded "
                   "into a staging graph and swapped in with one MOVE; without it, graphs "
                   "are replaced in place.")
@click.option("--user", help="User name for HTTP Basic or Digest authentication.")
@click.option("--password-env", metavar="VAR",
              help="Name of the environment variable holding the password (the password "
                   "itself is never taken on the command line, where `ps` would show it).")
@click.option("--graph", "only", multiple=True, metavar="IRI",
              help="Push only this named graph (repeatable).")
@click.option("--chunk-size", type=click.IntRange(1000, 10_000_000), default=50_000,
              show_default=True, help="Triples per request.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120.0, show_default=True,
              help="Seconds each request may take.")
@click.option("--in-place", is_flag=True,
              help="Load each graph straight into its place, without a staging graph and "
                   "MOVE: about half the store's work (much less on an Oxigraph server), "
                   "but readers see a replaced graph fill up while the push runs.")
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Resume file (default: BUILD_DIR/push-state.json).")
@click.pass_obj
def push(obj: Context, endpoint: str, graph_store: str | None, update_url: str | None,
         user: str | None, password_env: str | None, only: tuple[str, ...], chunk_size: int,
         timeout: float, in_place: bool, dry_run: bool, state_path: Path | None) -> None:
    """Load the built graph into a shared SPARQL store, every named graph kept.

    Each source document's graph is replaced as a whole (loaded into a staging graph,
    then moved over the old one), only graphs whose content changed are sent, and a push
    that stops half-way resumes where it stopped when run again.

    \b
    Example:
      econkg push --endpoint http://127.0.0.1:7878/query            # Oxigraph server
      ECONKG_PW=dba econkg push --endpoint http://127.0.0.1:8890/sparql \\
          --user dba --password-env ECONKG_PW                       # Virtuoso
      econkg push --endpoint http://127.0.0.1:7878/query --dry-run
    """
    from ..push.client import Client, PushError, derive_urls
    from ..push.plan import local_graphs, make_plan, remote_state
    from ..push.run import State, push_graph, remove_graph

    password = password_from_env(user, password_env)
    try:
        urls = derive_urls(endpoint, graph_store, update_url, authenticated=user is not None)
        client = Client(urls, user, password, timeout=timeout)
        graphs = local_graphs(_oxigraph(obj))
        hashes, counts = remote_state(client)
        actions = make_plan(graphs, hashes, counts, set(only) or None)
    except PushError as exc:
        raise click.ClickException(str(exc)) from None
    if only and not actions:
        raise click.UsageError(f"no graph named {', '.join(only)} in the build or the store")
    by_iri = {g.iri: g for g in graphs}
    for a in actions:
        reason = f" ({a.reason})" if a.reason else ""
        click.echo(f"{a.kind:9} {a.graph}  {a.triples:,} triples{reason}", err=True)
    todo = [a for a in actions if a.kind != "unchanged"]
    for a in actions:
        if a.kind == "unchanged":
            by_iri[a.graph].close()
    if dry_run or not todo:
        click.echo("dry run: nothing sent" if dry_run else "the store is up to date", err=True)
        return
    host = urllib.parse.urlsplit(urls.graph_store).netloc
    state = State(state_path or obj.build_dir / "push-state.json", urls.graph_store)
    total = sum(a.triples for a in todo if a.kind != "remove")
    try:
        with click.progressbar(length=total, label=f"pushing to {host}", file=sys.stderr,
                               show_pos=True) as bar:
            for a in todo:
                if a.kind == "remove":
                    remove_graph(client, a)
                else:
                    push_graph(client, by_iri[a.graph], state, chunk_size, bar.update,
                               in_place=in_place)
                    by_iri[a.graph].close()
    except PushError as exc:
        hint = ""
        if "SR325" in str(exc):  # Virtuoso: a transaction outgrew its log limit
            what = ("this graph's MOVE: raise it, or push with --in-place"
                    if exc.url is not None and exc.url == urls.update else
                    f"a chunk of {chunk_size:,} triples: raise it, or push with a smaller "
                    "--chunk-size")
            hint = ("\nVirtuoso's TransactionAfterImageLimit ([Parameters] in virtuoso.ini) "
                    f"is too small for {what}")
        raise click.ClickException(f"{exc}{hint}\nrun the same command again to resume"
                                   ) from None
    click.echo(f"pushed {len(todo)} graph(s), {total:,} triples, to {host}", err=True)


def password_from_env(user: str | None, password_env: str | None) -> str | None:
    """The password named by --password-env (never taken from the command line, where
    `ps` would show it); shared by `push` and `serve --endpoint`."""
    if not password_env:
        return None
    if user is None:
        raise click.UsageError("--password-env needs --user")
    if password_env not in os.environ:
        raise click.UsageError(f"environment variable {password_env} is not set")
    return os.environ[password_env]


def _oxigraph(obj: Context):
    """The published store (documents and ingested statistics), read in place."""
    return obj.store().store
