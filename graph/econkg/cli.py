"""The `econkg` command.

Commands live in econkg/commands/ and are imported only when invoked (or listed), so
`econkg --help` answers without loading rdflib, pyshacl, networkx or pyvis.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import click

COMMANDS = {
    "build": "econkg.commands.build:build",
    "validate": "econkg.commands.build:validate",
    "export": "econkg.commands.export:export",
    "verify-citations": "econkg.commands.citations:verify_citations",
    "stats": "econkg.commands.stats:stats",
    "queries": "econkg.commands.query:queries",
    "query": "econkg.commands.query:query",
    "analyze": "econkg.commands.analyze:analyze",
    "viz": "econkg.commands.viz:viz",
    "serve": "econkg.commands.serve:serve",
    "extract": "econkg.commands.extract:extract",
    "accept": "econkg.commands.accept:accept",
    "ingest": "econkg.commands.ingest:ingest",
    "push": "econkg.commands.push:push",
}
ALIASES = {"analyse": "analyze", "draw": "viz"}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._spec_exists(name)]

    def _spec_exists(self, name: str) -> bool:
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = ALIASES.get(name, name)
        if name not in COMMANDS or not self._spec_exists(name):
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


class Context:
    """What every command needs: where the seeds are and where builds go."""

    def __init__(self, seeds: Path | None, build_dir: Path):
        self._seeds = seeds
        self.build_dir = build_dir

    @property
    def seeds(self) -> Path:
        from .resources import default_seeds_dir

        return self._seeds or default_seeds_dir()

    def note(self, message: str) -> None:
        click.echo(message, err=True)

    def dataset(self):
        """The curated graph (documents, entities, ontology) as an rdflib Dataset: from the
        published release if fresh, else an in-memory build; bad seeds become errors."""
        from .pipeline import load_dataset

        return self._loading(load_dataset)

    def store(self):
        """The published Oxigraph store (documents and statistics), opened read-only and
        never rebuilt; an in-memory build when there is no up-to-date release."""
        from .pipeline import open_store

        return self._loading(open_store)

    def _loading(self, load):
        try:
            return load(self.build_dir, self.seeds, note=self.note)
        except Exception as exc:  # the error types are imported only when there is one
            from .ontology import OntologyError
            from .seeds import SeedError
            from .store import StoreError

            if isinstance(exc, SeedError | OntologyError):
                raise click.ClickException(f"cannot build the graph:\n{exc}") from None
            if isinstance(exc, StoreError):
                raise click.ClickException(str(exc)) from None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path),
              help="Seed folder (default: $ECONKG_SEEDS, ./seeds if present, else the "
                   "tables shipped with econkg).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              default=lambda: os.environ.get("ECONKG_BUILD_DIR", "build"),
              show_default="build", help="Where `build` and `ingest` publish the store and "
                                         "later commands open it ($ECONKG_BUILD_DIR).")
@click.version_option(package_name="econkg")
@click.pass_context
def main(ctx: click.Context, seeds: Path | None, build_dir: Path) -> None:
    """econkg — a knowledge graph of cross-border economic relations, every fact cited to
    the line of the document it came from.

    \b
    Typical session:
      econkg build                      # seeds → RDF → SHACL check → build/
      econkg ingest comtrade trade.csv  # official statistics into the same store
      econkg export --output kg.ttl     # Turtle for Protégé, GraphDB, Jena
      econkg queries                    # the ready-made questions
      econkg query trade-over-time      # ask one
      econkg viz --output network.html  # an interactive map, works offline
      econkg serve                      # a SPARQL endpoint on 127.0.0.1:7878
    """
    ctx.obj = Context(seeds, build_dir)


def entry() -> None:
    """The console command: click's `main`, then a prompt exit. A command has written,
    flushed and closed everything it makes (releases are fsynced, stores closed) by the
    time it returns; what is left is the interpreter freeing every object one by one,
    about a tenth of a second after a build, so the process leaves without that
    (os._exit), once standard output and error are flushed."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # sys.exit(None) is success, sys.exit("text") failure
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left (`econkg query … | head`): not an error
            pass
        except (OSError, ValueError):  # output that could not be written (a full disk)
            code = code or 1
    if _still_running():
        sys.exit(code)  # the interpreter's own exit waits for them (or ends its workers)
    os._exit(code)


def _still_running() -> bool:
    """Whether a thread that is not a daemon, or a child process, is still alive: then
    the normal exit is taken, which joins the one and ends or joins the other."""
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate()
           if t is not threading.main_thread()):
        return True
    mp = sys.modules.get("multiprocessing")
    return bool(mp is not None and mp.active_children())

