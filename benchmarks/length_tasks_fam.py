"""Round 13: 16 long-budget tasks grouped by optimizer family (8 Adam-family, 4 SGD-family, 4 other adaptive).

Written blind in a clone of the repo, as rounds 7 to 12 were, by a helper that had not read the library, the
range test's benchmarks or results, or the suggestion benchmark. The set is grouped by optimizer family
(:data:`FAMILY`: ``"adam"``, ``"sgd"``, ``"other"``), to test whether the best constant LR of a long run
relates to a short LR test differently for different families. Each training is long (budgets 800 to 2000
optimizer steps) and each optimizer step cheap (about 1.5 ms or less on one CPU thread), so a whole training
takes at most about 3 s. The tasks, in the order of :data:`TASKS` (half, budget, batch, ms per step):

Adam family (8):

1. ``gn_cnn_digits_adam`` (tuning): a conv3x3 stride-2 + GroupNorm CNN on digits, Adam; 1200 steps, batch
   32, 1.3 ms.
2. ``attn_recall_adamw`` (validation): one-head attention from a query key over 8 key-value pair tokens
   (associative recall, 5% noisy targets), AdamW wd 0.01; 1800 steps, batch 32, 1.5 ms.
7. ``freq_lstm_nadam`` (tuning): an LSTM regressing the frequency of a noisy 10-step sinusoid, NAdam; 1500
   steps, batch 32, 1.5 ms.
8. ``latent_ae_radam`` (validation): a dense ELU autoencoder 32-64-4-64-32 on data from 4 latent factors
   (MSE), RAdam; 1000 steps, batch 32, 1.3 ms.
9. ``checkerboard_mlp_adam_b16`` (tuning): a ReLU MLP on a 4x4 checkerboard (5% flipped labels), Adam; 2000
   steps, batch 16, 0.9 ms.
10. ``logreg_adamax_b16`` (validation): multinomial logistic regression on an 8-class make_classification,
    Adamax; 800 steps, batch 16, 0.6 ms.
15. ``blobs_cnn_adamw`` (tuning): a 2-conv CNN without normalization counting 1 to 4 blobs in noisy 10x10
    images, AdamW wd 0.1; 1600 steps, batch 16, 1.4 ms.
16. ``friedman3_gelu_mlp_adam_b8`` (validation): a GELU MLP on Friedman #3, Adam betas (0.9, 0.99); 1200
    steps, batch 8, 1.0 ms.

SGD family (4):

3. ``illcond_linreg_sgd_b16`` (tuning): linear regression on ill-conditioned features (covariance eigenvalues
   6.5 to 0.024), plain SGD; 900 steps, batch 16, 0.5 ms.
4. ``shapes_bn_cnn_sgdm`` (validation): a conv3x3 + BatchNorm + avg-pool CNN on 5 noisy synthetic 10x10
   shapes, SGD m=0.9; 1400 steps, batch 16, 1.4 ms.
11. ``quantiles_bn_mlp_nesterov`` (tuning): a BatchNorm1d MLP on make_gaussian_quantiles, SGD Nesterov m=0.9
    wd 5e-4; 1700 steps, batch 64, 1.3 ms.
12. ``rings_tanh_mlp_sgdm_b8`` (validation): a tanh MLP on 3 noisy concentric rings, SGD m=0.9; 1300 steps,
    batch 8, 0.6 ms.

Other adaptive optimizers (4):

5. ``ar_lstm_rmsprop`` (tuning): an LSTM classifying 10-step series from 5 AR(2) processes, RMSprop; 1100
   steps, batch 32, 1.4 ms.
6. ``clicks_embed_mlp_adagrad`` (validation): embeddings of 4 categorical fields + 4 numbers into a ReLU MLP
   on synthetic click data (BCE, Bernoulli labels), Adagrad; 1600 steps, batch 64, 1.4 ms.
13. ``noisy_digits_gelu_mlp_rmsprop_m_b16`` (tuning): a GELU MLP on corrupted digits (noise, blanked pixels),
    RMSprop m=0.9; 1000 steps, batch 16, 1.0 ms.
14. ``delay_lstm_adadelta`` (validation): an LSTM tagging each step of one-hot tokens with the token 3 steps
    back (5% noisy targets), Adadelta; 1900 steps, batch 16, 1.4 ms.

The split (:data:`SPLIT`) was fixed in this file before any training at more than one LR: it alternates within
each family by the order of TASKS (a family's 1st task tuning, its 2nd validation, ...), so each half has 4
Adam-family, 2 SGD-family and 2 other tasks. Tuning holds a GroupNorm CNN, an LSTM regressor, an MLP, a plain
CNN, a linear regression, a BatchNorm MLP, an LSTM classifier and a GELU MLP (Adam twice, NAdam, AdamW; plain
SGD, Nesterov; RMSprop, RMSprop-momentum; mean budget 1375 steps); validation holds an attention model, an
autoencoder, a logistic regression, a GELU MLP, a BatchNorm CNN, a tanh MLP, an embedding MLP and an LSTM
tagger (AdamW, RAdam, Adamax, Adam; SGD-momentum twice; Adagrad, Adadelta; mean budget 1375 steps). Tuning
has 4 tasks at batch 16, validation 5 at batch 8 or 16; each half has two regressions and six
classifications.

The data are generated with fixed seeds (numpy or scikit-learn's make_* generators) or are scikit-learn's
embedded digits; nothing is downloaded; each task holds out a validation part. A seed sets the model's init
(``torch.manual_seed(seed)`` before ``build``) and the data order (``loader_offset`` + the seed, as in
``blind_tasks.make_loader``). No LR was searched on any task: each was only checked, on seed 0 and a plain
constant-LR loop, at three LRs fixed beforehand per optimizer (Adam family and RMSprop 1e-4, 1e-3, 3e-2; SGD
family and Adagrad 1e-3, 1e-2, 0.3; Adadelta 0.03, 0.3, 3): on every task the loss was finite and fell at two
or three of them, and none was solved within 20 steps. That check changed four tasks (the tasks, never the
LRs): the linear regression first had noise 10 on standardized columns (R^2 about 0.03: almost nothing to
learn, and the columns barely ill-conditioned), now noise 0.5 and one common input scale; the noisy-digits MLP
first had 1297 fixed corrupted rows and overfitted to a chance-level validation loss at 1e-3, now 4 corrupted
copies of each training digit; the attention task first had 6 pairs of 12 keys and was solved at every LR, now
8 pairs of 16 keys and 10 values; and, for speed, the two GRUs became LSTMs (nn.GRU took 2.2 to 4.3 ms a
step), the CNNs lost a layer or their max-pooling and the attention model its LayerNorms, MLP head and
biases. The ms per step above are the mean over a whole training (the DataLoader included) on one thread of
the shared 2-core machine (torch 2.13, CPU); the optimizers' per-tensor loops dominate the smallest models.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
import torch.nn.functional as F
from blind_tasks import (
    Batch,
    Task,
    Tensors,
    _adagrad,
    _adam,
    _adamax,
    _nadam,
    _radam,
    _rmsprop,
    _rmsprop_m,
    _sgd,
)
from length_tasks import _ce, _mse, _split
from torch import nn

__all__ = ["SPLIT", "TASKS"]

#: round 13's data seed
DATA_SEED = 1313
#: added to the seed to seed the data order's generator
LOADER_OFFSET = 80_000


def _f32(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float32)


def _i64(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.long)


def _standardize(a: np.ndarray, n_train: int) -> np.ndarray:
    """Standardized per column with the training rows' mean and deviation."""
    return (a - a[:n_train].mean(0)) / a[:n_train].std(0)


