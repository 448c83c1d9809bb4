"""Hand-written LSTM and GRU cells equal PyTorch's, step by step and unrolled."""

import torch

from kb.lab.algorithms.rnn import gru_cell, lstm_cell, run_lstm


def test_lstm_cell_matches_torch_lstmcell():
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(5, 7).double()
    x, h, c = torch.randn(3, 5).double(), torch.randn(3, 7).double(), torch.randn(3, 7).double()
    h_ref, c_ref = cell(x, (h, c))
    h_mine, c_mine = lstm_cell(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    assert torch.allclose(h_mine, h_ref, atol=1e-12) and torch.allclose(c_mine, c_ref, atol=1e-12)


def test_gru_cell_matches_torch_grucell():
    torch.manual_seed(1)
    cell = torch.nn.GRUCell(4, 6).double()
    x, h = torch.randn(2, 4).double(), torch.randn(2, 6).double()
    mine = gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    assert torch.allclose(mine, cell(x, h), atol=1e-12)


def test_unrolled_lstm_matches_nn_lstm_over_a_sequence():
    torch.manual_seed(2)
    lstm = torch.nn.LSTM(3, 8).double()
    cell = torch.nn.LSTMCell(3, 8).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, f"{name}_l0"))
    xs = torch.randn(40, 2, 3).double()
    assert torch.allclose(run_lstm(xs, cell), lstm(xs)[0], atol=1e-10)
