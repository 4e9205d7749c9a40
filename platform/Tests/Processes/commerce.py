"""identity, catalog and inventory as processes over mutual TLS behind `weft gateway`: staff
create a product and its stock, anyone browses, 100 customers at once reserve the last 10 units
and exactly 10 get one (the others a typed INSUFFICIENT_STOCK), and the product archived in the
catalog reaches inventory as an event over the mesh, after which its SKU takes no reservation.
Twice: as three processes, and as one process whose services call each other in-process
(the same authorization applying). On SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES_URL is set.

Usage: commerce.py <weft binary> <weft-platform binary>
"""
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import (main, HANG_GUARD, HTTP, PLATFORM, certificates, check, database_url, failures, reason, start_gateway, start_platform,
                     upstream)

IDENTITY = "weft.platform.identity.v1.IdentityService"
CATALOG = "weft.platform.catalog.v1.CatalogService"
INVENTORY = "weft.platform.inventory.v1.InventoryService"
EVENTS = "weft.platform.events.v1.EventSource"


def schemas():
    return [(PLATFORM / f"Sources/{target}API", f"weft/platform/{target.lower()}/v1/{target.lower()}.proto")
            for target in ["Identity", "Catalog", "Inventory"]]


def run(weft, runner, backend):
    run_topology(weft, runner, backend, together=False)
    run_topology(weft, runner, backend, together=True)
    if os.environ.get("WEFT_TEST_NATS_URL"):
        run_topology(weft, runner, backend, together=False, nats=os.environ["WEFT_TEST_NATS_URL"])


def run_topology(weft, runner, backend, together, nats=None):
    """The three services as three processes, or (`together`) as one process in which inventory
    reads the catalog's events in-process, through the same authorization; with `nats`, the
    events go through NATS JetStream instead of the mesh."""
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        certificates(weft, directory, ["identity", "catalog", "inventory", "platform", "gateway"])
        settings = {
            "identity": {"database": database_url(backend, directory, "identity"), "adminEmails": ["staff@example.com"],
                         "passwordCost": {"log2N": 12}},
            "catalog": {"database": database_url(backend, directory, "catalog"), "pageTokenKey": "test-page-token-key"},
            "inventory": {"database": database_url(backend, directory, "inventory")},
        }
        if nats:
            settings["events"] = {"transport": "nats", "url": nats, "namespace": "t" + uuid.uuid4().hex[:10]}
        processes = []
        try:
            if together:
                platform = start_platform(runner, directory, "platform", settings, {
                    IDENTITY: ["gateway"], CATALOG: ["gateway"], INVENTORY: ["gateway"], EVENTS: ["platform"]})
                processes.append(platform)
                ports = {name: platform.port for name in ("identity", "catalog", "inventory")}
            else:
                for name, service, rules in [("identity", IDENTITY, {}), ("catalog", CATALOG, {EVENTS: ["inventory"]}), ("inventory", INVENTORY, {})]:
                    upstreams = {CATALOG: {"endpoints": [f"127.0.0.1:{processes[1].port}"], "identity": "catalog"}} if name == "inventory" else {}
                    own = {key: value for key, value in settings.items() if key in (name, "events")}
                    processes.append(start_platform(runner, directory, name, own, {service: ["gateway"]} | rules, upstreams))
                ports = {process.name: process.port for process in processes}
            gateway = start_gateway(weft, directory, schemas(), {
                IDENTITY: upstream(ports["identity"], "identity"), CATALOG: upstream(ports["catalog"], "catalog"),
                INVENTORY: upstream(ports["inventory"], "inventory"),
            } if not together else {name: upstream(ports["identity"], "platform") for name in (IDENTITY, CATALOG, INVENTORY)}, {
                "issuer": "https://identity.weft.local", "audience": "weft-platform",
                "keySet": {"method": IDENTITY + ".GetJwks"}, "forwardClaims": ["sub", "roles"],
                "publicRoutes": [IDENTITY + "." + m for m in ["Register", "Login", "Refresh", "Logout", "GetJwks"]]
                + [CATALOG + "." + m for m in ["GetProduct", "ListProducts", "ListCategories"]] + [INVENTORY + ".GetStock"],
            })
            processes.append(gateway)
            scenario(HTTP(gateway.port), f"{backend}, {'one process' if together else 'three processes'}{', NATS' if nats else ''}")
        finally:
            for process in reversed(processes):
                check(f"[{backend}] {process.name} drains and exits 0 on SIGTERM", process.stop() == 0)
            if failures:
                for process in processes:
                    print(f"--- {process.name}.log\n" + process.log_path.read_text()[-3000:])


