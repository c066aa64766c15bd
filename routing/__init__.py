"""Accessible pedestrian routing: OSM import, the graph, profiles, search, maneuvers.

A library with no Flask in it. The flow of a route::

    read_osm -> build_graph (networkx) -> compile_graph (arrays, saved to disk)
    Router(graph).plan(origin, destination, profile) -> Route
    find_maneuvers(graph, route) -> [Maneuver]
"""
