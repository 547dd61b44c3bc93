"""Layout of a view in Python (positions in pixels), for large views and as the start of
the page's short physics polish."""

from __future__ import annotations

import math

from .model import Model
from .style import DETAIL_GROUPS
from .view import View


def layout(view: View, seed: int = 7, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """Positions in pixels: Fruchterman–Reingold on the undirected projection, in numpy.

    The same algorithm as networkx.spring_layout(method="force"), with the all-pairs
    repulsion vectorised in row blocks: networkx's sparse variant loops in Python and took
    51 s for 2,060 nodes, this takes about a second. A weak pull to the centre keeps
    isolated nodes and small components in view.
    """
    import numpy as np

    n = len(view.nodes)
    if n == 0:
        return {}
    index = {x: i for i, x in enumerate(view.nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in view.edges
                      if a in index and b in index and a != b], dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    cool = temperature / (iterations + 1)
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
        for start in range(0, n, block):
            dx = x[start:start + block, None] - x[None, :]
            dy = y[start:start + block, None] - y[None, :]
            inv = dx * dx
            inv += dy * dy
            np.maximum(inv, 1e-6, out=inv)
            np.divide(k * k, inv, out=inv)
            disp[start:start + block, 0] += np.einsum("ij,ij->i", dx, inv)
            disp[start:start + block, 1] += np.einsum("ij,ij->i", dy, inv)
        if len(src):
            delta = pos[src] - pos[dst]
            pull = delta * (np.sqrt((delta * delta).sum(axis=1)) / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        disp -= (pos - pos.mean(axis=0)) * (0.5 * k * math.sqrt(n))
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cool
    pos -= pos.mean(axis=0)
    extent = float(np.abs(pos).max()) or 1.0
    scale = max(60 * math.sqrt(n), 320) / extent
    return {x: (round(float(pos[i, 0]) * scale, 1), round(float(pos[i, 1]) * scale, 1))
            for x, i in index.items()}




ASPECT = 1.5


def overview_layout(model: Model, view: View, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Lay out the places and routes alone, so the overview reads as if nothing else were
    there; each hidden node (commodity, agreement…) waits beside the mean of its placed
    neighbours, ready to be opened, or in a ring outside when it has none."""
    import numpy as np

    def group(n: str) -> str:
        e = model.entities.get(n)
        return e.group if e else "other"

    shown = [n for n in view.nodes if group(n) not in DETAIL_GROUPS]
    keep = set(shown)
    core = View(shown, {k: v for k, v in view.edges.items() if k[0] in keep and k[1] in keep},
                [], {})
    pos = layout(core, seed=seed) if len(shown) > 2 else {n: (0.0, 0.0) for n in shown}
    # Wide like the window (1400×900), so the fitted overview fills it and labels grow.
    pos = {n: (round(x * ASPECT, 1), y) for n, (x, y) in pos.items()}
    neighbours: dict[str, list[str]] = {}
    for a, b in view.edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    rng = np.random.default_rng(seed)
    extent = max((max(abs(x), abs(y)) for x, y in pos.values()), default=300.0) or 300.0
    rest = [n for n in view.nodes if n not in keep]
    for i, n in enumerate(rest):
        near = [pos[m] for m in neighbours.get(n, ()) if m in pos]
        if near:
            x = sum(p[0] for p in near) / len(near) + float(rng.normal(0, 60))
            y = sum(p[1] for p in near) / len(near) + float(rng.normal(0, 60))
        else:
            a = 2 * math.pi * i / max(1, len(rest))
            x, y = 1.2 * extent * math.cos(a), 1.2 * extent * math.sin(a)
        pos[n] = (round(x, 1), round(y, 1))
    return pos
