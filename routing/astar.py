"""A* over the state graph, compiled to machine code with numba.

scipy's Dijkstra has no early exit at a target, so the whole search area had
to be bounded, widened and reweighted around it; most of a query's time went
into that bookkeeping. This kernel is the textbook algorithm instead: a binary
heap keyed by ``g + h``, the potential ``h`` computed only for states that are
reached, and a stop as soon as no end can still become cheaper. It works on
the CSR arrays of :class:`routing.costs.Costs` directly.

Compiled on first use and cached on disk (``cache=True``: numba writes next
to this module or, if that is read-only, to a user cache directory), so only
the very first process pays the ~1 s compilation. ``nogil`` lets threaded
servers search in parallel.
"""

from __future__ import annotations

import os
import tempfile

# numba caches next to this file, else in the user's cache directory, and refuses to run when it can
# write to neither (a read-only install under a user without a home): give it a folder that works.
if "NUMBA_CACHE_DIR" not in os.environ and not os.access(os.path.dirname(os.path.abspath(__file__)), os.W_OK):
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "lotse-numba-cache")

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

SOURCE = -1  # predecessor of a start state: the virtual source
UNSEEN = -2  # predecessor of a state not reached


@njit(cache=True, nogil=True, inline="always")
def _push(keys, vals, size, key, val):
    """Insert into the binary min-heap ``keys``/``vals`` of ``size`` entries; return the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        vals[i] = vals[parent]
        i = parent
    keys[i] = key
    vals[i] = val
    return size + 1


@njit(cache=True, nogil=True, inline="always")
def _pop(keys, vals, size):
    """Remove the smallest entry; return it and the new size."""
    top_key, top_val = keys[0], vals[0]
    size -= 1
    key, val = keys[size], vals[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i] = keys[child]
        vals[i] = vals[child]
        i = child
    if size > 0:
        keys[i] = key
        vals[i] = val
    return top_key, top_val, size


@njit(cache=True, nogil=True)
def astar(indptr, indices, weights, to_x, to_y, k, dest_x, dest_y,
          start_states, start_costs, end_states, end_costs):
    """Cheapest path from any start state to any end state.

    Arc ``a`` leads from the state whose CSR row holds it to ``indices[a]``
    at ``weights[a]`` (> 0). A path starting in state ``s`` costs
    ``start_costs`` of it there; ending in state ``e`` adds ``end_costs`` of
    it (usually negative: the part of the state not walked). The potential
    is ``k`` times the plane distance from a state's end point (``to_x``,
    ``to_y``, metres) to the destination; ``k = 0`` makes it Dijkstra.

    Returns ``(cost, end index, states along the path, states settled)``;
    the cost is inf (end index -1, no states) when no end is reachable. A
    state that is both start and end is an end only if the end lies ahead of
    the start (its total is not negative): walking backwards is not a path.
    """
    n = indptr.shape[0] - 1
    g = np.full(n, np.inf)
    pred = np.full(n, UNSEEN, np.int32)
    closed = np.zeros(n, np.bool_)
    capacity = weights.shape[0] + start_states.shape[0] + 1
    keys = np.empty(capacity)
    vals = np.empty(capacity, np.int32)
    size = 0

    # An end settled at key K has total >= K - (h(e) - end cost): the largest such slack bounds when to stop.
    slack = -np.inf
    for j in range(end_states.shape[0]):
        e = end_states[j]
        h = k * np.sqrt((to_x[e] - dest_x) ** 2 + (to_y[e] - dest_y) ** 2)
        slack = max(slack, h - end_costs[j])
    for i in range(start_states.shape[0]):
        s = start_states[i]
        c = start_costs[i]
        if c < g[s]:
            g[s] = c
            pred[s] = SOURCE
            h = k * np.sqrt((to_x[s] - dest_x) ** 2 + (to_y[s] - dest_y) ** 2)
            size = _push(keys, vals, size, c + h, s)

    best = np.inf
    best_end = -1
    settled = 0
    while size > 0:
        key, s, size = _pop(keys, vals, size)
        if closed[s]:
            continue
        if key - slack >= best:
            break
        closed[s] = True
        settled += 1
        gs = g[s]
        for j in range(end_states.shape[0]):
            if end_states[j] == s:
                total = gs + end_costs[j]
                if pred[s] == SOURCE and total < -1e-9:
                    continue
                if total < best:
                    best = total
                    best_end = j
        for a in range(indptr[s], indptr[s + 1]):
            t = indices[a]
            if closed[t]:
                continue
            ng = gs + weights[a]
            if ng < g[t]:
                g[t] = ng
                pred[t] = s
                h = k * np.sqrt((to_x[t] - dest_x) ** 2 + (to_y[t] - dest_y) ** 2)
                size = _push(keys, vals, size, ng + h, t)

    if best_end < 0:
        return np.inf, -1, np.empty(0, np.int64), settled
    count = 0
    s = end_states[best_end]
    while s != SOURCE:
        count += 1
        s = pred[s]
    path = np.empty(count, np.int64)
    s = end_states[best_end]
    for i in range(count - 1, -1, -1):
        path[i] = s
        s = pred[s]
    return best, best_end, path, settled
