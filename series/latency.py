"""
A TCP relay that delays every byte by a fixed time in each direction: a
network between the client and the server, for benchmarks on a machine
whose kernel has no netem queueing discipline (tc qdisc ... netem), which is
the ordinary tool for it.

    python -m series.latency LISTEN_PORT HOST PORT ONE_WAY_MS

listens on 127.0.0.1:LISTEN_PORT, relays to HOST:PORT, and prints "ready"
once it listens. Each direction has a reader thread, which stamps what it
reads with the time it may leave, and a writer thread, which sends it then:
bytes keep their order, and a slow reader never holds back the other side.
"""

import queue
import socket
import sys
import threading
import time


def pump(source, sink, delay):
    chunks = queue.SimpleQueue()

    def read():
        while data := _recv(source):
            chunks.put((time.perf_counter() + delay, data))
        chunks.put((0, b""))

    def write():
        while True:
            due, data = chunks.get()
            if not data:
                break
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            try:
                sink.sendall(data)
            except OSError:
                break
        _close(sink)

    for target in (read, write):
        threading.Thread(target=target, daemon=True).start()


def _recv(sock):
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(listen_port, host, port, delay):
    server = socket.create_server(("127.0.0.1", listen_port), backlog=256)
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        upstream = socket.create_connection((host, port))
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pump(client, upstream, delay)
        pump(upstream, client, delay)


if __name__ == "__main__":
    listen_port, host, port, one_way_ms = sys.argv[1:]
    serve(int(listen_port), host, int(port), float(one_way_ms) / 1000)