def _digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 embedded 8x8 digits, grey levels / 16, in a fixed shuffled order."""
    from sklearn.datasets import load_digits

    d = load_digits()
    perm = np.random.default_rng(DATA_SEED).permutation(len(d.target))
    return d.data[perm] / 16.0, d.target[perm]


# 1. GroupNorm CNN on digits, Adam ----------------------------------------------------------------------
def build_gn_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, stride=2, padding=1, bias=False),
        nn.GroupNorm(4, 16),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )


def data_digits_img() -> tuple[Tensors, Tensors]:
    x, y = _digits()
    return _split(1297, _f32(x).reshape(-1, 1, 8, 8), _i64(y))


# 2. attention on key-value pairs (associative recall), AdamW -------------------------------------------
RECALL_KEYS, RECALL_VALUES, RECALL_PAIRS = 16, 10, 8


class AttentionRecall(nn.Module):
    """Each pair is one token (key embedding + value embedding, one table for both); the query (the key asked
    for, the keys' embedding) attends over the pairs (one head, scaled dot product, bias-free projections), and
    a linear head on the attention's output gives the value's logits."""

    def __init__(self, d: int = 24) -> None:
        super().__init__()
        self.emb = nn.Embedding(RECALL_KEYS + RECALL_VALUES, d)
        self.q = nn.Linear(d, d, bias=False)
        self.kv = nn.Linear(d, 2 * d, bias=False)
        self.head = nn.Linear(d, RECALL_VALUES)

    def forward(self, tok: torch.Tensor) -> torch.Tensor:
        # tok: (b, 2 * pairs + 1): the keys, the values, the query key
        keys, vals, query = tok[:, :RECALL_PAIRS], tok[:, RECALL_PAIRS:-1], tok[:, -1:]
        mem = self.emb(keys) + self.emb(vals + RECALL_KEYS)
        qry = self.emb(query)
        k, v = self.kv(mem).chunk(2, -1)
        att = F.scaled_dot_product_attention(self.q(qry), k, v)
        return self.head(att[:, 0])


def data_recall() -> tuple[Tensors, Tensors]:
    """8 pairs of distinct keys (of 16) with values (of 10), then one of the 8 keys; the target is its value.
    5% of the training targets are replaced by a random value."""
    n, n_train = 12_000 + 2000, 12_000
    rng = np.random.default_rng(DATA_SEED + 2)
    keys = np.argsort(rng.random((n, RECALL_KEYS)), 1)[:, :RECALL_PAIRS]
    vals = rng.integers(0, RECALL_VALUES, (n, RECALL_PAIRS))
    which = rng.integers(0, RECALL_PAIRS, n)
    y = vals[np.arange(n), which]
    noisy = rng.random(n_train) < 0.05
    y[:n_train][noisy] = rng.integers(0, RECALL_VALUES, noisy.sum())
    tok = np.concatenate([keys, vals, keys[np.arange(n), which][:, None]], 1)
    return _split(n_train, _i64(tok), _i64(y))


def _adamw_001(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, weight_decay=0.01)


# 3. linear regression on ill-conditioned features, plain SGD, batch 16 ---------------------------------
def build_linear() -> nn.Module:
    return nn.Linear(30, 1)


def data_illcond() -> tuple[Tensors, Tensors]:
    """make_regression (30 features of effective rank 6, tail strength 0.1, noise 0.5: R^2 about 0.9), the
    inputs centred and divided by one common deviation (so the covariance keeps its eigenvalues, 6.5 down to
    0.024), the target standardized, both with the training rows; target shape (n, 1)."""
    from sklearn.datasets import make_regression

    x, y = make_regression(
        n_samples=3000,
        n_features=30,
        n_informative=20,
        effective_rank=6,
        tail_strength=0.1,
        noise=0.5,
        random_state=DATA_SEED + 3,
    )
    x = (x - x[:2400].mean(0)) / x[:2400].std()
    return _split(2400, _f32(x), _f32(_standardize(y, 2400)).unsqueeze(1))


# 4. BatchNorm CNN on synthetic shapes, SGD-momentum, batch 16 ------------------------------------------
SHAPE_SIZE = 10


def build_bn_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 5),
    )


def data_shapes() -> tuple[Tensors, Tensors]:
    """10x10 images of one shape of 5 (square outline, filled disc, plus, X, a pair of parallel bars) of random
    size (radius 2 to 3) and position, random contrast 0.6 to 1.2, plus Gaussian noise 0.4."""
    n, n_train = 5000 + 1000, 5000
    rng = np.random.default_rng(DATA_SEED + 4)
    yy, xx = np.mgrid[0:SHAPE_SIZE, 0:SHAPE_SIZE]
    imgs = np.zeros((n, SHAPE_SIZE, SHAPE_SIZE))
    label = rng.integers(0, 5, n)
    for i in range(n):
        r = int(rng.integers(2, 4))
        cy, cx = rng.integers(r, SHAPE_SIZE - r, 2)
        dy, dx = yy - cy, xx - cx
        inside = (np.abs(dy) <= r) & (np.abs(dx) <= r)
        if label[i] == 0:
            m = inside & ((np.abs(dy) == r) | (np.abs(dx) == r))
        elif label[i] == 1:
            m = dy**2 + dx**2 <= r * r + 0.5
        elif label[i] == 2:
            m = inside & ((dy == 0) | (dx == 0))
        elif label[i] == 3:
            m = inside & ((dy == dx) | (dy == -dx))
        else:
            m = inside & ((np.abs(dy) == r) if rng.random() < 0.5 else (np.abs(dx) == r))
        imgs[i] = m * rng.uniform(0.6, 1.2)
    imgs += 0.4 * rng.standard_normal(imgs.shape)
    return _split(n_train, _f32(imgs).unsqueeze(1), _i64(label))


def _momentum(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9)


# 5. LSTM classifying AR(2) series, RMSprop -------------------------------------------------------------
AR_LEN = 10
#: (a1, a2) of x_t = a1 x_{t-1} + a2 x_{t-2} + e_t, one process per class
AR_COEFS = ((0.5, 0.3), (1.2, -0.6), (-0.4, 0.4), (0.0, -0.7), (0.9, -0.2))


class LSTMClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(1, 16, batch_first=True)
        self.head = nn.Linear(16, len(AR_COEFS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.rnn(x)
        return self.head(h[-1])


def data_ar() -> tuple[Tensors, Tensors]:
    """Series of 10 steps from 5 AR(2) processes (one per class), each scaled by a random gain 0.5 to 2 and
    with observation noise 0.3; shape (n, 10, 1)."""
    n, n_train = 8000 + 2000, 8000
    rng = np.random.default_rng(DATA_SEED + 5)
    label = rng.integers(0, len(AR_COEFS), n)
    a = np.array(AR_COEFS)[label]
    burn = 20
    x = np.zeros((n, burn + AR_LEN))
    e = rng.standard_normal(x.shape)
    for t in range(2, burn + AR_LEN):
        x[:, t] = a[:, 0] * x[:, t - 1] + a[:, 1] * x[:, t - 2] + e[:, t]
    x = x[:, burn:] / x[:, burn:].std()
    x = x * rng.uniform(0.5, 2.0, (n, 1)) + 0.3 * rng.standard_normal((n, AR_LEN))
    return _split(n_train, _f32(x).unsqueeze(-1), _i64(label))


# 6. embeddings + MLP on synthetic click data, Adagrad --------------------------------------------------
CTR_CARDS = (24, 60, 12, 150)  # levels of the four categorical fields
CTR_NUM = 4  # numeric columns


class EmbedMLP(nn.Module):
    def __init__(self, dim: int = 8) -> None:
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(c, dim) for c in CTR_CARDS)
        self.mlp = nn.Sequential(
            nn.Linear(len(CTR_CARDS) * dim + CTR_NUM, 64),
            nn.ReLU(),
            nn.Linear(64, 32),
            nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cats = [emb(x[:, i].long()) for i, emb in enumerate(self.embs)]
        return self.mlp(torch.cat([*cats, x[:, len(CTR_CARDS) :]], 1)).squeeze(1)


def loss_bce(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.binary_cross_entropy_with_logits(model(x), y)


def data_clicks() -> tuple[Tensors, Tensors]:
    """Four categorical fields (Zipf-like level frequencies) and four Gaussian numbers; the click's logit is
    a sum of per-level effects, an interaction of fields 0 and 1, and a nonlinear function of the numbers;
    the labels are Bernoulli draws (noisy). The columns are stored as floats (the level ids first)."""
    n, n_train = 20_000 + 4000, 20_000
    rng = np.random.default_rng(DATA_SEED + 6)
    cols, logit = [], np.full(n, -0.5)
    for c in CTR_CARDS:
        p = 1.0 / np.arange(1, c + 1) ** 0.8
        lev = rng.choice(c, n, p=p / p.sum())
        logit += rng.normal(0.0, 0.8, c)[lev]
        cols.append(lev)
    inter = rng.normal(0.0, 1.0, (CTR_CARDS[0], CTR_CARDS[1]))
    logit += inter[cols[0], cols[1]]
    num = rng.standard_normal((n, CTR_NUM))
    logit += np.sin(2.0 * num[:, 0]) + num[:, 1] * num[:, 2] - 0.5 * np.abs(num[:, 3])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
    x = np.concatenate([np.stack(cols, 1).astype(np.float64), num], 1)
    return _split(n_train, _f32(x), _f32(y))


# 7. LSTM regressing a noisy sinusoid's frequency, NAdam ------------------------------------------------
FREQ_LEN = 10


class LSTMRegressor(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(1, 16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.rnn(x)
        return self.head(h[-1])


def data_freq() -> tuple[Tensors, Tensors]:
    """10 samples of a sinusoid (frequency 0.05 to 0.35 cycles per step, random phase, amplitude 0.5 to 1.5)
    plus noise 0.3; the target is the frequency, standardized; shapes (n, 10, 1) and (n, 1)."""
    n, n_train = 10_000 + 2000, 10_000
    rng = np.random.default_rng(DATA_SEED + 7)
    f = rng.uniform(0.05, 0.35, n)
    t = np.arange(FREQ_LEN)
    x = rng.uniform(0.5, 1.5, (n, 1)) * np.sin(2 * np.pi * f[:, None] * t + rng.uniform(0, 2 * np.pi, (n, 1)))
    x += 0.3 * rng.standard_normal(x.shape)
    y = (f - f[:n_train].mean()) / f[:n_train].std()
    return _split(n_train, _f32(x).unsqueeze(-1), _f32(y).unsqueeze(1))


# 8. autoencoder on data from 4 latent factors, RAdam ---------------------------------------------------
LATENT_IN = 32


def build_latent_ae() -> nn.Module:
    return nn.Sequential(
        nn.Linear(LATENT_IN, 64),
        nn.ELU(),
        nn.Linear(64, 4),
        nn.Linear(4, 64),
        nn.ELU(),
        nn.Linear(64, LATENT_IN),
    )


def loss_recon(model: nn.Module, batch: Batch) -> torch.Tensor:
    (x,) = batch
    return F.mse_loss(model(x), x)


def data_latent() -> tuple[Tensors, Tensors]:
    """32 columns made from 4 Gaussian latent factors by a random 2-layer tanh map, plus noise 0.1, then
    standardized with the training rows."""
    n, n_train = 6000 + 1500, 6000
    rng = np.random.default_rng(DATA_SEED + 8)
    z = rng.standard_normal((n, 4))
    h = np.tanh(z @ rng.normal(0.0, 1.0, (4, 16)) + rng.normal(0.0, 0.5, 16))
    x = h @ rng.normal(0.0, 1.0 / 4.0, (16, LATENT_IN)) + 0.1 * rng.standard_normal((n, LATENT_IN))
    return _split(n_train, _f32(_standardize(x, n_train)))


# 9. ReLU MLP on a 4x4 checkerboard, Adam, batch 16 -----------------------------------------------------
def build_checker_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))


def data_checkerboard() -> tuple[Tensors, Tensors]:
    """Points uniform in [-1, 1]^2 labelled by the colour of a 4x4 checkerboard; 5% of the training labels
    flipped."""
    n, n_train = 4000 + 1000, 4000
    rng = np.random.default_rng(DATA_SEED + 9)
    x = rng.uniform(-1.0, 1.0, (n, 2))
    cell = np.floor((x + 1.0) * 2.0).astype(int)
    y = (cell[:, 0] + cell[:, 1]) % 2
    flip = rng.random(n_train) < 0.05
    y[:n_train][flip] = 1 - y[:n_train][flip]
    return _split(n_train, _f32(x), _i64(y))


# 10. multinomial logistic regression, Adamax, batch 16 ------------------------------------------------
def build_logreg() -> nn.Module:
    return nn.Linear(40, 8)


def data_logreg() -> tuple[Tensors, Tensors]:
    """make_classification (40 features, 16 informative, 8 redundant, 8 classes, 5% of the labels random),
    standardized with the training rows."""
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=5000,
        n_features=40,
        n_informative=16,
        n_redundant=8,
        n_classes=8,
        n_clusters_per_class=1,
        class_sep=0.8,
        flip_y=0.05,
        random_state=DATA_SEED + 10,
    )
    return _split(4000, _f32(_standardize(x, 4000)), _i64(y))


# 11. BatchNorm MLP on Gaussian quantiles, SGD Nesterov -------------------------------------------------
def build_bn_mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(6, 64),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.Linear(64, 4),
    )


def data_quantiles() -> tuple[Tensors, Tensors]:
    """make_gaussian_quantiles (6 dimensions, 4 classes by the quantiles of the distance to the centre,
    anisotropic: the columns rescaled by 0.5 to 2), standardized with the training rows."""
    from sklearn.datasets import make_gaussian_quantiles

    x, y = make_gaussian_quantiles(n_samples=6000, n_features=6, n_classes=4, random_state=DATA_SEED + 11)
    x = x * np.random.default_rng(DATA_SEED + 11).uniform(0.5, 2.0, 6)
    return _split(5000, _f32(_standardize(x, 5000)), _i64(y))


def _nesterov(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4)


# 12. tanh MLP on 3 noisy concentric rings, SGD-momentum, batch 8 --------------------------------------
def build_rings_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 3))


def data_rings() -> tuple[Tensors, Tensors]:
    """3 concentric rings (radius 0.3, 0.65, 1.0) with radial noise 0.12, points in the plane."""
    n, n_train = 3000 + 1000, 3000
    rng = np.random.default_rng(DATA_SEED + 12)
    y = rng.integers(0, 3, n)
    r = np.array([0.3, 0.65, 1.0])[y] + 0.12 * rng.standard_normal(n)
    a = rng.uniform(0.0, 2.0 * np.pi, n)
    return _split(n_train, _f32(np.stack([r * np.cos(a), r * np.sin(a)], 1)), _i64(y))


# 13. GELU MLP on noisy digits, RMSprop-momentum, batch 16 ----------------------------------------------
def build_gelu_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 96), nn.GELU(), nn.Linear(96, 48), nn.GELU(), nn.Linear(48, 10))


def data_noisy_digits() -> tuple[Tensors, Tensors]:
    """The digits' grey levels / 16 with Gaussian noise 0.25 and 10 random pixels of each image blanked: the
    1297 training digits 4 times over, each copy corrupted once (fixed), 5188 training rows; the 500 other
    digits corrupted once for validation."""
    x, y = _digits()
    x = np.concatenate([np.tile(x[:1297], (4, 1)), x[1297:]])
    y = np.concatenate([np.tile(y[:1297], 4), y[1297:]])
    rng = np.random.default_rng(DATA_SEED + 13)
    x = x + 0.25 * rng.standard_normal(x.shape)
    blank = np.argsort(rng.random(x.shape), 1)[:, :10]
    np.put_along_axis(x, blank, 0.0, 1)
    return _split(4 * 1297, _f32(x), _i64(y))


# 14. LSTM tagging each step with the token 3 steps back, Adadelta --------------------------------------
DELAY_V, DELAY_L, DELAY = 6, 8, 3


class LSTMTagger(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(DELAY_V, 16, batch_first=True)
        self.head = nn.Linear(16, DELAY_V)

    def forward(self, tok: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(F.one_hot(tok, DELAY_V).float())
        return self.head(out[:, DELAY:])


def data_delay() -> tuple[Tensors, Tensors]:
    """8 tokens out of 6; the target at each step from the 4th is the token 3 steps back (targets of shape
    (n, 5)); 5% of the training targets random."""
    n, n_train = 8000 + 2000, 8000
    rng = np.random.default_rng(DATA_SEED + 14)
    tok = rng.integers(0, DELAY_V, (n, DELAY_L))
    y = tok[:, : DELAY_L - DELAY].copy()
    noisy = rng.random(y[:n_train].shape) < 0.05
    y[:n_train][noisy] = rng.integers(0, DELAY_V, noisy.sum())
    return _split(n_train, _i64(tok), _i64(y))


def _adadelta(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adadelta(p, lr=lr)


# 15. CNN without normalization counting blobs, AdamW, batch 16 -----------------------------------------
BLOB_SIZE = 10


class GlobalMean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean((2, 3))


def build_plain_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, stride=2, padding=1, bias=False),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1, bias=False),
        nn.ReLU(),
        GlobalMean(),
        nn.Linear(16, 4),
    )


def data_blobs() -> tuple[Tensors, Tensors]:
    """10x10 images with 1 to 4 Gaussian blobs (width 0.7 to 1.2 px, height 0.7 to 1.3, anywhere: they may
    overlap) plus Gaussian noise 0.25; the class is the count - 1."""
    n, n_train = 5000 + 1000, 5000
    rng = np.random.default_rng(DATA_SEED + 15)
    yy, xx = np.mgrid[0:BLOB_SIZE, 0:BLOB_SIZE]
    y = rng.integers(0, 4, n)
    imgs = 0.25 * rng.standard_normal((n, BLOB_SIZE, BLOB_SIZE))
    for i in range(n):
        for _ in range(y[i] + 1):
            cy, cx = rng.uniform(1.0, BLOB_SIZE - 2.0, 2)
            w = rng.uniform(0.7, 1.2)
            imgs[i] += rng.uniform(0.7, 1.3) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * w * w))
    return _split(n_train, _f32(imgs).unsqueeze(1), _i64(y))


def _adamw_01(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, weight_decay=0.1)


# 16. GELU MLP on Friedman #3, Adam (beta2 0.99), batch 8 -----------------------------------------------
def build_friedman3_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(4, 64), nn.GELU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 1))


def data_friedman3() -> tuple[Tensors, Tensors]:
    """make_friedman3 (4 inputs, noise 0.1), the inputs scaled to [0, 1] by their documented ranges, the
    target standardized with the training rows; shape (n, 1)."""
    from sklearn.datasets import make_friedman3

    x, y = make_friedman3(n_samples=3000, noise=0.1, random_state=DATA_SEED + 16)
    lo = np.array([0.0, 40.0 * np.pi, 0.0, 1.0])
    hi = np.array([100.0, 560.0 * np.pi, 1.0, 11.0])
    x = (x - lo) / (hi - lo)
    return _split(2400, _f32(x), _f32(_standardize(y, 2400)).unsqueeze(1))


def _adam_b099(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr, betas=(0.9, 0.99))


# === the tasks ========================================================================================

TASKS: tuple[Task, ...] = (
    Task(
        "gn_cnn_digits_adam",
        13,
        "CNN conv3x3 stride 2 1-16 (no bias), GroupNorm(4), ReLU, linear 256-10; digits (pixels / 16, 1297 train), CE; Adam, batch 32",
        1200,
        32,
        _adam,
        build_gn_cnn,
        _ce,
        data_digits_img,
        LOADER_OFFSET,
    ),
    Task(
        "attn_recall_adamw",
        13,
        "attention: 8 key-value pair tokens (key + value embeddings, one table, d 24), the query key attends over them (1 head, no biases), linear 24-10 on its output; associative recall (16 keys, 10 values, 12k train, 5% random targets), CE; AdamW wd 0.01, batch 32",
        1800,
        32,
        _adamw_001,
        AttentionRecall,
        _ce,
        data_recall,
        LOADER_OFFSET,
    ),
    Task(
        "illcond_linreg_sgd_b16",
        13,
        "linear regression 30-1, make_regression (effective rank 6, tail 0.1, noise 0.5; covariance eigenvalues 6.5 to 0.024, 2400 train), MSE; plain SGD, batch 16",
        900,
        16,
        _sgd,
        build_linear,
        _mse,
        data_illcond,
        LOADER_OFFSET,
    ),
    Task(
        "shapes_bn_cnn_sgdm",
        13,
        "CNN conv3x3 1-16 (no bias), BatchNorm, ReLU, avg-pool 2, linear 400-5; 5 noisy synthetic shapes on 10x10 (5000 train), CE; SGD m=0.9, batch 16",
        1400,
        16,
        _momentum,
        build_bn_cnn,
        _ce,
        data_shapes,
        LOADER_OFFSET,
    ),
    Task(
        "ar_lstm_rmsprop",
        13,
        "LSTM 16 + linear on the last state, classifying 10-step series from 5 AR(2) processes (random gain, observation noise 0.3; 8k train), CE; RMSprop, batch 32",
        1100,
        32,
        _rmsprop,
        LSTMClassifier,
        _ce,
        data_ar,
        LOADER_OFFSET,
    ),
    Task(
        "clicks_embed_mlp_adagrad",
        13,
        "4 embeddings (dim 8) + 4 numbers, MLP 36-64-32-1 ReLU; synthetic click data (Bernoulli labels, 20k train), BCE with logits; Adagrad, batch 64",
        1600,
        64,
        _adagrad,
        EmbedMLP,
        loss_bce,
        data_clicks,
        LOADER_OFFSET,
    ),
    Task(
        "freq_lstm_nadam",
        13,
        "LSTM 16 + linear on the last state, regressing the frequency of a noisy 10-step sinusoid (random phase and amplitude; standardized target, 10k train), MSE; NAdam, batch 32",
        1500,
        32,
        _nadam,
        LSTMRegressor,
        _mse,
        data_freq,
        LOADER_OFFSET,
    ),
    Task(
        "latent_ae_radam",
        13,
        "autoencoder 32-64-4 / 4-64-32 ELU (linear code), 32 standardized columns from 4 latent factors through a random tanh map plus noise (6000 train), MSE reconstruction; RAdam, batch 32",
        1000,
        32,
        _radam,
        build_latent_ae,
        loss_recon,
        data_latent,
        LOADER_OFFSET,
    ),
    Task(
        "checkerboard_mlp_adam_b16",
        13,
        "MLP 2-64-64-2 ReLU, 4x4 checkerboard on [-1, 1]^2 (5% of the training labels flipped, 4000 train), CE; Adam, batch 16",
        2000,
        16,
        _adam,
        build_checker_mlp,
        _ce,
        data_checkerboard,
        LOADER_OFFSET,
    ),
    Task(
        "logreg_adamax_b16",
        13,
        "multinomial logistic regression 40-8, make_classification (8 classes, 16 informative, 5% random labels; standardized, 4000 train), CE; Adamax, batch 16",
        800,
        16,
        _adamax,
        build_logreg,
        _ce,
        data_logreg,
        LOADER_OFFSET,
    ),
    Task(
        "quantiles_bn_mlp_nesterov",
        13,
        "MLP 6-64-64-4 with BatchNorm1d before each ReLU, make_gaussian_quantiles (6 dims rescaled, 4 classes; standardized, 5000 train), CE; SGD Nesterov m=0.9 wd 5e-4, batch 64",
        1700,
        64,
        _nesterov,
        build_bn_mlp,
        _ce,
        data_quantiles,
        LOADER_OFFSET,
    ),
    Task(
        "rings_tanh_mlp_sgdm_b8",
        13,
        "MLP 2-32-32-3 tanh, 3 noisy concentric rings (3000 train), CE; SGD m=0.9, batch 8",
        1300,
        8,
        _momentum,
        build_rings_mlp,
        _ce,
        data_rings,
        LOADER_OFFSET,
    ),
    Task(
        "noisy_digits_gelu_mlp_rmsprop_m_b16",
        13,
        "MLP 64-96-48-10 GELU, digits with noise 0.25 and 10 blanked pixels (4 fixed corrupted copies of 1297 digits), CE; RMSprop m=0.9, batch 16",
        1000,
        16,
        _rmsprop_m,
        build_gelu_mlp,
        _ce,
        data_noisy_digits,
        LOADER_OFFSET,
    ),
    Task(
        "delay_lstm_adadelta",
        13,
        "one-hot tokens, LSTM 16, linear at every step from the 4th, tagging each step with the token 3 steps back (8 tokens of 6, 5% random training targets, 8k train), CE per position; Adadelta, batch 16",
        1900,
        16,
        _adadelta,
        LSTMTagger,
        _ce,
        data_delay,
        LOADER_OFFSET,
    ),
    Task(
        "blobs_cnn_adamw",
        13,
        "CNN conv3x3 stride 2 1-8, ReLU, conv3x3 8-16, ReLU (bias-free convs), global mean, linear (no normalization); counting 1 to 4 Gaussian blobs in noisy 10x10 images (5000 train), CE; AdamW wd 0.1, batch 16",
        1600,
        16,
        _adamw_01,
        build_plain_cnn,
        _ce,
        data_blobs,
        LOADER_OFFSET,
    ),
    Task(
        "friedman3_gelu_mlp_adam_b8",
        13,
        "MLP 4-64-64-1 GELU, Friedman #3 (noise 0.1, inputs scaled to [0, 1], standardized target, 2400 train), MSE; Adam betas (0.9, 0.99), batch 8",
        1200,
        8,
        _adam_b099,
        build_friedman3_mlp,
        _mse,
        data_friedman3,
        LOADER_OFFSET,
    ),
)

#: each task's optimizer family: "adam" (Adam, AdamW, NAdam, RAdam, Adamax), "sgd" (plain, momentum,
#: Nesterov) or "other" (RMSprop, Adagrad, Adadelta)
FAMILY: dict[str, str] = {
    "gn_cnn_digits_adam": "adam",
    "attn_recall_adamw": "adam",
    "illcond_linreg_sgd_b16": "sgd",
    "shapes_bn_cnn_sgdm": "sgd",
    "ar_lstm_rmsprop": "other",
    "clicks_embed_mlp_adagrad": "other",
    "freq_lstm_nadam": "adam",
    "latent_ae_radam": "adam",
    "checkerboard_mlp_adam_b16": "adam",
    "logreg_adamax_b16": "adam",
    "quantiles_bn_mlp_nesterov": "sgd",
    "rings_tanh_mlp_sgdm_b8": "sgd",
    "noisy_digits_gelu_mlp_rmsprop_m_b16": "other",
    "delay_lstm_adadelta": "other",
    "blobs_cnn_adamw": "adam",
    "friedman3_gelu_mlp_adam_b8": "adam",
}


def _alternate_by_family() -> dict[str, str]:
    seen: dict[str, int] = {}
    split = {}
    for t in TASKS:
        k = seen.get(FAMILY[t.name], 0)
        seen[FAMILY[t.name]] = k + 1
        split[t.name] = "tuning" if k % 2 == 0 else "validation"
    return split


#: each task's half, fixed before any training at more than one LR: alternating within each family by the
#: order of TASKS (a family's 1st task tuning, its 2nd validation, ...)
SPLIT: dict[str, str] = _alternate_by_family()
