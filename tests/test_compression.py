import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from kb.lab.compression import (
    accuracy,
    digits_tensors,
    distillation_loss,
    mlp,
    sparsity,
    state_dict_bytes,
    train,
)


def test_digits_split_shapes():
    x_tr, x_te, y_tr, y_te = digits_tensors()
    assert x_tr.shape[1] == 64 and len(x_tr) + len(x_te) == 1797
    assert x_tr.dtype == torch.float32 and y_tr.dtype == torch.int64
    assert 0.0 <= float(x_tr.min()) and float(x_tr.max()) <= 1.0


def test_mlp_seeded():
    a, b = mlp(8, seed=1), mlp(8, seed=1)
    assert torch.equal(a[0].weight, b[0].weight)


def test_kd_loss_zero_soft_term_when_logits_match():
    logits = torch.randn(5, 3)
    labels = torch.tensor([0, 1, 2, 0, 1])
    loss = distillation_loss(logits, logits, labels, temperature=3.0, alpha=0.7)
    assert torch.allclose(loss, 0.3 * F.cross_entropy(logits, labels), atol=1e-6)


def test_kd_loss_alpha_one_is_scaled_kl():
    s, t = torch.randn(4, 5), torch.randn(4, 5)
    T = 2.0
    kl = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")
    loss = distillation_loss(s, t, torch.zeros(4, dtype=torch.long), temperature=T, alpha=1.0)
    assert torch.allclose(loss, T * T * kl)


def test_train_and_accuracy_learns_digits():
    x_tr, x_te, y_tr, y_te = digits_tensors()
    model = train(mlp(16), x_tr, y_tr, epochs=60)
    assert accuracy(model, x_te, y_te) > 0.85


def test_sparsity_and_size():
    model = nn.Sequential(nn.Linear(4, 4))
    with torch.no_grad():
        model[0].weight[:2] = 0
    assert sparsity(model) == 0.5
    assert state_dict_bytes(model) > 4 * 4 * 4
