"""Events survive a consumer killed as a process: inventory, consuming catalog's events, is
SIGKILLed while products are being archived, then started again on the same database. It
resumes where its ledger (or its durable JetStream consumer) says: every event applied once,
none lost (its ledger holds each event id once, its offset reaches the catalog's last event,
and every archived SKU is discontinued). Over both transports (the mesh, and NATS JetStream
when WEFT_TEST_NATS_URL is set), on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES_URL is set.

Usage: consumer_kill.py <weft binary> <weft-platform binary>
"""
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from harness import (main, HANG_GUARD, HTTP, PLATFORM, certificates, check, database_url, failures, start_gateway, start_platform,
                     upstream)

IDENTITY = "weft.platform.identity.v1.IdentityService"
CATALOG = "weft.platform.catalog.v1.CatalogService"
INVENTORY = "weft.platform.inventory.v1.InventoryService"
EVENTS = "weft.platform.events.v1.EventSource"
PRODUCTS = 30


def query(url, sql):
    """One value from the database `url` (a SQLite path or a PostgreSQL URL)."""
    if url.startswith("postgres"):
        return int(subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip() or 0)
    with sqlite3.connect(url) as connection:
        return int(connection.execute(sql).fetchone()[0] or 0)


def run(weft, runner, backend):
    run_transport(weft, runner, backend, None)
    if os.environ.get("WEFT_TEST_NATS_URL"):
        run_transport(weft, runner, backend, os.environ["WEFT_TEST_NATS_URL"])


def run_transport(weft, runner, backend, nats):
    """Over the mesh from catalog's outbox, or (`nats`) through NATS JetStream."""
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        certificates(weft, directory, ["identity", "catalog", "inventory", "gateway"])
        databases = {name: database_url(backend, directory, name) for name in ("identity", "catalog", "inventory")}
        transport = {"events": {"transport": "nats", "url": nats, "namespace": "t" + uuid.uuid4().hex[:10]}} if nats else {}
        tag = f"[{backend}{', NATS' if nats else ''}]"
        processes = []
        try:
            processes.append(start_platform(runner, directory, "identity", {"identity": {
                "database": databases["identity"], "adminEmails": ["staff@example.com"], "passwordCost": {"log2N": 12}}}, {IDENTITY: ["gateway"]}))
            catalog = start_platform(runner, directory, "catalog", {"catalog": {"database": databases["catalog"]}} | transport,
                                     {CATALOG: ["gateway"], EVENTS: ["inventory"]})
            processes.append(catalog)
            catalog_upstream = {CATALOG: {"endpoints": [f"127.0.0.1:{catalog.port}"], "identity": "catalog"}}
            inventory = start_platform(runner, directory, "inventory", {"inventory": {"database": databases["inventory"]}} | transport,
                                       {INVENTORY: ["gateway"]}, catalog_upstream)
            gateway = start_gateway(weft, directory, [
                (PLATFORM / "Sources/IdentityAPI", "weft/platform/identity/v1/identity.proto"),
                (PLATFORM / "Sources/CatalogAPI", "weft/platform/catalog/v1/catalog.proto"),
            ], {IDENTITY: upstream(processes[0].port, "identity"), CATALOG: upstream(catalog.port, "catalog")}, {
                "keySet": {"method": IDENTITY + ".GetJwks"}, "forwardClaims": ["sub", "roles"],
                "publicRoutes": [IDENTITY + ".Register", IDENTITY + ".Login"],
            })
            processes.append(gateway)
            http = HTTP(gateway.port)
            http.call("POST", "/v1/users", {"email": "staff@example.com", "password": "staff-password-1"})
            token = http.call("POST", "/v1/auth:login", {"email": "staff@example.com", "password": "staff-password-1"})[1]["accessToken"]
            names = []
            for index in range(PRODUCTS):
                status, product = http.call("POST", "/v1/products", {
                    "title": f"Item {index}", "price": {"currencyCode": "EUR", "minorUnits": "100"}, "variants": [{"sku": f"SKU-{index}"}]},
                    token=token)
                names.append(product["name"])

            # Archive them while inventory consumes; kill it (no drain, no goodbye) a third of the way.
            def archive():
                for name in names:
                    http.call("DELETE", f"/v1/{name}", token=token)
            archiving = threading.Thread(target=archive)
            archiving.start()
            deadline = time.monotonic() + HANG_GUARD
            while query(databases["inventory"], "SELECT COUNT(*) FROM discontinued_skus") < PRODUCTS // 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            inventory.process.send_signal(signal.SIGKILL)
            inventory.process.wait()
            applied_at_kill = query(databases["inventory"], "SELECT COUNT(*) FROM discontinued_skus")
            archiving.join()
            check(f"{tag} inventory was killed mid-stream", 0 < applied_at_kill < PRODUCTS, f"{applied_at_kill} applied")

            inventory = start_platform(runner, directory, "inventory", {"inventory": {"database": databases["inventory"]}} | transport,
                                       {INVENTORY: ["gateway"]}, catalog_upstream)
            processes.append(inventory)
            # Events the killed process took but never acknowledged come again (JetStream: after
            # the consumer's ack wait), so wait for the ledger to hold them all.
            events = query(databases["catalog"], "SELECT COUNT(*) FROM weft_outbox WHERE topic = 'catalog.products'")
            seen_sql = "SELECT COUNT(*) FROM weft_consumed_events WHERE consumer = 'inventory'"
            deadline = time.monotonic() + HANG_GUARD
            while query(databases["inventory"], seen_sql) < events and time.monotonic() < deadline:
                time.sleep(0.05)
            # Read now: on PostgreSQL an event has its offset once a reader has numbered it.
            last = query(databases["catalog"], "SELECT MAX(\"offset\") FROM weft_outbox")
            offset_sql = "SELECT last_offset FROM weft_consumer_offsets WHERE consumer = 'inventory'"
            check(f"{tag} the restarted consumer reaches the producer's last event", query(databases["inventory"], offset_sql) == last)
            seen = query(databases["inventory"], seen_sql)
            check(f"{tag} every event applied once ({events} events, {seen} in the ledger)", seen == events == 2 * PRODUCTS)
            check(f"{tag} every archived SKU is discontinued, none lost",
                  query(databases["inventory"], "SELECT COUNT(*) FROM discontinued_skus") == PRODUCTS)
        finally:
            for process in reversed(processes):
                process.stop()
            if failures:
                for process in processes:
                    print(f"--- {process.name}.log\n" + process.log_path.read_text()[-3000:])


if __name__ == "__main__":
    main(run)
