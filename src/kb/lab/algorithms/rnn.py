"""LSTM and GRU cells written out gate by gate, with PyTorch's weight layout.

The weights are the ones ``torch.nn.LSTMCell`` / ``torch.nn.GRUCell`` hold, so a cell
of this module and the library's can be compared number for number: ``weight_ih`` is
``(G * hidden, input)`` and ``weight_hh`` is ``(G * hidden, hidden)``, with the gate
blocks stacked in PyTorch's order, ``(i, f, g, o)`` for the LSTM and ``(r, z, n)`` for
the GRU.
"""

from __future__ import annotations

import torch


def lstm_cell(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, weight_ih: torch.Tensor,
              weight_hh: torch.Tensor, bias_ih: torch.Tensor, bias_hh: torch.Tensor
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step: gates from ``x`` and ``h``, then the additive cell-state update.

    Returns:
        ``(h_next, c_next)``.
    """
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    i, f, g, o = gates.chunk(4, dim=-1)
    i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # input, forget, output gates
    g = torch.tanh(g)  # candidate content
    c_next = f * c + i * g  # keep part of the old memory, write part of the new
    h_next = o * torch.tanh(c_next)  # expose part of the memory
    return h_next, c_next


def gru_cell(x: torch.Tensor, h: torch.Tensor, weight_ih: torch.Tensor, weight_hh: torch.Tensor,
             bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> torch.Tensor:
    """One GRU step, as PyTorch defines it: the reset gate scales ``W_hn h + b_hn``.

    (Cho et al., 2014 apply the reset gate to ``h`` before the matrix product; the two
    variants differ only in where ``r`` enters.)
    """
    x_r, x_z, x_n = (x @ weight_ih.T + bias_ih).chunk(3, dim=-1)
    h_r, h_z, h_n = (h @ weight_hh.T + bias_hh).chunk(3, dim=-1)
    r = torch.sigmoid(x_r + h_r)  # reset gate: how much of the past feeds the candidate
    z = torch.sigmoid(x_z + h_z)  # update gate: how much of the past is kept
    n = torch.tanh(x_n + r * h_n)  # candidate state
    return (1 - z) * n + z * h


def run_lstm(xs: torch.Tensor, cell: torch.nn.LSTMCell) -> torch.Tensor:
    """Unroll :func:`lstm_cell` over ``xs`` of shape ``(T, batch, input)`` with ``cell``'s weights.

    Returns:
        The hidden states, shape ``(T, batch, hidden)``.
    """
    h = c = xs.new_zeros(xs.shape[1], cell.hidden_size)
    out = []
    for x in xs:
        h, c = lstm_cell(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        out.append(h)
    return torch.stack(out)
