"""Round 12: 8 long-budget tasks, to relate the best constant LR of a long training to a short LR test.

Written blind in a clone of the repo, as rounds 7 to 11 were, by a helper that had not read the suggestion
benchmark, the range test's benchmarks or results, or the tuner's code. Each training is long (budgets 1000
to 2000 optimizer steps) and each optimizer step cheap (at most about 3 ms on one CPU thread), so a whole
training takes a few seconds. The families and optimizers are those a long training would use, Adam-family
on most:

1. ``cnn_bn_digits_adamw`` (tuning): a BatchNorm CNN on digits, AdamW wd 0.05, batch 32, 1450 steps.
2. ``transformer_sort_adam`` (validation): a one-block pre-LN Transformer encoder sorting 10 tokens, Adam,
   batch 32, 1850 steps.
3. ``gru_recall_rmsprop`` (tuning): a GRU recalling the token at a marked position 6 to 10 steps back,
   RMSprop, batch 32, 1300 steps.
4. ``friedman_tanh_mlp_nesterov_b16`` (validation): a tanh MLP on Friedman #1 (noise 1), SGD Nesterov, batch
   16, 2000 steps.
5. ``noisy_tabular_sgdm_b8`` (tuning): an MLP on a 5-class tabular set with 30% label noise, SGD-momentum +
   weight decay, batch 8, 1600 steps.
6. ``lstm_lorenz_nadam`` (validation): an LSTM forecasting the next value of a noisy Lorenz series at every
   step, NAdam, batch 32, 1150 steps.
7. ``dense_ae_digits_adam`` (tuning): a dense autoencoder 64-128-32-8 on digits, BCE on the grey levels,
   Adam, batch 32, 1750 steps.
8. ``ln_resmlp_spirals_adagrad`` (validation): a residual MLP with LayerNorm (pre-LN blocks) on 5 noisy
   spirals, Adagrad, batch 64, 1000 steps.

The split (:data:`SPLIT`) was fixed before any training at more than one LR: it alternates by the order
above (1st tuning, 2nd validation, ...), and the order was written so that each half has a mix: tuning
holds a CNN, a GRU, a tabular MLP and an autoencoder with AdamW, RMSprop, SGD-momentum and Adam (mean budget
1525 steps); validation holds a Transformer, a regression MLP, an LSTM and a LayerNorm MLP with Adam,
Nesterov, NAdam and Adagrad (mean budget 1500 steps). Each half has one recurrent net, one small-batch
(8 or 16) task and two Adam-family optimizers (AdamW and Adam; Adam and NAdam).

The data are generated with fixed seeds or are scikit-learn's embedded digits; a seed sets the model's
init (``torch.manual_seed(seed)`` before ``build``) and the data order (``loader_offset`` + the seed, as in
``blind_tasks.make_loader``). No LR was searched on any task: each was only checked, on seed 0 and a plain
constant-LR loop, at a low, a middle and a high LR fixed beforehand per optimizer (Adam-family and RMSprop
1e-4, 1e-3, 3e-2; SGD-momentum, Nesterov and Adagrad 1e-3, 1e-2, 0.3), and at 0.3 on the three tasks whose
3e-2 was not worse than 1e-3 (the CNN, the GRU, the LSTM: 0.3 was worse on each). One step took 0.7 to 2.9 ms
on one thread of the (shared, loaded) 2-core machine.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
import torch.nn.functional as F
from blind_tasks import Batch, Task, Tensors, _adam, _nadam, _nesterov
from torch import nn

__all__ = ["SPLIT", "TASKS"]

#: round 12's data seed
DATA_SEED = 1212
#: added to the seed to seed the data order's generator
LOADER_OFFSET = 70_000


def _ce(model: nn.Module, batch: Batch) -> torch.Tensor:
    """Cross-entropy over the last dimension (one label per example or per position)."""
    x, y = batch
    out = model(x)
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))


def _mse(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.mse_loss(model(x), y)


def _split(n_train: int, *arrays: torch.Tensor) -> tuple[Tensors, Tensors]:
    return tuple(a[:n_train] for a in arrays), tuple(a[n_train:] for a in arrays)


def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 1797 embedded 8x8 digits, grey levels / 16, in a fixed shuffled order."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data, dtype=torch.float32) / 16.0
    y = torch.tensor(d.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(DATA_SEED))
    return x[perm], y[perm]


# 1. BatchNorm CNN on digits, AdamW ---------------------------------------------------------------------
def build_cnn_bn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )


def data_digits_img() -> tuple[Tensors, Tensors]:
    x, y = _digits()
    return _split(1297, x.reshape(-1, 1, 8, 8), y)


def _adamw_005(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, weight_decay=0.05)


# 2. Transformer block sorting tokens, Adam -------------------------------------------------------------
class PreLNBlock(nn.Module):
    """A pre-LN Transformer encoder block: multi-head self-attention (no mask) and a ReLU FFN, each residual."""

    def __init__(self, d: int, heads: int, ffn: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ffn), nn.ReLU(), nn.Linear(ffn, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, n, d)
        x = x + self.proj(att)
        return x + self.ffn(self.norm2(x))


class SortTransformer(nn.Module):
    V, L = 10, 10

    def __init__(self) -> None:
        super().__init__()
        d = 32
        self.emb = nn.Embedding(self.V, d)
        self.pos = nn.Parameter(torch.randn(self.L, d) * 0.1)
        self.block = PreLNBlock(d, heads=2, ffn=64)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, self.V)

    def forward(self, tok: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.block(self.emb(tok) + self.pos)))


def data_sort() -> tuple[Tensors, Tensors]:
    """Random strings of 10 tokens out of 10; the target at position i is the i-th smallest token."""
    g = torch.Generator().manual_seed(DATA_SEED + 2)
    tok = torch.randint(0, SortTransformer.V, (16384 + 2048, SortTransformer.L), generator=g)
    return _split(16384, tok, tok.sort(dim=1).values)


# 3. GRU recalling a marked token, RMSprop --------------------------------------------------------------
RECALL_V, RECALL_L = 8, 10


class GRURecall(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(RECALL_V + 1, 32, batch_first=True)
        self.head = nn.Linear(32, RECALL_V)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def data_recall() -> tuple[Tensors, Tensors]:
    """10 one-hot tokens out of 8 with a marker channel set at one step of the first half; the target is the
    token at the marked step (6 to 10 steps before the end)."""
    n = 8192 + 2048
    g = torch.Generator().manual_seed(DATA_SEED + 3)
    tok = torch.randint(0, RECALL_V, (n, RECALL_L), generator=g)
    at = torch.randint(0, RECALL_L // 2, (n,), generator=g)
    x = torch.zeros(n, RECALL_L, RECALL_V + 1)
    x[:, :, :RECALL_V] = F.one_hot(tok, RECALL_V).float()
    x[torch.arange(n), at, RECALL_V] = 1.0
    return _split(8192, x, tok[torch.arange(n), at])


def _rmsprop(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(p, lr=lr)


# 4. tanh MLP on Friedman #1, SGD Nesterov, batch 16 ----------------------------------------------------
def build_friedman_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def data_friedman() -> tuple[Tensors, Tensors]:
    """make_friedman1 (10 inputs, 5 used, noise 1), the inputs centred to [-1, 1], the target standardized
    with the training rows' mean and deviation; shape (n, 1) to match the net's output."""
    from sklearn.datasets import make_friedman1

    xf, yf = make_friedman1(n_samples=3000, n_features=10, noise=1.0, random_state=DATA_SEED + 4)
    yf = (yf - yf[:2400].mean()) / yf[:2400].std()
    x = torch.tensor(2.0 * xf - 1.0, dtype=torch.float32)
    y = torch.tensor(yf, dtype=torch.float32).unsqueeze(1)
    return _split(2400, x, y)


# 5. MLP on a tabular set with 30% label noise, SGD-momentum, batch 8 -----------------------------------
def build_tabular_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(24, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 5))


def data_noisy_tabular() -> tuple[Tensors, Tensors]:
    """make_classification (24 features, 10 informative, 5 classes), standardized with the training rows;
    30% of the training labels moved to another class at random, the validation labels clean."""
    from sklearn.datasets import make_classification

    xn, yn = make_classification(
        n_samples=2500,
        n_features=24,
        n_informative=10,
        n_redundant=6,
        n_classes=5,
        n_clusters_per_class=2,
        class_sep=1.2,
        random_state=DATA_SEED + 5,
    )
    xn = (xn - xn[:2000].mean(0)) / xn[:2000].std(0)
    rng = np.random.default_rng(DATA_SEED + 5)
    flip = rng.random(2000) < 0.3
    yn[:2000][flip] = (yn[:2000][flip] + rng.integers(1, 5, flip.sum())) % 5
    return _split(2000, torch.tensor(xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.long))


def _sgd_m_wd(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=1e-4)


# 6. LSTM forecasting a noisy Lorenz series, NAdam ------------------------------------------------------
class LSTMForecaster(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out)


def data_lorenz() -> tuple[Tensors, Tensors]:
    """The x coordinate of the Lorenz system (sigma 10, rho 28, beta 8/3; RK4, dt 0.01, every 3rd point),
    standardized, plus noise 0.05; windows of 24 inputs, the target at every step the next value. The
    training windows come from the first 80% of the series, the validation windows from the rest."""
    dt, every, n_pts, length = 0.01, 3, 12_000, 24

    def f(s: np.ndarray) -> np.ndarray:
        x, y, z = s
        return np.array([10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z])

    s = np.array([1.0, 1.0, 1.0])
    out = np.empty(n_pts)
    for i in range(500 + n_pts * every):  # 500 steps of burn-in onto the attractor
        k1 = f(s)
        k2 = f(s + 0.5 * dt * k1)
        k3 = f(s + 0.5 * dt * k2)
        k4 = f(s + dt * k3)
        s = s + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        j = i - 500
        if j >= 0 and j % every == 0:
            out[j // every] = s[0]
    out = (out - out.mean()) / out.std()
    out = out + 0.05 * np.random.default_rng(DATA_SEED + 6).standard_normal(n_pts)
    series = torch.tensor(out, dtype=torch.float32)

    def windows(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        w = a.unfold(0, length + 1, 1).unsqueeze(-1)  # overlapping windows, stride 1
        return w[:, :-1], w[:, 1:]

    cut = int(0.8 * n_pts)
    xtr, ytr = windows(series[:cut])
    xva, yva = windows(series[cut:])
    return (xtr, ytr), (xva, yva)


# 7. dense autoencoder on digits, Adam ------------------------------------------------------------------
def build_dense_ae() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Linear(128, 32),
        nn.ReLU(),
        nn.Linear(32, 8),
        nn.Linear(8, 32),
        nn.ReLU(),
        nn.Linear(32, 128),
        nn.ReLU(),
        nn.Linear(128, 64),
    )


def loss_ae(model: nn.Module, batch: Batch) -> torch.Tensor:
    """BCE of the reconstructed logits against the grey levels (in [0, 1]), summed over the 64 pixels."""
    (x,) = batch
    return F.binary_cross_entropy_with_logits(model(x), x, reduction="sum") / x.shape[0]


def data_digits_flat() -> tuple[Tensors, Tensors]:
    x, _ = _digits()
    return _split(1297, x)


# 8. residual MLP with LayerNorm on 5 spirals, Adagrad --------------------------------------------------
SPIRAL_ARMS = 5


class LNResMLP(nn.Module):
    def __init__(self, d: int = 64, blocks: int = 3) -> None:
        super().__init__()
        self.inp = nn.Linear(2, d)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(d), nn.Linear(d, d), nn.GELU(), nn.Linear(d, d)) for _ in range(blocks)
        )
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, SPIRAL_ARMS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        for block in self.blocks:
            h = h + block(h)
        return self.head(self.norm(h))


def data_spirals() -> tuple[Tensors, Tensors]:
    """5 interleaved spiral arms of 1.5 turns in the plane, radius 0.1 to 1, the angle jittered by 0.25 rad."""
    n = 4000 + 1000
    rng = np.random.default_rng(DATA_SEED + 8)
    arm = rng.integers(0, SPIRAL_ARMS, n)
    t = rng.random(n)
    r = 0.1 + 0.9 * t
    angle = 3.0 * np.pi * t + 2.0 * np.pi * arm / SPIRAL_ARMS + 0.25 * rng.standard_normal(n)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], 1)
    return _split(4000, torch.tensor(x, dtype=torch.float32), torch.tensor(arm, dtype=torch.long))


def _adagrad(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(p, lr=lr)


# === the tasks ========================================================================================

TASKS: tuple[Task, ...] = (
    Task(
        "cnn_bn_digits_adamw",
        12,
        "CNN 2 conv3x3-BN-ReLU (16/32 ch, max-pool between), GAP, linear, digits (pixels / 16, 1297 train), CE; "
        "AdamW wd 0.05, batch 32",
        1450,
        32,
        _adamw_005,
        build_cnn_bn,
        _ce,
        data_digits_img,
        LOADER_OFFSET,
    ),
    Task(
        "transformer_sort_adam",
        12,
        "Transformer encoder: 1 pre-LN block (d 32, 2 heads, ReLU FFN 64), final LayerNorm, learned positions, "
        "sorting strings of 10 tokens out of 10 (16k train), CE per position; Adam, batch 32",
        1850,
        32,
        _adam,
        SortTransformer,
        _ce,
        data_sort,
        LOADER_OFFSET,
    ),
    Task(
        "gru_recall_rmsprop",
        12,
        "GRU 32 + linear on the last state, recalling the token (of 8) at a marked step 6 to 10 steps back "
        "in 10 one-hot tokens (8k train), CE; RMSprop, batch 32",
        1300,
        32,
        _rmsprop,
        GRURecall,
        _ce,
        data_recall,
        LOADER_OFFSET,
    ),
    Task(
        "friedman_tanh_mlp_nesterov_b16",
        12,
        "MLP 10-64-64-1 tanh, Friedman #1 (noise 1, standardized target, 2400 train), MSE; SGD Nesterov m=0.9, "
        "batch 16",
        2000,
        16,
        _nesterov,
        build_friedman_mlp,
        _mse,
        data_friedman,
        LOADER_OFFSET,
    ),
    Task(
        "noisy_tabular_sgdm_b8",
        12,
        "MLP 24-64-64-5 ReLU, make_classification 5 classes (2000 train) with 30% of the training labels "
        "flipped, CE; SGD m=0.9 wd 1e-4, batch 8",
        1600,
        8,
        _sgd_m_wd,
        build_tabular_mlp,
        _ce,
        data_noisy_tabular,
        LOADER_OFFSET,
    ),
    Task(
        "lstm_lorenz_nadam",
        12,
        "LSTM 32 + linear at every step, next value of a noisy standardized Lorenz x series, 24-step windows "
        "(~9.6k train), MSE; NAdam, batch 32",
        1150,
        32,
        _nadam,
        LSTMForecaster,
        _mse,
        data_lorenz,
        LOADER_OFFSET,
    ),
    Task(
        "dense_ae_digits_adam",
        12,
        "dense autoencoder 64-128-32-8 / 8-32-128-64 ReLU (linear code), digits grey levels (1297 train), "
        "BCE with logits summed over pixels; Adam, batch 32",
        1750,
        32,
        _adam,
        build_dense_ae,
        loss_ae,
        data_digits_flat,
        LOADER_OFFSET,
    ),
    Task(
        "ln_resmlp_spirals_adagrad",
        12,
        "residual MLP: linear 2-64, 3 pre-LN blocks (LayerNorm, 64-64 GELU 64-64), LayerNorm, linear 64-5; "
        "5 noisy spiral arms (4000 train), CE; Adagrad, batch 64",
        1000,
        64,
        _adagrad,
        LNResMLP,
        _ce,
        data_spirals,
        LOADER_OFFSET,
    ),
)

#: each task's half, fixed before any training at more than one LR: alternating by the order of TASKS
SPLIT: dict[str, str] = {t.name: ("tuning" if i % 2 == 0 else "validation") for i, t in enumerate(TASKS)}
