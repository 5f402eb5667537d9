"""A small SMTP server for the queue tests: it accepts, refuses, hangs or drops on demand."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy


class FakeSMTPServer:
    """Listens on 127.0.0.1; `mode` decides what the next connection meets:
    "ok" accepts mail, "refuse" answers 421 and hangs up, "hang" never answers, "drop"
    hangs up after the message's data. With `hold_after` = n, the message after the n-th
    accepted one waits for `release` before its 250 reply (`holding` is set meanwhile)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.messages: list = []
        self.connections = 0
        self.hold_after: int | None = None
        self.release = threading.Event()
        self.holding = threading.Event()
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def message_ids(self) -> list[str]:
        """Message-ID of every accepted message, in order."""
        return [m["Message-ID"] for m in self.messages]

    def close(self) -> None:
        self._stop.set()
        self.release.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        with conn, conn.makefile("rb") as reader:
            mode = self.mode
            if mode == "hang":
                self._stop.wait(30)
                return
            if mode == "refuse":
                conn.sendall(b"421 fake.test busy, try later\r\n")
                return
            conn.sendall(b"220 fake.test ESMTP\r\n")
            for line in reader:
                verb = line[:4].upper()
                if verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                if verb != b"DATA":
                    conn.sendall(b"250 fake.test\r\n" if verb in (b"EHLO", b"HELO")
                                 else b"250 OK\r\n")
                    continue
                conn.sendall(b"354 go ahead\r\n")
                data = self._read_data(reader)
                if self.mode == "drop":
                    return
                if self.hold_after is not None and len(self.messages) >= self.hold_after:
                    self.holding.set()
                    self.release.wait(30)
                    if self._client_gone(conn):  # killed while waiting: never accepted
                        return
                self.messages.append(message_from_bytes(data, policy=policy.default))
                conn.sendall(b"250 queued\r\n")

    @staticmethod
    def _read_data(reader) -> bytes:
        lines = []
        for line in reader:
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    @staticmethod
    def _client_gone(conn: socket.socket) -> bool:
        conn.setblocking(False)
        try:
            return conn.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            conn.setblocking(True)
