import torch
from torch import nn

from kb.lab.adversarial import accuracy, fgsm, train

torch.set_num_threads(1)  # tiny models: threads only add overhead and nondeterminism


def _data():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400, 2, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return x, y


def test_fgsm_perturbation_is_bounded_and_follows_gradient_sign():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
        model.bias.zero_()
    x = torch.tensor([[1.0, 0.0]])
    x_adv = fgsm(model, x, torch.tensor([0]), epsilon=0.1)
    # raising the loss of class 0 means lowering logit 0 and raising logit 1
    assert torch.allclose(x_adv - x, torch.tensor([[-0.1, 0.1]]))
    assert model.weight.grad is None


def test_fgsm_lowers_accuracy_and_adversarial_training_helps():
    torch.manual_seed(0)
    x, y = _data()
    std = train(nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2)), x, y,
                epochs=20, batch_size=100, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    adv = train(nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2)), x, y,
                epochs=20, batch_size=100, adv_epsilon=0.3, generator=torch.Generator().manual_seed(0))
    assert accuracy(std, x, y) > 0.95
    acc_std = accuracy(std, fgsm(std, x, y, 0.3), y)
    acc_adv = accuracy(adv, fgsm(adv, x, y, 0.3), y)
    assert acc_std < accuracy(std, x, y)
    assert acc_adv > acc_std


def test_fgsm_clip_keeps_valid_range():
    model = nn.Linear(3, 2)
    x = torch.tensor([[0.0, 0.5, 1.0]])
    x_adv = fgsm(model, x, torch.tensor([1]), epsilon=0.3, clip=(0.0, 1.0))
    assert x_adv.min() >= 0.0 and x_adv.max() <= 1.0
