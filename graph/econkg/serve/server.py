"""Running the app under uvicorn, with econkg's connection layer in front."""

from __future__ import annotations

import logging

from .settings import Settings


def serve(dataset, host: str = "127.0.0.1", port: int = 7878,
          settings: Settings | None = None, access_log: bool = False) -> None:
    """Run the endpoint in the foreground until interrupted."""
    import uvicorn

    from .app import create_app
    from .connections import MAX_HEAD, guarded_protocol

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    settings = settings or Settings()
    app = create_app(dataset, settings)
    # h11 rather than httptools even when that is installed: h11 caps the request head,
    # and connections.py builds on its protocol class (414 over 60 KiB of URL, 431 over
    # 32 KiB of headers).
    config = uvicorn.Config(app, host=host, port=port, access_log=access_log,
                            log_level="info", server_header=False,
                            http=guarded_protocol(settings),
                            h11_max_incomplete_event_size=MAX_HEAD,
                            # per-client limits (connections.py) do the real work; this
                            # global one only stops a flood from many addresses
                            limit_concurrency=4096, timeout_keep_alive=5)
    uvicorn.Server(config).run()
