"""IoU and non-maximum suppression (NMS) from scratch, for axis-aligned boxes.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 < x2`` and ``y1 < y2`` in continuous coordinates
(area = width x height, no "+1" pixel convention), as in ``torchvision.ops``.
"""

from __future__ import annotations

import numpy as np


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Areas of ``(n, 4)`` boxes."""
    boxes = np.asarray(boxes, dtype=float)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise intersection over union of ``(n, 4)`` and ``(m, 4)`` boxes, shape ``(n, m)``.

    IoU = |A ∩ B| / |A ∪ B| = inter / (area_a + area_b - inter). The intersection's
    width and height are clipped at 0, so disjoint boxes give 0, not a negative area.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (box_area(a)[:, None] + box_area(b)[None, :] - inter)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy NMS: keep the best box, drop the boxes overlapping it by more than the threshold, repeat.

    Args:
        boxes: ``(n, 4)`` boxes.
        scores: ``(n,)`` confidence scores.
        iou_threshold: Boxes with IoU **greater** than this with a kept box are removed
            (``torchvision.ops.nms`` uses the same rule).

    Returns:
        Indices of the kept boxes, by decreasing score (ties keep the lower index first).
    """
    boxes = np.asarray(boxes, dtype=float)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        overlap = box_iou(boxes[best:best + 1], boxes[rest])[0]
        order = rest[overlap <= iou_threshold]  # one vectorised pass per kept box
    return np.array(keep, dtype=int)


def batched_nms(boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Class-aware NMS: boxes of different classes never suppress each other.

    Shifts each class's boxes by its own offset (larger than every coordinate), so boxes of
    different classes cannot overlap, and runs :func:`nms` once.
    """
    boxes = np.asarray(boxes, dtype=float)
    if boxes.size == 0:
        return np.zeros(0, dtype=int)
    offset = np.asarray(labels, dtype=float)[:, None] * (boxes.max() + 1)
    return nms(boxes + offset, scores, iou_threshold)


def soft_nms(boxes: np.ndarray, scores: np.ndarray, sigma: float = 0.5,
             score_threshold: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian Soft-NMS (Bodla et al., 2017): decay overlapping scores instead of deleting boxes.

    After picking the highest-scoring box ``M``, every remaining score becomes
    ``s_i * exp(-IoU(M, b_i)**2 / sigma)``; boxes whose score falls below
    ``score_threshold`` are dropped.

    Returns:
        ``(kept indices in pick order, their decayed scores)``.
    """
    boxes = np.asarray(boxes, dtype=float)
    live = np.asarray(scores, dtype=float).copy()
    remaining = list(range(len(boxes)))
    keep, kept_scores = [], []
    while remaining:
        best = max(remaining, key=lambda i: (live[i], -i))
        remaining.remove(best)
        if live[best] < score_threshold:
            break
        keep.append(best)
        kept_scores.append(live[best])
        if remaining:
            overlap = box_iou(boxes[best:best + 1], boxes[remaining])[0]
            live[remaining] *= np.exp(-overlap**2 / sigma)
    return np.array(keep, dtype=int), np.array(kept_scores)
