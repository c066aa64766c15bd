"""Restarting the service keeps every obstacle, key and audit entry (SQLite in the data folder)."""

from __future__ import annotations

import json

import pytest

from staff_support import Server, cli, create_key

pytestmark = [pytest.mark.slow]

UNMARKED_102 = [7.7593084, 49.4430000]
SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}


def snapshot(srv, admin: str) -> dict:
    status, obstacles = srv.call("GET", "/api/v1/obstacles?limit=200")
    assert status == 200
    status, audit = srv.call("GET", "/api/v1/audit?limit=200", key=admin)
    assert status == 200
    status, health = srv.call("GET", "/api/v1/health")
    return {"obstacles": obstacles["features"], "audit": audit["entries"], "version": health["obstacles_version"]}


def test_restart_keeps_obstacles_keys_and_audit(tmp_path):
    data = tmp_path / "data"
    staff = create_key(data, "staff", "tiefbauamt")
    admin = create_key(data, "admin", "it")
    revoked = create_key(data, "staff", "old-tablet")
    cli(data, "keys", "revoke", "old-tablet")
    body = {"geometry": {"type": "Point", "coordinates": UNMARKED_102}, "radius_m": 3.0, "kind": "construction",
            "severity": "hazard", "description": "Baustelle an der Querung"}
    with Server(data, None, workers=2) as srv:
        status, a = srv.call("POST", "/api/v1/obstacles", body, key=staff)
        assert status == 201
        status, b = srv.call("POST", "/api/v1/obstacles", {**body, "kind": "other", "description": "Bauzaun"}, key=staff)
        status, _ = srv.call("PATCH", f"/api/v1/obstacles/{a['id']}", {"severity": "impassable"}, key=staff)
        assert status == 200
        status, _ = srv.call("DELETE", f"/api/v1/obstacles/{b['id']}", key=staff)
        assert status == 204
        status, routed = srv.call("POST", "/api/v1/routes", {"from": SE, "to": NE})
        assert routed["route"]["properties"]["distance_m"] == pytest.approx(130.1, abs=1.5)
        before = snapshot(srv, admin)
    keys_before = json.loads(cli(data, "keys", "list", "--json").stdout)

    with Server(data, None, workers=2) as srv:
        after = snapshot(srv, admin)
        assert after == before
        assert [f["id"] for f in after["obstacles"]] == [a["id"]]
        assert len([e for e in after["audit"] if e["entity"] == "obstacle"]) == 4
        assert len([e for e in after["audit"] if e["entity"] == "api_key"]) == 4  # 3 created, 1 revoked
        status, routed = srv.call("POST", "/api/v1/routes", {"from": SE, "to": NE})
        assert routed["route"]["properties"]["distance_m"] == pytest.approx(130.1, abs=1.5)  # still avoided
        assert routed["route"]["properties"]["obstacles_version"] == before["version"]
        status, _ = srv.call("PATCH", f"/api/v1/obstacles/{a['id']}", {"description": "Baustelle, Querung gesperrt"},
                             key=staff)
        assert status == 200  # the key still works
        status, problem = srv.call("PATCH", f"/api/v1/obstacles/{a['id']}", {"description": "x" * 5}, key=revoked)
        assert status == 401
    assert json.loads(cli(data, "keys", "list", "--json").stdout) == keys_before
    current = cli(data, "db", "current").stdout  # "URL: at REV, newest REV"
    at, newest = current.split(": at ")[1].split(", newest ")
    assert at.strip() == newest.strip()
