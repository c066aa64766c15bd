"""Health, profiles and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from routing.profiles import describe

from lotse import __version__
from lotse.api import schemas
from lotse.api.spec import documented
from lotse.openapi import build_document

bp = Blueprint("meta", __name__)


@bp.get("/health")
@documented("Service status and the graph served", responses={200: ("Status", schemas.HEALTH)}, tag="meta")
def health():
    store = current_app.extensions["lotse.graphs"]
    graph = store.graph
    return jsonify({
        "status": "ok",
        "version": __version__,
        "graph": {
            "nodes": graph.n_nodes,
            "edges": int(graph.edge_walkable.sum()),
            "source": graph.meta.get("source"),
            "built_at": graph.meta.get("built_at"),
            "demo": store.is_demo,
        },
        "obstacles_version": current_app.extensions["lotse.obstacles"].current().version,
        "beacons_version": current_app.extensions["lotse.beacons"].current().version,
    })


@bp.get("/profiles")
@documented("Routing profiles with their parameters and meaning", tag="meta")
def profiles():
    return jsonify({"profiles": describe()})


@bp.get("/openapi.json")
@documented("This OpenAPI 3.1 document", tag="meta")
def openapi():
    return jsonify(build_document(current_app))