def sign_in(http, email, password):
    http.call("POST", "/v1/users", {"email": email, "password": password})
    status, session = http.call("POST", "/v1/auth:login", {"email": email, "password": password})
    assert status == 200, (status, session)
    return session["accessToken"]


def scenario(http, label):
    tag = f"[{label}]"
    staff = sign_in(http, "staff@example.com", "staff-password-1")
    customer = sign_in(http, "customer@example.com", "customer-password-1")

    status, body = http.call("POST", "/v1/products", {"title": "Lamp", "priceMinor": 1}, token=customer)
    check(f"{tag} a customer cannot create products", status in (400, 403), f"{status} {body}")
    status, category = http.call("POST", "/v1/categories", {"displayName": "Lighting"}, token=staff)
    status, product = http.call("POST", "/v1/products", {
        "title": "Brass lamp", "description": "A warm light", "category": category.get("name"), "status": "PRODUCT_STATUS_PUBLISHED",
        "price": {"currencyCode": "EUR", "minorUnits": "4900"}, "variants": [{"sku": "LAMP-1", "title": "Brass"}],
    }, token=staff)
    check(f"{tag} staff create a published product", status == 200 and product.get("status") == "PRODUCT_STATUS_PUBLISHED", f"{status} {product}")
    status, listed = http.call("GET", "/v1/products?query=warm")
    check(f"{tag} anyone browses published products", status == 200 and [p["title"] for p in listed.get("products", [])] == ["Brass lamp"],
          f"{status} {listed}")
    status, level = http.call("POST", "/v1/stock:receive", {"sku": "LAMP-1", "location": "berlin", "quantity": "10"}, token=staff)
    check(f"{tag} staff receive 10 units", status == 200 and level.get("available") == "10", f"{status} {level}")

    def reserve(index):
        return http.call("POST", "/v1/reservations", {"reservationId": f"r-{index}", "sku": "LAMP-1", "quantity": "1",
                                                       "owner": f"orders/{index}"}, token=customer)

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(reserve, range(100)))
    won = [body for status, body in answers if status == 200]
    refused = [body for status, body in answers if status != 200]
    check(f"{tag} 100 concurrent customers, 10 units: exactly 10 reservations", len(won) == 10, f"{len(won)} won")
    check(f"{tag} ... the other 90 get a typed INSUFFICIENT_STOCK", len(refused) == 90 and all(reason(b) == "INSUFFICIENT_STOCK" for b in refused),
          str({(reason(b), str(b)[:80]) for b in refused}))
    status, stock = http.call("GET", "/v1/stock/LAMP-1")
    check(f"{tag} the stock shows 10 reserved, 0 free", stock.get("levels", [{}])[0].get("reserved") == "10" and stock.get("available", "0") == "0",
          f"{status} {stock}")
    winner = won[0]["name"] if won else "reservations/r-0"
    status, again = reserve(int(winner.rsplit("-", 1)[1]))
    check(f"{tag} a retried reservation is the same one", status == 200 and again.get("name") == winner, f"{status} {again}")

    status, archived = http.call("DELETE", f"/v1/{product['name']}", token=staff)
    check(f"{tag} staff archive the product", status == 200 and archived.get("status") == "PRODUCT_STATUS_ARCHIVED", f"{status} {archived}")
    http.call("POST", "/v1/stock:receive", {"sku": "LAMP-1", "location": "berlin", "quantity": "5"}, token=staff)
    # The ProductArchived event travels catalog → inventory over the mesh; poll until it has.
    # Until it has, a reservation may still succeed (the services agree eventually): give it back.
    deadline, answer, attempt = time.monotonic() + HANG_GUARD, None, 0
    while time.monotonic() < deadline:
        attempt += 1
        answer = http.call("POST", "/v1/reservations", {"reservationId": f"after-archive-{attempt}", "sku": "LAMP-1", "quantity": "1"},
                           token=customer)
        if answer[0] == 200:
            http.call("POST", f"/v1/{answer[1]['name']}:release", {}, token=customer)
        elif reason(answer[1]) == "SKU_DISCONTINUED":
            break
        time.sleep(0.1)
    check(f"{tag} the archived product's SKU takes no new reservation", answer and answer[0] != 200 and reason(answer[1]) == "SKU_DISCONTINUED",
          str(answer))
    status, body = http.call("GET", f"/v1/{product['name']}")
    check(f"{tag} an archived product is hidden from customers", status == 404 and reason(body) == "PRODUCT_NOT_FOUND", f"{status} {body}")


if __name__ == "__main__":
    main(run)
