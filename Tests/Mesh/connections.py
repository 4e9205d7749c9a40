"""`weft serve` against peers that hold connections without using them: half-finished TLS
handshakes are cut at limits.tlsHandshakeSeconds, a connection beyond limits.maxConnections is
closed on arrival and counted in /metrics, and after thousands of half-open handshakes close,
the server's memory returns near where it started.

Usage: connections.py <weft binary> <pki dir>   (the PKI has an interop certificate)
"""
import socket
import ssl
import sys
import tempfile
import time
from pathlib import Path

from serve import HANG_GUARD, check, failures, get_metrics, start, wait_for, write_config


def client_hello():
    """The bytes of a real TLS 1.3 ClientHello offering ALPN h2."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    session = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    try:
        session.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def half_open(address, count):
    """`count` connections that send a ClientHello and never finish the handshake."""
    host, port = address.rsplit(":", 1)
    hello = client_hello()
    sockets = []
    for _ in range(count):
        connection = socket.create_connection((host, int(port)), timeout=HANG_GUARD)
        connection.sendall(hello)
        sockets.append(connection)
    return sockets


def completes_a_handshake(address, pki):
    """Whether a client with a mesh certificate completes a TLS handshake (ALPN h2)."""
    host, port = address.rsplit(":", 1)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.load_verify_locations(f"{pki}/ca.pem")
    context.load_cert_chain(f"{pki}/client.pem", f"{pki}/client.key")
    context.set_alpn_protocols(["h2"])
    try:
        with socket.create_connection((host, int(port)), timeout=HANG_GUARD) as raw:
            with context.wrap_socket(raw) as tls:
                return tls.selected_alpn_protocol() == "h2"
    except OSError as error:
        print(f"handshake failed: {error}")
        return False


def closed_by_server(connection):
    """Whether the server has closed `connection` (end of stream or reset), reading what it sent."""
    connection.setblocking(False)
    try:
        while connection.recv(65536):
            pass
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def resident_megabytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    weft, pki = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        # Limits small enough to reach: 40 connections, 2 s to finish a handshake.
        config = write_config(work, pki, authorization=None, limits={"maxConnections": 40, "tlsHandshakeSeconds": 2})
        server, address, admin = start(weft, config)
        try:
            held = half_open(address, 40)
            check("metrics_before_the_limit", "weft_rpc_server_connections_refused_total 0" in get_metrics(admin),
                  get_metrics(admin)[-400:])
            extra = half_open(address, 1)[0]
            check("connection_beyond_the_maximum_closed_on_arrival", wait_for(lambda: closed_by_server(extra)))
            check("refusal_counted",
                  wait_for(lambda: "weft_rpc_server_connections_refused_total 1" in get_metrics(admin)),
                  get_metrics(admin)[-400:])
            check("stalled_handshakes_cut", wait_for(lambda: all(closed_by_server(each) for each in held)))
            check("room_again_after_the_cut", completes_a_handshake(address, pki))
            for each in held + [extra]:
                each.close()
        finally:
            server.kill()

        # Thousands of half-open handshakes, held (the handshake limit outlasts the test), then
        # closed: the memory they took goes back.
        config = write_config(work, pki, authorization=None, limits={"tlsHandshakeSeconds": 600})
        server, address, admin = start(weft, config)
        try:
            before = resident_megabytes(server.pid)
            held = half_open(address, 3000)
            time.sleep(1)
            holding = resident_megabytes(server.pid)
            for each in held:
                each.close()
            target = before + (holding - before) / 2
            returned = wait_for(lambda: resident_megabytes(server.pid) <= target, interval=0.5)
            check("memory_returns_after_connections_close", returned,
                  f"RSS {before:.0f} MB before, {holding:.0f} MB holding 3000 handshakes, "
                  f"{resident_megabytes(server.pid):.0f} MB after they closed (wanted at most {target:.0f})")
            print(f"RSS {before:.0f} MB before, {holding:.0f} MB holding 3000 half-open handshakes, "
                  f"{resident_megabytes(server.pid):.0f} MB after they closed")
        finally:
            server.kill()
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
