"""identity behind the gateway, as processes over mutual TLS: register, sign in, the gateway
verifying tokens with the keys identity publishes (fetched through the mesh), roles reaching
the service, key rotation without a gateway restart, refresh token reuse, typed error bodies
and sign-in throttling. On SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES_URL is set.

Usage: identity.py <weft binary> <weft-platform binary>
"""
import base64
import json
import tempfile
from pathlib import Path

from harness import main, HTTP, PLATFORM, certificates, check, database_url, failures, reason, start_gateway, start_platform, upstream

IDENTITY = "weft.platform.identity.v1.IdentityService"


def claims_of(token):
    header, payload, _ = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decode(header), decode(payload)


def run(weft, runner, backend):
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        certificates(weft, directory, ["identity", "gateway"])
        identity = start_platform(runner, directory, "identity", {"identity": {
            "database": database_url(backend, directory, "identity"),
            "adminEmails": ["root@example.com"], "passwordCost": {"log2N": 12}, "accountFailureLimit": 3,
        }}, {IDENTITY: ["gateway"]})
        gateway = start_gateway(weft, directory, [(PLATFORM / "Sources/IdentityAPI", "weft/platform/identity/v1/identity.proto")], {
            IDENTITY: upstream(identity.port, "identity"),
        }, {
            "issuer": "https://identity.weft.local", "audience": "weft-platform",
            "keySet": {"method": IDENTITY + ".GetJwks", "refreshSeconds": 300},
            "forwardClaims": ["sub", "roles"],
            "publicRoutes": [IDENTITY + "." + name for name in ["Register", "Login", "Refresh", "Logout", "GetJwks"]],
        })
        try:
            scenario(HTTP(gateway.port), backend)
        finally:
            check(f"[{backend}] the gateway drains and exits 0 on SIGTERM", gateway.stop() == 0)
            check(f"[{backend}] identity drains and exits 0 on SIGTERM", identity.stop() == 0)
            if failures:
                for name in ["identity", "gateway"]:
                    print(f"--- {name}.log\n" + (directory / f"{name}.log").read_text()[-4000:])


