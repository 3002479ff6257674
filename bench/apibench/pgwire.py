"""A statement-counting proxy for the PostgreSQL wire protocol (loopback only).

The local server has no ``pg_stat_statements`` preloaded (and a shared server must not be
reconfigured), and ``pg_stat_database`` counts transactions, not statements, with a delay. So
``bench/api.py`` points one extra instance of each app at this proxy and reads off, per request:

* **statements**: ``Execute`` (extended protocol) plus ``Query`` (simple protocol) messages sent
  by the client: every statement the server runs, including BEGIN/COMMIT, the pool's liveness
  ping and asyncpg's type introspection;
* **round trips**: turns of the conversation, i.e. each time the client sends again after the
  server has answered: the waits a request pays. Several pipelined statements share one; a
  statement asyncpg prepares first costs two (it sends Parse/Describe/Flush and waits for the
  description before it binds, so counting ``ReadyForQuery`` would miss the first wait);
* **parses**: ``Parse`` messages (a statement prepared on that connection for the first time);
* **connections** opened through the proxy.

The proxy forwards bytes unchanged and only reads message headers (1 type byte + 4 length bytes;
the start-up packet has no type byte). It answers an ``SSLRequest``/``GSSENCRequest`` with ``N``
itself, so clients that prefer TLS fall back to plain TCP, which it can read.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future

SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102


class Framer:
    """Splits a byte stream into typed protocol messages across arbitrary chunk boundaries.

    Yields ``(type, body)`` per message: ``body`` is the message's payload for the types in
    ``capture`` (yielded once complete) and ``None`` for the others (yielded as soon as their
    header is complete; their bodies are skipped, not kept)."""

    def __init__(self, capture: frozenset[str] = frozenset()) -> None:
        self.capture = capture
        self._header = bytearray()
        self._skip = 0
        self._body: bytearray | None = None
        self._kind = ""

    def feed(self, data: bytes) -> Iterator[tuple[str, bytes | None]]:
        i, n = 0, len(data)
        while i < n:
            if self._skip:
                take = min(self._skip, n - i)
                if self._body is not None:
                    self._body += data[i : i + take]
                self._skip -= take
                i += take
                if not self._skip and self._body is not None:
                    body, self._body = bytes(self._body), None
                    yield self._kind, body
                continue
            part = data[i : i + 5 - len(self._header)]
            self._header += part
            i += len(part)
            if len(self._header) == 5:
                yield from self._start(chr(self._header[0]))

    def _start(self, kind: str) -> Iterator[tuple[str, bytes | None]]:
        self._skip = int.from_bytes(self._header[1:5], "big") - 4
        self._header.clear()
        if kind not in self.capture:
            yield kind, None
        elif self._skip:
            self._kind, self._body = kind, bytearray()
        else:
            yield kind, b""


def _cstring(body: bytes, at: int) -> tuple[str, int]:
    end = body.index(0, at)
    return body[at:end].decode("utf-8", "replace"), end + 1


class _Statements:
    """Which SQL text each ``Execute``/``Query`` of one connection runs: ``Parse`` names a
    statement's text, ``Bind`` picks the statement the next ``Execute`` runs."""

    def __init__(self) -> None:
        self.named: dict[str, str] = {}
        self.bound = "?"

    def see(self, kind: str, body: bytes | None) -> str | None:
        if kind == "Q" and body is not None:
            return _cstring(body, 0)[0]
        if kind == "P" and body is not None:
            name, at = _cstring(body, 0)
            self.named[name] = _cstring(body, at)[0]
        elif kind == "B" and body is not None:
            _portal, at = _cstring(body, 0)
            self.bound = self.named.get(_cstring(body, at)[0], "?")
        elif kind == "E":
            return self.bound
        return None


class _Turn:
    """Whose turn it is on one connection; a client send after a server send is a round trip."""

    def __init__(self, proxy: CountingProxy) -> None:
        self.proxy = proxy
        self.server_spoke = True  # the server's start-up answer comes first

    def client_sent(self) -> None:
        if self.server_spoke:
            self.proxy.turns += 1
            self.server_spoke = False

    def server_sent(self) -> None:
        self.server_spoke = True


class CountingProxy:
    """Forward ``127.0.0.1:<port>`` to ``upstream`` and count what passes (see module doc)."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.client: Counter[str] = Counter()
        self.server: Counter[str] = Counter()
        self.connections = 0
        self.turns = 0
        self.sql: list[str] = []  # every statement's text, in order (all connections)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def counts(self) -> dict[str, int]:
        """A snapshot of the counters (take one before and after the requests to measure)."""
        snap: Future[dict[str, int]] = asyncio.run_coroutine_threadsafe(self._snap(), self._loop)
        return snap.result(timeout=10)

    async def _snap(self) -> dict[str, int]:
        return {
            "statements": self.client["E"] + self.client["Q"],
            "round_trips": self.turns,
            "parses": self.client["P"],
            "connections": self.connections,
            "sql_mark": len(self.sql),
        }

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        """Stop listening and end every open connection (closing its sockets) before the loop
        stops: a client that has just hung up may not have been seen out yet."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        writers = [client_w]
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
            writers.append(server_w)
            if await self._startup(client_r, client_w, server_w):
                self.connections += 1
                turn = _Turn(self)
                await asyncio.gather(
                    self._pump(client_r, server_w, self._client_side(turn)),
                    self._pump(server_r, client_w, self._server_side(turn)),
                )
        except OSError:
            pass
        finally:
            for writer in writers:
                writer.close()
                with contextlib.suppress(OSError, asyncio.CancelledError):
                    await writer.wait_closed()
            self._tasks.discard(task)

    async def _startup(
        self,
        client_r: asyncio.StreamReader,
        client_w: asyncio.StreamWriter,
        server_w: asyncio.StreamWriter,
    ) -> bool:
        """Pass the untyped start-up packet on, refusing encryption requests ourselves.
        Returns False for a cancel request (one packet, then the connection ends)."""
        while True:
            try:
                length = int.from_bytes(await client_r.readexactly(4), "big")
                body = await client_r.readexactly(length - 4)
            except asyncio.IncompleteReadError:
                return False
            code = int.from_bytes(body[:4], "big")
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                client_w.write(b"N")
                await client_w.drain()
                continue
            server_w.write(length.to_bytes(4, "big") + body)
            await server_w.drain()
            return code != CANCEL_REQUEST

    def _client_side(self, turn: _Turn) -> Callable[[bytes], None]:
        framer, statements = Framer(frozenset("QPB")), _Statements()

        def seen(data: bytes) -> None:
            turn.client_sent()
            for kind, body in framer.feed(data):
                self.client[kind] += 1
                if (sql := statements.see(kind, body)) is not None:
                    self.sql.append(sql)

        return seen

    def _server_side(self, turn: _Turn) -> Callable[[bytes], None]:
        framer = Framer()

        def seen(data: bytes) -> None:
            turn.server_sent()
            self.server.update(kind for kind, _ in framer.feed(data))

        return seen

    @staticmethod
    async def _pump(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Callable[[bytes], None]
    ) -> None:
        try:
            while data := await reader.read(65536):
                seen(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if writer.can_write_eof():
                with contextlib.suppress(OSError):
                    writer.write_eof()
