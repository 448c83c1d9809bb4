"""IoU and NMS from scratch, checked by hand-worked cases and a brute-force NMS."""

import numpy as np
import pytest

from kb.lab.algorithms.detection import batched_nms, box_iou, nms, soft_nms


def scalar_iou(a, b):
    """IoU of two boxes written the slow, obvious way."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def brute_force_nms(boxes, scores, thr):
    """Visit boxes best first; keep one unless a kept box overlaps it by more than thr."""
    order = sorted(range(len(boxes)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if all(scalar_iou(boxes[i], boxes[k]) <= thr for k in keep):
            keep.append(i)
    return keep


def random_boxes(rng, n):
    xy = rng.uniform(0, 50, size=(n, 2))
    wh = rng.uniform(5, 30, size=(n, 2))
    return np.hstack([xy, xy + wh])


def test_iou_of_hand_worked_boxes():
    a = np.array([[0, 0, 2, 2]])
    b = np.array([[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6], [2, 0, 4, 2]])
    # overlap 1x1: 1 / (4 + 4 - 1); identical; disjoint; touching edge only
    assert box_iou(a, b)[0] == pytest.approx([1 / 7, 1.0, 0.0, 0.0])


def test_pairwise_iou_matches_the_scalar_definition_and_is_symmetric():
    rng = np.random.default_rng(0)
    a, b = random_boxes(rng, 20), random_boxes(rng, 15)
    matrix = box_iou(a, b)
    expected = np.array([[scalar_iou(x, y) for y in b] for x in a])
    assert np.abs(matrix - expected).max() < 1e-12
    assert np.allclose(box_iou(b, a), matrix.T)


@pytest.mark.parametrize("thr", [0.0, 0.3, 0.5, 0.7, 1.0])
def test_nms_equals_brute_force_on_random_boxes(thr):
    rng = np.random.default_rng(1)
    for _ in range(20):
        boxes, scores = random_boxes(rng, 40), rng.uniform(size=40)
        assert nms(boxes, scores, thr).tolist() == brute_force_nms(boxes, scores, thr)


def test_nms_breaks_score_ties_by_index_and_handles_no_boxes():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10]])
    assert nms(boxes, np.array([0.5, 0.5]), 0.5).tolist() == [0]
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).tolist() == []


def test_batched_nms_never_suppresses_across_classes():
    rng = np.random.default_rng(2)
    boxes, scores = random_boxes(rng, 60), rng.uniform(size=60)
    labels = rng.integers(0, 3, size=60)
    kept = set(batched_nms(boxes, scores, labels, 0.4).tolist())
    expected = set()
    for c in range(3):
        idx = np.flatnonzero(labels == c)
        expected |= {int(idx[k]) for k in nms(boxes[idx], scores[idx], 0.4)}
    assert kept == expected


def test_soft_nms_keeps_an_overlapping_object_that_hard_nms_drops():
    boxes = np.array([[0, 0, 10, 10], [3, 0, 13, 10]])  # IoU = 70 / 130 ≈ 0.54
    scores = np.array([0.9, 0.8])
    assert nms(boxes, scores, 0.5).tolist() == [0]
    keep, decayed = soft_nms(boxes, scores, sigma=0.5)
    assert keep.tolist() == [0, 1]
    assert decayed[1] == pytest.approx(0.8 * np.exp(-(70 / 130) ** 2 / 0.5))
