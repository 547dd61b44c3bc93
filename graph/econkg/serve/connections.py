"""The connection layer in front of the app: what uvicorn's h11 protocol lacks.

uvicorn (0.5x) has a keep-alive timeout and a global `limit_concurrency`, but no limit on
how long a client may take to send its request head, none per client, and answers an
over-long request line or header block with a bare 400 and a reset. Slowloris — hundreds of
connections each sending a header byte now and then — then fills `limit_concurrency` and
turns every other request into 503. This subclass of uvicorn's `H11Protocol` adds:

  * a header timeout: the request line and headers must arrive within `header_timeout`
    seconds of the connection opening (or of the previous answer, on keep-alive);
  * per-client limits: at most `client_pending` connections from one address may still be
    sending their headers — a new one pushes out the oldest that has nothing unread in
    its socket (so a slow client cannot keep a fast one out, and a burst cannot push out
    a fast one whose request the server has simply not read yet) — and at most
    `client_connections` open in all;
  * a send timeout: a client that leaves the answer unread for `send_timeout` seconds
    (the write buffer full) is disconnected, so it cannot pin memory forever;
  * 414 for an over-long request line and 431 for over-long headers, written before
    a graceful close (the rest of what the client sends is read and dropped).
"""

from __future__ import annotations

import logging
import select
from collections import OrderedDict, defaultdict

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import Settings

log = logging.getLogger("econkg.server")
MAX_URL = 60 << 10  # bytes in the request target (a GET query lives there)
MAX_HEADERS = 32 << 10  # bytes in all header lines together
MAX_HEAD = MAX_URL + MAX_HEADERS + 1024  # what h11 may buffer while a head arrives


def guarded_protocol(settings: Settings) -> type:
    """An H11Protocol subclass enforcing `settings`' connection limits."""

    pending: dict[str, OrderedDict] = defaultdict(OrderedDict)  # address → connections
    open_: dict[str, OrderedDict] = defaultdict(OrderedDict)  # still sending a head / all

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else "?"
            self._header_timer = None
            self._send_timer = None
            self._draining = False
            self._bad_head = None
            original = self.conn.next_event

            def next_event():  # watch h11 find the end of a request head, or fail to
                try:
                    event = original()
                except h11.RemoteProtocolError as exc:
                    self._bad_head = exc
                    raise
                if isinstance(event, h11.Request):
                    self._head_arrived()
                    # h11 only limits a head that arrives in pieces; one that arrives
                    # whole is measured here
                    if len(event.target) > MAX_URL:
                        self._bad_head = h11.RemoteProtocolError("URL too long", 414)
                        raise self._bad_head
                    if sum(len(k) + len(v) + 4 for k, v in event.headers) > MAX_HEADERS:
                        self._bad_head = h11.RemoteProtocolError("headers too long", 431)
                        raise self._bad_head
                return event

            self.conn.next_event = next_event  # type: ignore[method-assign]
            mine = open_[self._address]
            if len(mine) >= settings.client_connections:
                # make room by dropping the oldest that has not even sent its head; if
                # every one is busy with a request, this newest one is refused
                waiting = pending.get(self._address)
                if not waiting:
                    log.info("%s has %d connections open; refusing another",
                             self._address, len(mine))
                    transport.close()
                    return
                next(iter(waiting))._drop()
            mine[self] = None
            self._await_head()

        def _unread(self) -> bool:
            """Are bytes waiting in this connection's socket, not yet read?"""
            sock = self.transport.get_extra_info("socket")
            try:
                readable, _, _ = select.select([sock.fileno()], [], [], 0)
            except (OSError, ValueError, AttributeError):
                return False
            return bool(readable)

        def _drop(self) -> None:
            """Close this connection and forget it at once (not when the loop gets round
            to connection_lost), so that a burst of connections is counted right."""
            self._forget()
            if not self.transport.is_closing():
                self.transport.close()

        def _forget(self) -> None:
            self._head_arrived()
            mine = open_.get(self._address)
            if mine is not None:
                mine.pop(self, None)
                if not mine:
                    open_.pop(self._address, None)

        # the request head ---------------------------------------------------------
        def _await_head(self) -> None:
            waiting = pending[self._address]
            waiting[self] = None
            while len(waiting) > settings.client_pending:
                # push out the oldest that has nothing unread: one whose head is already
                # in the socket (the loop has not got round to it yet) is a fast client
                victim = next((c for c in waiting if c is not self and not c._unread()),
                              next(iter(waiting)))
                victim._drop()
                if victim is self:
                    return
            self._cancel_header_timer()
            self._header_timer = self.loop.call_later(settings.header_timeout,
                                                      self._head_too_slow)

        def _head_arrived(self) -> None:
            waiting = pending.get(self._address)
            if waiting is not None:
                waiting.pop(self, None)
                if not waiting:
                    pending.pop(self._address, None)
            self._cancel_header_timer()

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _head_too_slow(self) -> None:
            self._header_timer = None
            self._drop()

        def data_received(self, data: bytes) -> None:
            if self._draining:
                return  # after a 414/431: read and drop
            super().data_received(data)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._await_head()

        def send_400_response(self, msg: str) -> None:  # uvicorn's answer to bad HTTP
            status = getattr(self._bad_head, "error_status_hint", 400)
            buffered = bytes(getattr(self.conn, "_receive_buffer", b""))
            if status == 431 and self._bad_head.args[:1] != ("headers too long",) and \
                    b"\n" not in buffered:
                status = 414  # the request line itself is what is too long
            reason = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}.get(
                status, b"Bad Request")
            message = {414: b"the request line (URL) is too long\n",
                       431: b"the request headers are too long\n"}.get(
                status, b"the request is not valid HTTP/1.1\n")
            log.info("%s: refused a request head (%d)", self._address, status)
            self._head_arrived()
            self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8"
                                 b"\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s"
                                 % (status, reason, len(message), message))
            # close gracefully: stop writing, drop what the client still sends, then close,
            # so that it reads the answer instead of a reset
            self._draining = True
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.loop.call_later(2.0, self.transport.close)

        # the answer ----------------------------------------------------------------
        def pause_writing(self) -> None:
            super().pause_writing()
            if self._send_timer is None:
                self._send_timer = self.loop.call_later(settings.send_timeout,
                                                        self._reader_too_slow)

        def resume_writing(self) -> None:
            super().resume_writing()
            if self._send_timer is not None:
                self._send_timer.cancel()
                self._send_timer = None

        def _reader_too_slow(self) -> None:
            self._send_timer = None
            log.info("%s left its answer unread for %g s; disconnected", self._address,
                     settings.send_timeout)
            self.transport.abort()

        def connection_lost(self, exc) -> None:
            self._forget()
            if self._send_timer is not None:
                self._send_timer.cancel()
                self._send_timer = None
            super().connection_lost(exc)

    return GuardedH11Protocol