def scenario(http, backend):
    tag = f"[{backend}]"
    status, root = http.call("POST", "/v1/users", {"email": "root@example.com", "password": "correct-horse-battery"})
    check(f"{tag} the first admin registers", status == 200 and root.get("roles") == ["ROLE_CUSTOMER", "ROLE_STAFF", "ROLE_ADMIN"], f"{status} {root}")
    status, ada = http.call("POST", "/v1/users", {"email": "ada@example.com", "password": "analytical-engine", "displayName": "Ada"})
    check(f"{tag} a customer registers", status == 200 and ada.get("roles") == ["ROLE_CUSTOMER"], f"{status} {ada}")
    status, body = http.call("POST", "/v1/users", {"email": "ADA@example.com", "password": "analytical-engine"})
    check(f"{tag} a taken email is 409 EMAIL_TAKEN", status == 409 and reason(body) == "EMAIL_TAKEN", f"{status} {body}")
    status, body = http.call("POST", "/v1/users", {"email": "nope", "password": "short"})
    violations = [v.get("field") for d in body.get("details", []) for v in d.get("fieldViolations", [])]
    check(f"{tag} bad input is 400 with field violations", status == 400 and violations == ["email", "password"], f"{status} {body}")

    status, session = http.call("POST", "/v1/auth:login", {"email": "ada@example.com", "password": "analytical-engine"})
    check(f"{tag} sign-in returns tokens", status == 200 and session.get("tokenType") == "Bearer", f"{status} {session}")
    header, claims = claims_of(session["accessToken"])
    check(f"{tag} the access token is EdDSA with sub and roles", header.get("alg") == "EdDSA" and claims.get("sub") == ada["name"]
          and claims.get("roles") == ["customer"], f"{header} {claims}")
    status, me = http.call("GET", "/v1/me", token=session["accessToken"])
    check(f"{tag} the gateway verifies the token with identity's published keys", status == 200 and me.get("name") == ada["name"], f"{status} {me}")
    status, _ = http.call("GET", "/v1/me")
    check(f"{tag} no token is 401", status == 401)
    status, _ = http.call("GET", "/v1/me", token=session["accessToken"][:-4] + "AAAA")
    check(f"{tag} a forged signature is 401", status == 401)
    status, jwks = http.call("GET", "/.well-known/jwks.json")
    check(f"{tag} the JWKS is public", status == 200 and [k.get("kty") for k in jwks.get("keys", [])] == ["OKP"], f"{status} {jwks}")

    status, root_session = http.call("POST", "/v1/auth:login", {"email": "root@example.com", "password": "correct-horse-battery"})
    status, body = http.call("POST", f"/v1/{ada['name']}:grantRole", {"role": "ROLE_STAFF"}, token=session["accessToken"])
    check(f"{tag} a customer cannot grant roles (roles reach the service)", status == 403, f"{status} {body}")
    status, body = http.call("POST", f"/v1/{ada['name']}:grantRole", {"role": "ROLE_STAFF"}, token=root_session["accessToken"])
    check(f"{tag} an admin grants a role", status == 200 and "ROLE_STAFF" in body.get("roles", []), f"{status} {body}")

    # Rotation: the new key signs at once; the gateway fetches it on the first token naming it.
    status, key = http.call("POST", "/v1/signingKeys:rotate", {}, token=root_session["accessToken"])
    check(f"{tag} an admin rotates the signing key", status == 200 and key.get("kid") != header.get("kid"), f"{status} {key}")
    status, fresh = http.call("POST", "/v1/auth:login", {"email": "ada@example.com", "password": "analytical-engine"})
    fresh_header, fresh_claims = claims_of(fresh["accessToken"])
    check(f"{tag} new tokens carry the new kid and the granted role", fresh_header.get("kid") == key.get("kid")
          and fresh_claims.get("roles") == ["customer", "staff"], f"{fresh_header} {fresh_claims}")
    status, me = http.call("GET", "/v1/me", token=fresh["accessToken"])
    check(f"{tag} a token of the new key passes without a gateway restart", status == 200, f"{status} {me}")
    status, me = http.call("GET", "/v1/me", token=session["accessToken"])
    check(f"{tag} a token of the retired key still passes", status == 200, f"{status} {me}")

    status, renewed = http.call("POST", "/v1/auth:refresh", {"refreshToken": session["refreshToken"]})
    check(f"{tag} a refresh token renews the session", status == 200 and renewed.get("refreshToken") != session["refreshToken"], f"{status} {renewed}")
    status, body = http.call("POST", "/v1/auth:refresh", {"refreshToken": session["refreshToken"]})
    check(f"{tag} a reused refresh token is 401 REFRESH_TOKEN_REUSED", status == 401 and reason(body) == "REFRESH_TOKEN_REUSED", f"{status} {body}")
    status, body = http.call("POST", "/v1/auth:refresh", {"refreshToken": renewed["refreshToken"]})
    check(f"{tag} ... and its family is revoked", status == 401 and reason(body) == "REFRESH_TOKEN_INVALID", f"{status} {body}")

    for _ in range(3):
        http.call("POST", "/v1/auth:login", {"email": "ada@example.com", "password": "wrong-password"})
    status, body = http.call("POST", "/v1/auth:login", {"email": "ada@example.com", "password": "analytical-engine"})
    retry = [d for d in body.get("details", []) if d.get("@type", "").endswith("RetryInfo")]
    check(f"{tag} repeated failures throttle the account: 429 with RetryInfo", status == 429 and reason(body) == "TOO_MANY_ATTEMPTS" and retry,
          f"{status} {body}")
    text = json.dumps(body)
    check(f"{tag} error bodies carry no internal addresses", "127.0.0.1" not in text and "spiffe" not in text, text)


if __name__ == "__main__":
    main(run)
