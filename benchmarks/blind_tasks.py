"""The 62 blind tasks of ``range_test_blind.py``: nine out-of-sample checks.

All nine sets were written by people who had not read the suggestion benchmark's tasks
(``benchmarks/quality/tasks.py``) or any of its results. They only judge: nothing is chosen on them.

- Round 5 (6 tasks): a GRU on the adding problem with Adam, a tiny Transformer encoder counting tokens with
  AdamW, a BatchNorm CNN on digits with Nesterov, heteroscedastic Gaussian NLL regression with RMSprop, 20%
  label noise at batch 8 with SGD-momentum, Huber loss on Student-t targets with Adagrad. The data are fixed
  (data seed 1234 or scikit-learn's embedded digits); a seed sets the model's init and the data order
  (``DataLoader(shuffle=True, drop_last=True)`` with a generator seeded with the seed itself).
- Round 6 (8 tasks): an EmbeddingBag text classifier with Adagrad, a conv autoencoder on digits with Adam,
  multi-label BCE with dropout and RMSprop, pinball (quantile) regression on diabetes with NAdam, a 7-layer
  plain MLP with plain SGD, a dropout-heavy MLP at batch 2 with AdamW, Poisson regression at batch 256 with
  RAdam, a 1-D CNN on waveforms with Nesterov. The data order's generator is seeded with 10000 + the seed.
- Round 7 (8 tasks): written blind in a clone of the repo by a helper that had not read the suggestion
  benchmark, its results or the tuner's code, with longer budgets (300 to 1000 steps; the brief allowed up
  to 1500): a residual BatchNorm CNN on digits with SGD-momentum and weight decay, a ViT-like patch
  Transformer on digits with AdamW, a character-level LSTM language model on a synthetic grammar with Adam
  (amsgrad), a VAE on digits (Bernoulli NLL + KL) with Adamax, a wide-and-deep tabular net with label
  smoothing and Adam + L2, a LayerNorm/SiLU MLP on Friedman #1 with Adadelta, logistic regression on digits
  with plain SGD at batch 512, a dilated causal TCN forecasting a series with RMSprop-momentum. Written in
  this file (no port); the data are generated or scikit-learn's embedded sets; the data order's generator is
  seeded with 20000 + the seed.
- Round 8 (8 tasks): written blind in a clone of the repo, as round 7 was, by another helper that had not read
  the suggestion benchmark, its results or the tuner's code, with families and optimizers the first 22 lack
  (budgets 300 to 800 steps, batch 32 to 1024): a decoder-only Transformer LM (causal mask, tied embedding)
  on synthetic Markov text with copied spans with AdamW (betas 0.9/0.95, weight decay on the matrices only),
  a message-passing net classifying random graphs by their generator with Adam + L2, a mixture density
  network on Bishop's inverse problem (NLL, can go negative: its regret is the excess over the Bayes floor)
  with Adam, a GRU encoder-decoder with attention sorting digit strings with Adafactor, a SimCLR-style
  contrastive (NT-Xent) conv encoder on digits with SGD-momentum + weight decay, a BatchNorm MLP at batch
  1024 with SGD Nesterov + weight decay, a matrix factorization with sparse embeddings with SparseAdam, a
  bias-free MLP with Muon. Written in this file; the data are generated or scikit-learn's (embedded digits,
  make_classification); the data order's generator is seeded with 30000 + the seed.
- Round 9 (8 tasks): written blind in a clone of the repo, as rounds 7 and 8 were, by another helper that had not
  read the suggestion benchmark, its results or the tuner's code, with families and optimizers the first 30
  lack (budgets 300 to 800 steps, batch 4 to 256): a MobileNet-like depthwise-separable CNN on digits with
  NAdam + decoupled weight decay, a small U-Net segmenting synthetic shapes per pixel with RAdam + decoupled
  weight decay, a top-2 mixture-of-experts regressor with a load-balancing loss and centered RMSprop, a RealNVP
  normalizing flow on a ring of Gaussians (NLL with a Bayes floor: its regret is the excess over it) with AdamW
  (amsgrad), a weight-tied word-level LSTM language model with ASGD and gradient-norm clipping (inside the
  optimizer, so both loops clip), a triplet-loss (batch-all, soft margin) digit embedder with SGD momentum +
  dampening, a DeepSurv-style Cox partial-likelihood survival net on censored times with Adagrad + lr_decay, an
  ordinal (cumulative logit) regression on diabetes at batch 4 with Adam + L2. Written in this file; the data
  are generated or scikit-learn's (embedded digits, diabetes); the data order's generator is seeded with
  40000 + the seed.
- Round 10 (4 tasks): written blind in a clone of the repo, as rounds 7 to 9 were, by another helper that had
  not read the suggestion benchmark, its results or the tuner's code, with families and optimizers the first 38
  lack (budgets 300 to 400 steps, batch 32 to 128), the four optimizers written in this file as the packages
  users take them from write them (none is in torch): a squeeze-and-excitation CNN with GroupNorm and SiLU on
  digits with Lion (weight decay 0.1), a graph attention network labelling the nodes of stochastic-block-model
  graphs with Ranger (RAdam + Lookahead), a CRNN (conv + bidirectional GRU) reading strings of 3 to 5 digits
  with a CTC loss and AdaBelief, a BERT-like masked-token model (pre-LN, tied head, static 80/10/10 masking)
  with LAMB at batch 128. Written in this file; the data are generated or scikit-learn's (embedded digits);
  the data order's generator is seeded with 50000 + the seed.
- Round 11 (4 tasks): written blind in a clone of the repo, as rounds 7 to 10 were, by another helper that had
  not read the suggestion benchmark, its results or the tuner's code, on a situation the first 42 lack:
  fine-tuning from pretrained weights (budgets 300 to 1000 steps, batch 32 to 64). Each build first pretrains
  the network on a related source task (Adam at 1e-3, 200 to 500 steps, from the RNG state the seed leaves;
  run once per seed and process and then copied), then the target task trains it at the LR judged: full
  fine-tuning of a BatchNorm CNN pretrained on digits 0-4 with a new head on shifted, noisy digits 5-9 with
  SGD-momentum + weight decay, a frozen 1-D CNN pretrained on waveform shape x frequency with a new MLP head
  on shape x modulation with AdamW, a GRU forecaster pretrained on one regime of seasonal series adapted whole
  to a shifted regime with Adam, an MLP regressor pretrained on one function of 8 inputs fine-tuned on a
  related one with an L2-SP penalty (towards the pretrained weights) and NAdam for 1000 steps. Written in this
  file; the data are generated or scikit-learn's (embedded digits); the data order's generator is seeded with
  60000 + the seed.
- Round 12 (8 tasks): written blind outside the repo by a helper that had read neither the benchmarks nor the
  tuner's code, as its own trial of the range test (r201; budgets 200 to 500 steps, batch 4 to 512), and
  ported here with a validation fifth held out: a 10-layer tanh MLP without normalization with plain SGD, a
  dot-product recommender with Adagrad, a GroupNorm CNN on digits with SGD Nesterov, a Huber regression on
  Student-t(1.5) targets with RMSprop at batch 16, a pre-LN Transformer reversing token sequences with AdamW,
  an LSTM locating a motif in noisy series with NAdam, a softmax-gated mixture of experts on Friedman #1 with
  RAdam at batch 512, a wine autoencoder with dropout and Adam at batch 4. Its trial led to two changes before
  the port, so it is not out of sample for those. The data order's generator is seeded with 70000 + the seed.
- Round 13 (8 tasks): written the same way by another helper after round 12's changes (r203; 200 to 400 steps,
  batch 2 to 64) and ported with a validation fifth: a dilated causal TCN forecaster with Adam, a causal
  Transformer decoder on Dyck-2 brackets with AdamW, a factorization machine with Adagrad, a residual MLP on
  diabetes with SGD Nesterov + weight decay, a multi-label MLP with RMSprop, a quantile regression with plain
  SGD, an Elman RNN language model on a Markov chain with SGD-momentum, a wide MLP on iris at batch 2 with Adamax
  and label smoothing. Nothing was changed on it. The data order's generator is seeded with 80000 + the seed.

Rounds 5 and 6 are ported as written (``/work/round5/tasks.py``, ``/work/round6/tasks.py``): the same data,
networks (built in the same order from ``torch.manual_seed(seed)``, so the same initial weights), losses,
optimizers, batch sizes and budgets. Round 5's LightningModules became plain networks plus a loss and an
optimizer recipe, as round 6's are; the gauss_nll task keeps its Bayes floor (the loss can be negative: its
regret is the excess over it).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

__all__ = ["SCHEDULES", "TASKS", "Task", "build_model", "get_data", "make_loader", "one_cycle", "train_plain"]

Tensors = tuple[torch.Tensor, ...]
Batch = tuple[torch.Tensor, ...]

#: round 5's data seed
DATA_SEED = 1234


@dataclass(frozen=True)
class Task:
    name: str
    #: 5 to 11: the blind round the task was written in
    round: int
    recipe: str
    #: the budget: optimizer steps of one training
    steps: int
    batch: int
    make_opt: Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]
    build: Callable[[], nn.Module]
    loss: Callable[[nn.Module, Batch], torch.Tensor]
    data: Callable[[], tuple[Tensors, Tensors]]
    #: added to the seed to seed the data order's generator (round 5: 0, round 6: 10000, round 7: 20000,
    #: round 8: 30000, round 9: 40000, round 10: 50000, round 11: 60000, round 12: 70000, round 13: 80000)
    loader_offset: int
    #: a known lower bound of the loss (a task whose loss can be negative); regrets are excesses over it
    floor: float | None = None


# === round 5 ==========================================================================================


def _xy_loss(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> Callable[[nn.Module, Batch], torch.Tensor]:
    def loss(model: nn.Module, batch: Batch) -> torch.Tensor:
        x, y = batch
        return fn(model(x), y)

    return loss


# 1. GRU, adding problem, Adam -------------------------------------------------------------------------
class GRUAdding(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(2, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1]).squeeze(-1)


def _adding_data(n: int, length: int = 25, seed: int = DATA_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    vals = torch.rand(n, length, generator=g)
    marks = torch.zeros(n, length)
    i = torch.randint(0, length // 2, (n,), generator=g)
    j = torch.randint(length // 2, length, (n,), generator=g)
    marks[torch.arange(n), i] = 1.0
    marks[torch.arange(n), j] = 1.0
    x = torch.stack([vals, marks], -1)
    y = (vals * marks).sum(1)
    return x, y


def data_adding() -> tuple[Tensors, Tensors]:
    x, y = _adding_data(4096 + 1024)
    return (x[:4096], y[:4096]), (x[4096:], y[4096:])


# 2. Transformer encoder, histogram task, AdamW --------------------------------------------------------
class TinyTransformer(nn.Module):
    V, L = 10, 10

    def __init__(self) -> None:
        super().__init__()
        d = 32
        self.emb = nn.Embedding(self.V, d)
        self.pos = nn.Parameter(torch.randn(self.L, d) * 0.1)
        self.enc = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.head = nn.Linear(d, self.L)  # count-1 in 0..L-1

    def forward(self, tok: torch.Tensor) -> torch.Tensor:
        return self.head(self.enc(self.emb(tok) + self.pos))


def loss_histogram(model: nn.Module, batch: Batch) -> torch.Tensor:
    tok, y = batch
    return F.cross_entropy(model(tok).reshape(-1, TinyTransformer.L), y.reshape(-1))


def data_histogram() -> tuple[Tensors, Tensors]:
    n = 8192 + 1024
    g = torch.Generator().manual_seed(DATA_SEED)
    tok = torch.randint(0, TinyTransformer.V, (n, TinyTransformer.L), generator=g)
    y = (tok.unsqueeze(2) == tok.unsqueeze(1)).sum(2) - 1  # occurrences of own token, minus one
    return (tok[:8192], y[:8192]), (tok[8192:], y[8192:])


# 3. CNN + BatchNorm on digits, SGD Nesterov -----------------------------------------------------------
def build_digits_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 16, 10),
    )


def data_digits_cnn() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
    y = torch.tensor(d.target)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(DATA_SEED))
    x, y = x[perm], y[perm]
    return (x[:1437], y[:1437]), (x[1437:], y[1437:])


# 4. heteroscedastic Gaussian NLL, RMSprop -------------------------------------------------------------
class GaussNLL(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.net(x)
        return out[:, 0], F.softplus(out[:, 1]) + 1e-6


def loss_gauss(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    mu, var = model(x)
    return F.gaussian_nll_loss(mu, y, var, full=True)  # round 5: nn.GaussianNLLLoss(full=True), the same


def _gauss_data(n: int = 4096 + 1024, seed: int = DATA_SEED) -> tuple[torch.Tensor, torch.Tensor, float]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=g)
    mean = 1.5 * torch.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2]
    sigma = 0.02 + 0.15 * x[:, 3].abs()
    y = mean + sigma * torch.randn(n, generator=g)
    floor = (0.5 * torch.log(2 * math.pi * sigma**2) + 0.5).mean().item()  # Bayes NLL of this sample's sigmas
    return x, y, floor


def data_gauss() -> tuple[Tensors, Tensors]:
    x, y, _ = _gauss_data()
    return (x[:4096], y[:4096]), (x[4096:], y[4096:])


# 5. 20% label noise, batch 8, SGD momentum ------------------------------------------------------------
def build_noisy_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4))


def data_noisy() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import make_classification

    xn, yn = make_classification(
        n_samples=3000,
        n_features=20,
        n_informative=8,
        n_redundant=4,
        n_classes=4,
        n_clusters_per_class=2,
        class_sep=1.0,
        random_state=DATA_SEED,
    )
    xn = (xn - xn.mean(0)) / xn.std(0)
    x = torch.tensor(xn, dtype=torch.float32)
    y = torch.tensor(yn)
    xtr, ytr, xva, yva = x[:2400], y[:2400].clone(), x[2400:], y[2400:]
    rng = np.random.default_rng(DATA_SEED)
    flip = rng.random(2400) < 0.2
    ytr[torch.tensor(flip)] = torch.tensor((ytr.numpy()[flip] + rng.integers(1, 4, flip.sum())) % 4)
    return (xtr, ytr), (xva, yva)  # validation labels clean


# 6. Huber loss, heavy-tailed targets, Adagrad ---------------------------------------------------------
class HuberMLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)


def data_huber() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import make_regression

    xh, yh = make_regression(
        n_samples=3000, n_features=10, n_informative=6, noise=0.0, random_state=DATA_SEED
    )
    rng = np.random.default_rng(DATA_SEED)
    yh = 3.0 * yh / yh.std() + np.abs(xh[:, 0]) * 2.0  # a little nonlinearity, scale ~3
    yh = yh + 0.5 * rng.standard_t(1.5, size=len(yh))  # heavy tails (infinite variance)
    x = torch.tensor(xh, dtype=torch.float32)
    y = torch.tensor(yh, dtype=torch.float32)
    return (x[:2400], y[:2400]), (x[2400:], y[2400:])


# === round 6 ==========================================================================================


def _t(*arrs: np.ndarray, dtypes: list[torch.dtype] | None = None) -> Tensors:
    out = []
    for i, a in enumerate(arrs):
        dt = dtypes[i] if dtypes else torch.float32
        out.append(torch.as_tensor(np.asarray(a), dtype=dt))
    return tuple(out)


def _long(a: np.ndarray, b: np.ndarray) -> Tensors:
    return _t(a, b, dtypes=[torch.long, torch.long])


def _float_long(a: np.ndarray, b: np.ndarray) -> Tensors:
    return _t(a, b, dtypes=[torch.float32, torch.long])


# 1. EmbeddingBag text classifier on synthetic token sequences, Adagrad ---------------------------------
def data_text() -> tuple[Tensors, Tensors]:
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(0)
    v, c, length = 500, 4, 30
    topic = rng.dirichlet(np.full(v, 0.05), size=c)  # class-specific word distributions
    n = 2500
    y = rng.integers(0, c, n)
    lens = rng.integers(8, length + 1, n)
    x = np.zeros((n, length), dtype=np.int64)
    for i in range(n):
        k = lens[i]
        from_topic = rng.random(k) < 0.25
        toks = np.where(from_topic, rng.choice(v, k, p=topic[y[i]]), rng.integers(1, v, k))
        toks[toks == 0] = 1
        x[i, :k] = toks
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=500, random_state=0)
    return _long(xtr, ytr), _long(xva, yva)


class TextBag(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.EmbeddingBag(500, 32, mode="mean", padding_idx=0)
        self.fc = nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.emb(x))


# 2. Conv autoencoder on digits, Adam -------------------------------------------------------------------
def data_digits_img() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    x = datasets.load_digits().data.astype(np.float32) / 16.0
    xtr, xva = train_test_split(x, test_size=360, random_state=0)
    return _t(xtr.reshape(-1, 1, 8, 8)), _t(xva.reshape(-1, 1, 8, 8))


class ConvAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.ReLU(),  # 4x4
            nn.Conv2d(16, 4, 1),  # bottleneck 4x4x4 = 64 (same size as input, but 1x1 conv + stride)
        )
        self.dec = nn.Sequential(
            nn.ReLU(),
            nn.ConvTranspose2d(4, 8, 4, stride=2, padding=1),
            nn.ReLU(),  # 8x8
            nn.Conv2d(8, 1, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.dec(self.enc(x)))


def loss_ae(model: nn.Module, batch: Batch) -> torch.Tensor:
    (x,) = batch
    return F.mse_loss(model(x), x)


# 3. Multi-label BCE, MLP with dropout, RMSprop ---------------------------------------------------------
def data_multilabel() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.make_multilabel_classification(
        n_samples=2500, n_features=40, n_classes=10, n_labels=3, random_state=0
    )
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=500, random_state=0)
    sc = StandardScaler().fit(xtr)
    return _t(sc.transform(xtr), ytr), _t(sc.transform(xva), yva)


def build_multilabel() -> nn.Module:
    return nn.Sequential(
        nn.Linear(40, 128),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(128, 10),
    )


def loss_bce(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.binary_cross_entropy_with_logits(model(x).reshape(y.shape), y)


# 4. Quantile (pinball) regression on diabetes (raw target, shipped feature scale), NAdam ----------------
QS = torch.tensor([0.1, 0.5, 0.9])


def data_diabetes() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    x, y = datasets.load_diabetes(return_X_y=True)  # features as shipped (std ~0.048), target 25..346
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=92, random_state=0)
    return _t(xtr, ytr), _t(xva, yva)


def build_quantile() -> nn.Module:
    return nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))


def loss_pinball(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    q = model(x)
    e = y[:, None] - q
    return torch.maximum(QS * e, (QS - 1) * e).mean()


# 5. Deeper plain MLP (7 linear layers, no normalization), plain SGD, batch 128 -------------------------
def data_deep() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.make_classification(
        n_samples=4500,
        n_features=30,
        n_informative=15,
        n_redundant=5,
        n_classes=5,
        n_clusters_per_class=2,
        class_sep=1.2,
        random_state=1,
    )
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=500, random_state=0)
    sc = StandardScaler().fit(xtr)
    return _float_long(sc.transform(xtr), ytr), _float_long(sc.transform(xva), yva)


def build_deep() -> nn.Module:
    layers: list[nn.Module] = []
    d = 30
    for _ in range(6):
        layers += [nn.Linear(d, 64), nn.ReLU()]
        d = 64
    layers.append(nn.Linear(d, 5))
    return nn.Sequential(*layers)


# 6. Dropout-heavy MLP on breast cancer, AdamW (wd 0.05), batch 2 ---------------------------------------
def data_cancer() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.load_breast_cancer(return_X_y=True)
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=114, random_state=0, stratify=y)
    sc = StandardScaler().fit(xtr)
    return _t(sc.transform(xtr), ytr), _t(sc.transform(xva), yva)


def build_dropout() -> nn.Module:
    return nn.Sequential(
        nn.Dropout(0.2),
        nn.Linear(30, 256),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(256, 1),
    )


# 7. Poisson regression (log link MLP), RAdam, batch 256 ------------------------------------------------
def data_poisson() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    x, _, coef = datasets.make_regression(
        n_samples=6000, n_features=20, n_informative=8, coef=True, random_state=3
    )
    eta = x @ coef
    eta = 0.6 * eta / eta.std() + 1.0 + 0.3 * np.sin(x[:, 0] * 2)
    rng = np.random.default_rng(3)
    y = rng.poisson(np.exp(eta)).astype(np.float32)
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=1000, random_state=0)
    return _t(xtr, ytr), _t(xva, yva)


def build_poisson() -> nn.Module:
    return nn.Sequential(nn.Linear(20, 32), nn.Tanh(), nn.Linear(32, 1))


def loss_poisson(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.poisson_nll_loss(model(x).squeeze(-1), y, log_input=True, full=True)


# 8. 1-D CNN on synthetic waveforms, SGD Nesterov momentum 0.9 ------------------------------------------
def data_waves() -> tuple[Tensors, Tensors]:
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(8)
    n, length = 3000, 64
    y = rng.integers(0, 4, n)
    t = np.linspace(0, 1, length)[None, :]
    f = rng.uniform(1, 4, (n, 1))
    ph = rng.uniform(0, 1, (n, 1))
    a = rng.uniform(0.5, 1.5, (n, 1))
    u = (f * t + ph) % 1.0
    waves = np.stack(
        [np.sin(2 * np.pi * u), np.sign(np.sin(2 * np.pi * u)), 2 * u - 1, 4 * np.abs(u - 0.5) - 1]
    )  # sine, square, sawtooth, triangle
    x = a * waves[y, np.arange(n)] + 0.6 * rng.standard_normal((n, length))
    x = x[:, None, :].astype(np.float32)
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=500, random_state=0)
    return _float_long(xtr, ytr), _float_long(xva, yva)


def build_cnn1d() -> nn.Module:
    return nn.Sequential(
        nn.Conv1d(1, 16, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool1d(2),
        nn.Conv1d(16, 32, 5, padding=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(32, 4),
    )


def loss_bce1(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.binary_cross_entropy_with_logits(model(x).squeeze(-1), y)


# === round 7 ==========================================================================================
# Written blind in a clone of the repo by a helper that had not read the suggestion benchmark, its results
# or the tuner's code. Each task's data are generated or embedded (fixed data seeds below); the data
# order's generator is seeded with 20000 + the seed.

#: round 7's data seed
DATA_SEED_7 = 7007


def _digits_split(scale: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    d = datasets.load_digits()
    x = d.data.astype(np.float32) / (16.0 if scale else 1.0)
    xtr, xva, ytr, yva = train_test_split(
        x, d.target, test_size=360, random_state=DATA_SEED_7, stratify=d.target
    )
    return xtr, xva, ytr, yva


# 1. small residual CNN with BatchNorm on digits, SGD momentum 0.9 + weight decay 5e-4 ---------------------
def data_digits7_img() -> tuple[Tensors, Tensors]:
    xtr, xva, ytr, yva = _digits_split()
    return _float_long(xtr.reshape(-1, 1, 8, 8), ytr), _float_long(xva.reshape(-1, 1, 8, 8), yva)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.short(x))


class TinyResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2))  # 8x8 -> 4x4
        self.head = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)).mean((2, 3)))


# 2. ViT-like patch Transformer on digits, AdamW wd 0.05 --------------------------------------------------
def _pre_ln_blocks(d: int, ffn: int) -> nn.TransformerEncoder:
    """2 pre-LN Transformer blocks of width ``d`` (4 heads, GELU MLP of ``ffn``, no dropout): round 7's
    ViT, round 8's causal LM and round 10's masked-token model."""
    layer = nn.TransformerEncoderLayer(
        d, nhead=4, dim_feedforward=ffn, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
    )
    return nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


class PatchViT(nn.Module):
    """2x2 patches of the 8x8 digit (16 tokens of 4 pixels), a class token, 2 pre-LN encoder layers."""

    def __init__(self) -> None:
        super().__init__()
        d = 32
        self.embed = nn.Linear(4, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, 17, d) * 0.02)
        self.enc = _pre_ln_blocks(d, 64)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = x.shape[0]
        p = x.reshape(b, 4, 2, 4, 2).permute(0, 1, 3, 2, 4).reshape(b, 16, 4)  # (row, col) patches of 2x2
        h = torch.cat([self.cls.expand(b, -1, -1), self.embed(p)], 1) + self.pos
        return self.head(self.norm(self.enc(h))[:, 0])


# 3. character-level LSTM language model on a synthetic grammar, Adam (amsgrad) ---------------------------
_NOUNS = ("cat", "dog", "bird", "fox", "child", "farmer", "teacher", "robot")
_VERBS = ("sees", "chases", "likes", "finds", "helps", "follows")
_ADJS = ("big", "small", "red", "quick", "lazy", "old")
_DETS = ("the", "a", "every", "some")
CHARS = " .,abcdefghijklmnopqrstuvwxyz"
CTX = 32


def _sentence(rng: np.random.Generator, depth: int = 0) -> list[str]:
    def np_(d: int) -> list[str]:
        out = [str(rng.choice(_DETS))]
        if rng.random() < 0.4:
            out.append(str(rng.choice(_ADJS)))
        out.append(str(rng.choice(_NOUNS)))
        if d < 2 and rng.random() < 0.2:  # a relative clause: "that <verb> <np>"
            out += ["that", str(rng.choice(_VERBS)), *np_(d + 1)]
        return out

    words = [*np_(depth), str(rng.choice(_VERBS)), *np_(depth)]
    if rng.random() < 0.25:  # a coordinated clause
        words[-1] += ","
        words += ["and", *np_(depth), str(rng.choice(_VERBS)), *np_(depth)]
    return words


def data_grammar() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED_7)
    text = ""
    while len(text) < 130_000:
        text += " ".join(_sentence(rng)) + ". "
    ids = np.array([CHARS.index(c) for c in text], dtype=np.int64)
    n = len(ids) // (CTX + 1)
    chunks = ids[: n * (CTX + 1)].reshape(n, CTX + 1)
    chunks = chunks[rng.permutation(n)]
    tr, va = chunks[:3200], chunks[3200:3700]
    return _long(tr[:, :-1], tr[:, 1:]), _long(va[:, :-1], va[:, 1:])


class CharLSTM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(len(CHARS), 16)
        self.rnn = nn.LSTM(16, 64, batch_first=True)
        self.head = nn.Linear(64, len(CHARS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.emb(x))
        return self.head(out)


def loss_lm(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.cross_entropy(model(x).reshape(-1, len(CHARS)), y.reshape(-1))


# 4. VAE on digits (Bernoulli likelihood on the grey levels + KL), Adamax ---------------------------------
def data_digits7_flat() -> tuple[Tensors, Tensors]:
    xtr, xva, _, _ = _digits_split()
    return _t(xtr), _t(xva)


class VAE(nn.Module):
    Z = 8

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 2 * self.Z))
        self.dec = nn.Sequential(nn.Linear(self.Z, 128), nn.ReLU(), nn.Linear(128, 64))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.enc(x).chunk(2, -1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.dec(z), mu, logvar


def loss_vae(model: nn.Module, batch: Batch) -> torch.Tensor:
    """The negative ELBO per image, in nats: summed over the 64 pixels and the latent dimensions."""
    (x,) = batch
    logits, mu, logvar = model(x)
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    kl = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp()) / x.shape[0]
    return rec + kl


# 5. wide-and-deep tabular net (categorical embeddings + numeric), label smoothing 0.1, Adam with L2 -------
_CARDS = (12, 30, 60)  # levels of the three categorical columns


def data_widedeep() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.make_classification(
        n_samples=7000,
        n_features=14,
        n_informative=8,
        n_redundant=2,
        n_classes=3,
        n_clusters_per_class=2,
        class_sep=0.9,
        flip_y=0.03,
        random_state=DATA_SEED_7,
    )
    rng = np.random.default_rng(DATA_SEED_7)
    # the last three features become categorical columns: quantile bins under a random relabelling, plus
    # 10% of the rows given a random level (as messy IDs are)
    cats = []
    for j, card in enumerate(_CARDS):
        col = x[:, 11 + j]
        bins = np.searchsorted(np.quantile(col, np.linspace(0, 1, card + 1)[1:-1]), col)
        bins = rng.permutation(card)[bins]
        noisy = rng.random(len(col)) < 0.1
        bins[noisy] = rng.integers(0, card, noisy.sum())
        cats.append(bins)
    xc = np.stack(cats, 1)
    xn = x[:, :11]
    ntr, nva, ctr, cva, ytr, yva = train_test_split(xn, xc, y, test_size=1000, random_state=DATA_SEED_7)
    sc = StandardScaler().fit(ntr)
    tr = _t(sc.transform(ntr), ctr, ytr, dtypes=[torch.float32, torch.long, torch.long])
    va = _t(sc.transform(nva), cva, yva, dtypes=[torch.float32, torch.long, torch.long])
    return tr, va


class WideDeep(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.offsets = torch.tensor([0, *np.cumsum(_CARDS)[:-1].tolist()])
        self.wide_cat = nn.Embedding(sum(_CARDS), 3)  # one-hot linear part of the categoricals
        self.wide_num = nn.Linear(11, 3)
        self.embs = nn.ModuleList(nn.Embedding(c, 8) for c in _CARDS)
        self.deep = nn.Sequential(
            nn.Linear(11 + 8 * len(_CARDS), 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 3)
        )

    def forward(self, xn: torch.Tensor, xc: torch.Tensor) -> torch.Tensor:
        wide = self.wide_num(xn) + self.wide_cat(xc + self.offsets).sum(1)
        deep = self.deep(torch.cat([xn, *(e(xc[:, i]) for i, e in enumerate(self.embs))], 1))
        return wide + deep


def loss_widedeep(model: nn.Module, batch: Batch) -> torch.Tensor:
    xn, xc, y = batch
    return F.cross_entropy(model(xn, xc), y, label_smoothing=0.1)


# 6. MLP with SiLU and LayerNorm, Friedman #1 regression (standardized target), Adadelta ------------------
def data_friedman() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    x, y = datasets.make_friedman1(n_samples=4000, n_features=10, noise=1.0, random_state=DATA_SEED_7)
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=800, random_state=DATA_SEED_7)
    mean, std = ytr.mean(), ytr.std()
    return _t(xtr, (ytr - mean) / std), _t(xva, (yva - mean) / std)


class SiLUNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(10, 128),
            nn.LayerNorm(128),
            nn.SiLU(),
            nn.Linear(128, 128),
            nn.LayerNorm(128),
            nn.SiLU(),
            nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)


# 7. multinomial logistic regression on digits, L2 (weight decay 1e-3), plain SGD, batch 512 --------------
def data_digits7_logreg() -> tuple[Tensors, Tensors]:
    xtr, xva, ytr, yva = _digits_split()
    return _float_long(xtr, ytr), _float_long(xva, yva)


def build_logreg() -> nn.Module:
    return nn.Linear(64, 10)


# 8. dilated causal TCN, next-value forecasting of a noisy multi-seasonal series, RMSprop momentum 0.9 ------
WINDOW = 64


def data_series() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED_7)
    n = 6000
    t = np.arange(n + WINDOW + 1, dtype=np.float64)
    s = (
        np.sin(2 * np.pi * t / 24)
        + 0.6 * np.sin(2 * np.pi * t / 168 + 1.0)
        + 0.3 * np.sin(2 * np.pi * t / 11.3) * np.sin(2 * np.pi * t / 500)
    )
    ar = np.zeros_like(t)
    eps = rng.standard_normal(len(t))
    for i in range(1, len(t)):
        ar[i] = 0.8 * ar[i - 1] + 0.25 * eps[i]
    s = s + ar
    idx = np.arange(n)[:, None] + np.arange(WINDOW + 1)[None, :]
    w = s[idx].astype(np.float32)
    x, y = w[:, None, :WINDOW], w[:, WINDOW]
    # the last 1000 windows validate (in time order); the gap keeps them from overlapping the training ones
    return _t(x[:4900], y[:4900]), _t(x[5000:], y[5000:])


class TCN(nn.Module):
    """A 1x1 input conv to 16 channels, then 6 residual causal convs (kernel 3, dilations 1..32: the receptive
    field covers the window), the last time step to a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Conv1d(1, 16, 1)
        self.dilations = (1, 2, 4, 8, 16, 32)
        self.convs = nn.ModuleList(nn.Conv1d(16, 16, 3, dilation=d) for d in self.dilations)
        self.head = nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        for d, conv in zip(self.dilations, self.convs, strict=True):
            h = h + F.relu(conv(F.pad(h, (2 * d, 0))))  # causal: pad the past only
        return self.head(h[:, :, -1]).squeeze(-1)


# === round 8 ==========================================================================================
# Written blind in a clone of the repo by a helper that had not read the suggestion benchmark, its results
# or the tuner's code. Families and optimizers the first 22 lack: a causal decoder-only LM, a message-passing
# net, a mixture density network, a seq2seq with attention, a contrastive model, batch 1024, sparse
# embeddings, Adafactor, SparseAdam and Muon. Each task's data are generated or embedded (fixed data seed
# below); the data order's generator is seeded with 30000 + the seed.

#: round 8's data seed
DATA_SEED_8 = 8008


# 1. decoder-only Transformer LM (causal mask, tied embedding) on synthetic token text, AdamW ----------------
LM_VOCAB, LM_CTX = 48, 32


def data_tokens() -> tuple[Tensors, Tensors]:
    """Token text from a sparse Markov chain (each token has 6 possible successors, Dirichlet(0.5)
    probabilities), where half the windows repeat an earlier span of 6 to 12 tokens (copying it needs the
    attention)."""
    rng = np.random.default_rng(DATA_SEED_8)
    v = LM_VOCAB
    succ = rng.integers(0, v, (v, 6))
    probs = rng.dirichlet(np.full(6, 0.5), v)
    n_train, n_val = 4096, 512
    seqs = np.zeros((n_train + n_val, LM_CTX + 1), dtype=np.int64)
    for i in range(len(seqs)):
        s = [int(rng.integers(0, v))]
        while len(s) < LM_CTX + 1:
            s.append(int(succ[s[-1], rng.choice(6, p=probs[s[-1]])]))
        if rng.random() < 0.5:  # copy an earlier span further on
            k = int(rng.integers(6, 13))
            src = int(rng.integers(0, LM_CTX + 1 - 2 * k))
            dst = int(rng.integers(src + k, LM_CTX + 2 - k))
            s[dst : dst + k] = s[src : src + k]
        seqs[i] = s[: LM_CTX + 1]
    tr, va = seqs[:n_train], seqs[n_train:]
    return _long(tr[:, :-1], tr[:, 1:]), _long(va[:, :-1], va[:, 1:])


class TinyGPT(nn.Module):
    """Token + learned position embeddings, 2 pre-LN causal blocks (d 48, 4 heads, GELU MLP 192), a final
    LayerNorm and a head tied to the token embedding."""

    def __init__(self) -> None:
        super().__init__()
        d = 48
        self.tok = nn.Embedding(LM_VOCAB, d)
        self.pos = nn.Embedding(LM_CTX, d)
        self.blocks = _pre_ln_blocks(d, 4 * d)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, LM_VOCAB, bias=False)
        self.head.weight = self.tok.weight
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(LM_CTX), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.tok(x) + self.pos(torch.arange(x.shape[1]))
        h = self.blocks(h, mask=self.mask, is_causal=True)
        return self.head(self.norm(h))


def loss_token_lm(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.cross_entropy(model(x).reshape(-1, LM_VOCAB), y.reshape(-1))


# 2. message-passing net (GraphSAGE-style mean aggregation) classifying random graphs by generator, Adam ----
GRAPH_NODES = 16


def _random_graph(rng: np.random.Generator, kind: int) -> np.ndarray:
    """An undirected graph of GRAPH_NODES nodes from one of three generators of about the same mean degree
    (3 to 5): Erdos-Renyi, a 2-block stochastic block model, a random geometric graph."""
    n = GRAPH_NODES
    scale = rng.uniform(0.75, 1.3)  # the density varies, so the degree alone does not tell the class
    if kind == 0:
        p = np.full((n, n), 0.25 * scale)
    elif kind == 1:
        block = np.arange(n) < n // 2
        p = np.where(block[:, None] == block[None, :], 0.42, 0.08) * scale
    else:
        pts = rng.random((n, 2))
        dist = np.linalg.norm(pts[:, None] - pts[None, :], axis=-1)
        p = (dist < 0.33 * np.sqrt(scale)).astype(float)
    a = np.triu(rng.random((n, n)) < p, 1)
    a = a | a.T
    perm = rng.permutation(n)  # no node order gives the class away
    return a[perm][:, perm].astype(np.float32)


def data_graphs() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED_8)
    n = 3000 + 600
    y = rng.integers(0, 3, n)
    adj = np.stack([_random_graph(rng, int(k)) for k in y])
    tr, va = slice(0, 3000), slice(3000, n)
    return _float_long(adj[tr], y[tr]), _float_long(adj[va], y[va])


class MPNN(nn.Module):
    """Node features (1, degree / 4); 3 layers h <- ReLU(W_self h + W_nbr mean of the neighbours' h), hidden
    64; readout mean and max over the nodes, MLP 128-64-3."""

    def __init__(self) -> None:
        super().__init__()
        d = 64
        self.inp = nn.Linear(2, d)
        self.self_lins = nn.ModuleList(nn.Linear(d, d) for _ in range(3))
        self.nbr_lins = nn.ModuleList(nn.Linear(d, d, bias=False) for _ in range(3))
        self.head = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Linear(d, 3))

    def forward(self, adj: torch.Tensor) -> torch.Tensor:
        deg = adj.sum(-1, keepdim=True)
        h = F.relu(self.inp(torch.cat([torch.ones_like(deg), deg / 4], -1)))
        for lin_self, lin_nbr in zip(self.self_lins, self.nbr_lins, strict=True):
            h = F.relu(lin_self(h) + lin_nbr(adj @ h / deg.clamp(min=1)))
        return self.head(torch.cat([h.mean(1), h.amax(1)], -1))


# 3. mixture density network on Bishop's inverse problem (multimodal target), Adam -------------------------
MDN_K = 5
MDN_NOISE = 0.05


def _mdn_data(n: int = 4096 + 1024, seed: int = DATA_SEED_8) -> tuple[np.ndarray, np.ndarray]:
    """y uniform on [0, 1], x = y + 0.3 sin(2 pi y) + N(0, 0.05^2): y given x has up to three modes."""
    rng = np.random.default_rng(seed)
    y = rng.random(n)
    x = y + 0.3 * np.sin(2 * np.pi * y) + MDN_NOISE * rng.standard_normal(n)
    return x, y


def data_mdn() -> tuple[Tensors, Tensors]:
    x, y = _mdn_data()
    return _t(x[:4096, None], y[:4096]), _t(x[4096:, None], y[4096:])


def _mdn_floor() -> float:
    """The Bayes NLL of the training sample: -log p(y | x) under the true model, p(y | x) by quadrature over
    y' in [0, 1] (the loss goes below 0: the regret is the excess over this floor)."""
    x, y = _mdn_data()
    x, y = x[:4096], y[:4096]
    grid_y = np.linspace(0, 1, 20001)

    def log_lik(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        z = (xs - ys - 0.3 * np.sin(2 * np.pi * ys)) / MDN_NOISE
        return -0.5 * z**2 - np.log(MDN_NOISE * np.sqrt(2 * np.pi))

    nll = []
    for i in range(0, len(x), 256):
        xs = x[i : i + 256, None]
        lik = np.exp(log_lik(xs, grid_y[None, :]))
        evidence = np.trapezoid(lik, grid_y, axis=1)
        nll.append(np.log(evidence) - log_lik(x[i : i + 256], y[i : i + 256]))
    return float(np.concatenate(nll).mean())


class MDN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 3 * MDN_K)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logit, mu, log_sigma = self.net(x).chunk(3, -1)
        return logit, mu, log_sigma


def loss_mdn(model: nn.Module, batch: Batch) -> torch.Tensor:
    """The mixture's NLL per sample (nats)."""
    x, y = batch
    logit, mu, log_sigma = model(x)
    z = (y[:, None] - mu) / log_sigma.exp()
    log_comp = -0.5 * z**2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return -torch.logsumexp(F.log_softmax(logit, -1) + log_comp, -1).mean()


# 4. GRU encoder-decoder with Luong attention sorting digit strings (teacher forcing), Adafactor -----------
SORT_LEN, SORT_BOS = 10, 10


def data_sort() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED_8)
    src = rng.integers(0, 10, (8000 + 1000, SORT_LEN))
    tgt = np.sort(src, 1)
    dec_in = np.concatenate([np.full((len(src), 1), SORT_BOS), tgt[:, :-1]], 1)
    tr, va = slice(0, 8000), slice(8000, None)
    return (
        _t(src[tr], dec_in[tr], tgt[tr], dtypes=[torch.long] * 3),
        _t(src[va], dec_in[va], tgt[va], dtypes=[torch.long] * 3),
    )


class Seq2SeqAttn(nn.Module):
    """Embeddings 32, GRU encoder 64, GRU decoder 64 started from the encoder's last state; "general"
    attention of each decoder output over the encoder outputs, tanh(W [out; context]) to the 10 digits."""

    def __init__(self) -> None:
        super().__init__()
        self.src_emb = nn.Embedding(10, 32)
        self.tgt_emb = nn.Embedding(11, 32)
        self.enc = nn.GRU(32, 64, batch_first=True)
        self.dec = nn.GRU(32, 64, batch_first=True)
        self.attn = nn.Linear(64, 64, bias=False)
        self.comb = nn.Linear(128, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, src: torch.Tensor, dec_in: torch.Tensor) -> torch.Tensor:
        enc_out, h = self.enc(self.src_emb(src))
        dec_out, _ = self.dec(self.tgt_emb(dec_in), h)
        weights = torch.softmax(dec_out @ self.attn(enc_out).transpose(1, 2), -1)
        ctx = weights @ enc_out
        return self.out(torch.tanh(self.comb(torch.cat([dec_out, ctx], -1))))


def loss_seq2seq(model: nn.Module, batch: Batch) -> torch.Tensor:
    src, dec_in, tgt = batch
    return F.cross_entropy(model(src, dec_in).reshape(-1, 10), tgt.reshape(-1))


# 5. contrastive (SimCLR-style NT-Xent / InfoNCE) embedding of digits, SGD momentum + weight decay -----------
def data_digits8_img() -> tuple[Tensors, Tensors]:
    xtr, xva, _, _ = _digits_split()  # round 7's split; the labels are not used
    return _t(xtr.reshape(-1, 1, 8, 8)), _t(xva.reshape(-1, 1, 8, 8))


def _augment(x: torch.Tensor) -> torch.Tensor:
    """A random shift of up to 1 pixel each way (zero fill), 10% of the pixels dropped, Gaussian noise 0.1."""
    b = x.shape[0]
    padded = F.pad(x, (1, 1, 1, 1))
    dy, dx = torch.randint(0, 3, (2, b))
    rows = (dy[:, None] + torch.arange(8)[None, :])[:, :, None].expand(b, 8, 8)
    cols = (dx[:, None] + torch.arange(8)[None, :])[:, None, :].expand(b, 8, 8)
    shifted = padded[torch.arange(b)[:, None, None], 0, rows, cols].unsqueeze(1)
    keep = (torch.rand_like(shifted) > 0.1).float()
    return shifted * keep + 0.1 * torch.randn_like(shifted)


class ContrastiveNet(nn.Module):
    """Conv encoder (16 and 32 channels, BatchNorm, the second strided, global average pool) and a projection
    head 32-64-32 with BatchNorm on its hidden layer, as in SimCLR."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.proj = nn.Sequential(nn.Linear(32, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(self.enc(x))


def loss_infonce(model: nn.Module, batch: Batch) -> torch.Tensor:
    """NT-Xent at temperature 0.2 over the 2B views of a batch of B images (each view's positive: the other
    view of its image; the augmentations draw from torch's global generator)."""
    (x,) = batch
    b = x.shape[0]
    z = F.normalize(model(torch.cat([_augment(x), _augment(x)])), dim=-1)
    sim = z @ z.T / 0.2
    sim = sim.masked_fill(torch.eye(2 * b, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(b, 2 * b), torch.arange(b)])
    return F.cross_entropy(sim, target)


# 6. tabular MLP with BatchNorm at batch 1024, SGD Nesterov + weight decay -----------------------------------
def data_tabular8() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.make_classification(
        n_samples=50_000,
        n_features=40,
        n_informative=20,
        n_redundant=8,
        n_classes=6,
        n_clusters_per_class=3,
        class_sep=1.0,
        flip_y=0.02,
        random_state=DATA_SEED_8,
    )
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=5000, random_state=DATA_SEED_8)
    sc = StandardScaler().fit(xtr)
    return _float_long(sc.transform(xtr), ytr), _float_long(sc.transform(xva), yva)


def build_tabular8() -> nn.Module:
    return nn.Sequential(
        nn.Linear(40, 128),
        nn.BatchNorm1d(128),
        nn.ReLU(),
        nn.Linear(128, 128),
        nn.BatchNorm1d(128),
        nn.ReLU(),
        nn.Linear(128, 6),
    )


# 7. matrix factorization with sparse embeddings on synthetic ratings, SparseAdam --------------------------
MF_USERS, MF_ITEMS = 3000, 1500


def data_ratings() -> tuple[Tensors, Tensors]:
    """1-5 star ratings from a rank-6 taste model with user and item biases and noise, rounded; items drawn
    by a Zipf-like popularity. The training mean is subtracted (the model has no global bias)."""
    rng = np.random.default_rng(DATA_SEED_8)
    n = 120_000 + 10_000
    u_f = rng.standard_normal((MF_USERS, 6)) * 0.45
    i_f = rng.standard_normal((MF_ITEMS, 6)) * 0.45
    u_b = rng.standard_normal(MF_USERS) * 0.4
    i_b = rng.standard_normal(MF_ITEMS) * 0.5
    pop = 1.0 / np.arange(1, MF_ITEMS + 1) ** 0.8
    users = rng.integers(0, MF_USERS, n)
    items = rng.permutation(MF_ITEMS)[rng.choice(MF_ITEMS, n, p=pop / pop.sum())]
    r = 3.5 + u_b[users] + i_b[items] + (u_f[users] * i_f[items]).sum(1) + 0.6 * rng.standard_normal(n)
    r = np.clip(np.round(r), 1, 5)
    r = r - r[:120_000].mean()
    ui = np.stack([users, items], 1)
    return (
        _t(ui[:120_000], r[:120_000], dtypes=[torch.long, torch.float32]),
        _t(ui[120_000:], r[120_000:], dtypes=[torch.long, torch.float32]),
    )


class SparseMF(nn.Module):
    """Biased matrix factorization, dimension 32, every parameter a sparse embedding (init N(0, 0.1^2))."""

    def __init__(self) -> None:
        super().__init__()
        self.user = nn.Embedding(MF_USERS, 32, sparse=True)
        self.item = nn.Embedding(MF_ITEMS, 32, sparse=True)
        self.user_bias = nn.Embedding(MF_USERS, 1, sparse=True)
        self.item_bias = nn.Embedding(MF_ITEMS, 1, sparse=True)
        for emb in (self.user, self.item):
            nn.init.normal_(emb.weight, std=0.1)
        for emb in (self.user_bias, self.item_bias):
            nn.init.zeros_(emb.weight)

    def forward(self, ui: torch.Tensor) -> torch.Tensor:
        u, i = ui[:, 0], ui[:, 1]
        dot = (self.user(u) * self.item(i)).sum(-1)
        return dot + self.user_bias(u).squeeze(-1) + self.item_bias(i).squeeze(-1)


# 8. bias-free MLP (every parameter a matrix) on a tabular set, Muon --------------------------------------
def data_tabular8_muon() -> tuple[Tensors, Tensors]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.make_classification(
        n_samples=24_000,
        n_features=30,
        n_informative=15,
        n_redundant=5,
        n_classes=8,
        n_clusters_per_class=2,
        class_sep=1.2,
        flip_y=0.01,
        random_state=DATA_SEED_8 + 1,
    )
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=4000, random_state=DATA_SEED_8)
    sc = StandardScaler().fit(xtr)
    return _float_long(sc.transform(xtr), ytr), _float_long(sc.transform(xva), yva)


def build_muon_mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(30, 128, bias=False),
        nn.ReLU(),
        nn.Linear(128, 128, bias=False),
        nn.ReLU(),
        nn.Linear(128, 128, bias=False),
        nn.ReLU(),
        nn.Linear(128, 8, bias=False),
    )


# === round 9 ==========================================================================================
# Written blind in a clone of the repo by a helper that had not read the suggestion benchmark, its results
# or the tuner's code. Families and optimizers the first 30 lack: a depthwise-separable CNN, a U-Net-style
# per-pixel segmenter, a mixture-of-experts layer, a normalizing flow, a weight-tied word-level LSTM LM with
# gradient clipping, a triplet-loss embedding, a Cox proportional-hazards survival net, an ordinal
# (cumulative logit) regression at batch 4; NAdam and RAdam with decoupled weight decay, centered RMSprop,
# AdamW with amsgrad, ASGD, SGD with dampening, Adagrad with lr_decay, Adam + L2 at batch 4. Each task's data
# are generated or embedded (fixed data seed below); the data order's generator is seeded with 40000 + the
# seed.

#: round 9's data seed
DATA_SEED_9 = 9009


# 1. MobileNet-like depthwise-separable CNN (BN, ReLU6) on digits, NAdam with decoupled weight decay ----------
def data_digits9_img() -> tuple[Tensors, Tensors]:
    return _digits_img_stratified(DATA_SEED_9)


def _digits_img_stratified(seed: int) -> tuple[Tensors, Tensors]:
    """sklearn's digits (grey levels / 16) as 1x8x8 images with their labels, 297 held out, stratified, split by
    ``seed`` (rounds 9 and 10)."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    d = datasets.load_digits()
    x = (d.data.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    xtr, xva, ytr, yva = train_test_split(x, d.target, test_size=297, random_state=seed, stratify=d.target)
    return _float_long(xtr, ytr), _float_long(xva, yva)


def _dw_separable(cin: int, cout: int, stride: int) -> nn.Module:
    """A depthwise 3x3 conv (one filter per channel) then a pointwise 1x1 conv, each with BN and ReLU6."""
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin, bias=False),
        nn.BatchNorm2d(cin),
        nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(),
    )


def build_mobilenet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU6(),
        _dw_separable(16, 32, 1),
        _dw_separable(32, 64, 2),  # 8x8 -> 4x4
        _dw_separable(64, 64, 1),
        _dw_separable(64, 128, 2),  # 4x4 -> 2x2
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(128, 10),
    )


# 2. small U-Net segmenting synthetic shapes per pixel (background / disk / square), RAdam + decoupled wd ----
SEG_SIZE = 16


def data_shapes() -> tuple[Tensors, Tensors]:
    """16x16 images of 1 to 3 shapes (disks of radius 2 to 4, squares of side 3 to 7, the same brightness
    0.6 to 1.4, a later shape over an earlier one) on Gaussian noise of std 0.35; the label of each pixel is its
    class (0 background, 1 disk, 2 square): the shape, not the brightness, tells them apart."""
    rng = np.random.default_rng(DATA_SEED_9)
    n = 2500 + 500
    yy, xx = np.mgrid[0:SEG_SIZE, 0:SEG_SIZE]
    imgs = np.zeros((n, SEG_SIZE, SEG_SIZE), dtype=np.float32)
    labels = np.zeros((n, SEG_SIZE, SEG_SIZE), dtype=np.int64)
    for i in range(n):
        for _ in range(int(rng.integers(1, 4))):
            value = rng.uniform(0.6, 1.4)
            if rng.random() < 0.5:
                r = rng.uniform(2.0, 4.0)
                cy, cx = rng.uniform(r, SEG_SIZE - r, 2)
                inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
                kind = 1
            else:
                side = int(rng.integers(3, 8))
                top, left = rng.integers(0, SEG_SIZE - side + 1, 2)
                inside = (yy >= top) & (yy < top + side) & (xx >= left) & (xx < left + side)
                kind = 2
            imgs[i][inside] = value
            labels[i][inside] = kind
    imgs += 0.35 * rng.standard_normal(imgs.shape).astype(np.float32)
    x = imgs[:, None]
    return _long_y(x[:2500], labels[:2500]), _long_y(x[2500:], labels[2500:])


def _long_y(x: np.ndarray, y: np.ndarray) -> Tensors:
    return _t(x, y, dtypes=[torch.float32, torch.long])


def _conv_bn(cin: int, cout: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class TinyUNet(nn.Module):
    """Two down levels (16 and 32 channels, two conv-BN-ReLU each, max-pooled), a 64-channel bottleneck at 4x4,
    transposed-conv upsampling with the skip connections concatenated, a 1x1 conv to the 3 classes."""

    def __init__(self) -> None:
        super().__init__()
        self.down1 = nn.Sequential(_conv_bn(1, 16), _conv_bn(16, 16))
        self.down2 = nn.Sequential(_conv_bn(16, 32), _conv_bn(32, 32))
        self.mid = nn.Sequential(_conv_bn(32, 64), _conv_bn(64, 64))
        self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2)
        self.dec2 = nn.Sequential(_conv_bn(64, 32), _conv_bn(32, 32))
        self.up1 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec1 = nn.Sequential(_conv_bn(32, 16), _conv_bn(16, 16))
        self.out = nn.Conv2d(16, 3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d1 = self.down1(x)  # 16x16
        d2 = self.down2(F.max_pool2d(d1, 2))  # 8x8
        m = self.mid(F.max_pool2d(d2, 2))  # 4x4
        u2 = self.dec2(torch.cat([self.up2(m), d2], 1))
        u1 = self.dec1(torch.cat([self.up1(u2), d1], 1))
        return self.out(u1)


# 3. mixture-of-experts regression (top-2 gating, load-balancing loss), centered RMSprop ---------------------
MOE_EXPERTS = 8


def data_moe() -> tuple[Tensors, Tensors]:
    """x uniform on [-2, 2]^8; the signs of x0 and x1 pick one of four regimes, each a different function of
    the other features, plus noise of std 0.1; the target is standardized on the training rows."""
    rng = np.random.default_rng(DATA_SEED_9)
    n = 8000 + 1000
    x = rng.uniform(-2, 2, (n, 8))
    regime = (x[:, 0] > 0).astype(int) * 2 + (x[:, 1] > 0).astype(int)
    f = np.stack(
        [
            np.sin(2 * x[:, 2]) + x[:, 3],
            x[:, 2] * x[:, 3] - 0.5 * x[:, 4],
            np.abs(x[:, 4]) - x[:, 5] + 0.5 * np.cos(3 * x[:, 6]),
            2 * np.tanh(x[:, 6] * x[:, 7]) + 0.3 * x[:, 2] ** 2,
        ]
    )[regime, np.arange(n)]
    y = f + 0.1 * rng.standard_normal(n)
    mean, std = y[:8000].mean(), y[:8000].std()
    y = (y - mean) / std
    return _t(x[:8000], y[:8000]), _t(x[8000:], y[8000:])


class MoERegressor(nn.Module):
    """A linear gate over 8 expert MLPs (8-32-1, GELU); each row is sent to its top-2 experts, weighted by the
    renormalized gate softmax (the experts are computed densely, as small ones are). ``aux`` holds the
    Switch Transformer's load-balancing loss of the last forward: E * sum_e (share routed to e first) *
    (mean gate probability of e)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = nn.Linear(8, MOE_EXPERTS)
        self.w1 = nn.Parameter(torch.randn(MOE_EXPERTS, 8, 32) / math.sqrt(8))
        self.b1 = nn.Parameter(torch.zeros(MOE_EXPERTS, 32))
        self.w2 = nn.Parameter(torch.randn(MOE_EXPERTS, 32, 1) / math.sqrt(32))
        self.b2 = nn.Parameter(torch.zeros(MOE_EXPERTS, 1))
        self.aux = torch.zeros(())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(self.gate(x), -1)
        top_p, top_i = probs.topk(2, -1)
        weights = torch.zeros_like(probs).scatter(-1, top_i, top_p / top_p.sum(-1, keepdim=True))
        h = F.gelu(torch.einsum("bi,eih->beh", x, self.w1) + self.b1)
        out = (torch.einsum("beh,eho->beo", h, self.w2) + self.b2).squeeze(-1)  # (batch, experts)
        share = F.one_hot(top_i[:, 0], MOE_EXPERTS).float().mean(0)
        self.aux = MOE_EXPERTS * (share * probs.mean(0)).sum()
        return (weights * out).sum(-1)


def loss_moe(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    pred = model(x)
    assert isinstance(model, MoERegressor)
    return F.mse_loss(pred, y) + 0.01 * model.aux


# 4. RealNVP normalizing flow on a ring of 8 Gaussians (NLL, with a Bayes floor), AdamW with amsgrad ---------
FLOW_MODES, FLOW_RADIUS, FLOW_SIGMA = 8, 1.5, 0.15


def _flow_data(n: int = 8192 + 1024, seed: int = DATA_SEED_9) -> np.ndarray:
    rng = np.random.default_rng(seed)
    k = rng.integers(0, FLOW_MODES, n)
    angle = 2 * np.pi * k / FLOW_MODES
    centers = FLOW_RADIUS * np.stack([np.cos(angle), np.sin(angle)], 1)
    return centers + FLOW_SIGMA * rng.standard_normal((n, 2))


def data_flow() -> tuple[Tensors, Tensors]:
    x = _flow_data()
    return _t(x[:8192]), _t(x[8192:])


def _flow_floor() -> float:
    """The true density's NLL of the training sample (nats per point): the flow's loss cannot go below it in
    expectation; its regret is the excess over it."""
    x = _flow_data()[:8192]
    angle = 2 * np.pi * np.arange(FLOW_MODES) / FLOW_MODES
    centers = FLOW_RADIUS * np.stack([np.cos(angle), np.sin(angle)], 1)
    sq = ((x[:, None, :] - centers[None]) ** 2).sum(-1)
    log_comp = -sq / (2 * FLOW_SIGMA**2) - np.log(2 * np.pi * FLOW_SIGMA**2) - np.log(FLOW_MODES)
    top = log_comp.max(1, keepdims=True)
    log_p = top[:, 0] + np.log(np.exp(log_comp - top).sum(1))
    return float(-log_p.mean())


class Coupling(nn.Module):
    """An affine coupling layer: the coordinate ``keep`` conditions a scale (tanh-bounded) and a shift of the
    other."""

    def __init__(self, keep: int) -> None:
        super().__init__()
        self.keep = keep
        self.net = nn.Sequential(nn.Linear(1, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: (z, log|det dz/dx|)."""
        a, b = x[:, self.keep], x[:, 1 - self.keep]
        s, t = self.net(a[:, None]).unbind(-1)
        s = torch.tanh(s)
        b = (b - t) * torch.exp(-s)
        z = torch.stack([a, b], 1) if self.keep == 0 else torch.stack([b, a], 1)
        return z, -s


class RealNVP(nn.Module):
    """8 affine couplings, alternating the conditioning coordinate, to a standard normal base."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Coupling(i % 2) for i in range(8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The log-density of each point."""
        logdet = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, ld = layer(x)
            logdet = logdet + ld
        return -0.5 * (x**2).sum(1) - math.log(2 * math.pi) + logdet


def loss_flow(model: nn.Module, batch: Batch) -> torch.Tensor:
    (x,) = batch
    return -model(x).mean()


# 5. weight-tied word-level LSTM LM with dropout, ASGD + gradient-norm clipping (AWD-LSTM style) -------------
WORD_CTX = 24


def _words() -> list[str]:
    words = sorted({*_NOUNS, *_VERBS, *_ADJS, *_DETS, "that", "and", ",", "."})
    return words


def data_words() -> tuple[Tensors, Tensors]:
    """Round 7's synthetic grammar, here at the word level (commas and full stops as words), drawn anew from
    round 9's data seed, in windows of 24 words."""
    rng = np.random.default_rng(DATA_SEED_9)
    vocab = {w: i for i, w in enumerate(_words())}
    ids: list[int] = []
    while len(ids) < 3600 * (WORD_CTX + 1):
        for w in _sentence(rng):
            if w.endswith(","):
                ids += [vocab[w[:-1]], vocab[","]]
            else:
                ids.append(vocab[w])
        ids.append(vocab["."])
    chunks = np.array(ids[: 3600 * (WORD_CTX + 1)], dtype=np.int64).reshape(3600, WORD_CTX + 1)
    chunks = chunks[rng.permutation(3600)]
    tr, va = chunks[:3000], chunks[3000:]
    return _long(tr[:, :-1], tr[:, 1:]), _long(va[:, :-1], va[:, 1:])


class TiedLSTM(nn.Module):
    """Embedding 64, one LSTM layer of 64, dropout 0.2 on the embeddings and the outputs, the decoder tied to
    the embedding (with its own bias)."""

    def __init__(self) -> None:
        super().__init__()
        v = len(_words())
        self.emb = nn.Embedding(v, 64)
        self.rnn = nn.LSTM(64, 64, batch_first=True)
        self.drop = nn.Dropout(0.2)
        self.dec = nn.Linear(64, v)
        self.dec.weight = self.emb.weight
        nn.init.uniform_(self.emb.weight, -0.1, 0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.drop(self.emb(x)))
        return self.dec(self.drop(out))


def loss_word_lm(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


class ClippedASGD(torch.optim.ASGD):
    """ASGD as AWD-LSTM switches to it (t0 = 0, lambd = 0: averaging from the start, no decay of the step;
    weight decay 1.2e-6), the gradients clipped to norm 0.25 before each step (the clipping lives in the
    optimizer, so the plain loop and the Trainer clip alike)."""

    CLIP = 0.25

    def __init__(self, params: Iterable[nn.Parameter], lr: float) -> None:
        super().__init__(params, lr=lr, t0=0, lambd=0.0, weight_decay=1.2e-6)

    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        params = [p for g in self.param_groups for p in g["params"] if p.grad is not None]
        nn.utils.clip_grad_norm_(params, self.CLIP)
        super().step()
        return loss


# 6. triplet embedding of noisy digits (batch-all, soft margin), SGD momentum with dampening ------------------
def data_digits9_flat() -> tuple[Tensors, Tensors]:
    (xtr, ytr), (xva, yva) = data_digits9_img()
    return (xtr.reshape(-1, 64), ytr), (xva.reshape(-1, 64), yva)


def build_embedder() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 32))


def loss_triplet(model: nn.Module, batch: Batch) -> torch.Tensor:
    """The batch-all triplet loss with a soft margin: softplus(d(a, p) - d(a, n)) averaged over every (anchor,
    positive, negative) of the batch (Euclidean distances of the unnormalized embeddings), on views with
    Gaussian noise 0.15 and 10% of the pixels dropped (drawn from torch's global generator). Written first with
    batch-hard mining (Hermans et al. 2017), which collapsed every embedding to one point (loss log 2) at every
    LR tried before any range test ran."""
    x, y = batch
    x = x * (torch.rand_like(x) > 0.1).float() + 0.15 * torch.randn_like(x)
    z = model(x)
    sq = (z[:, None, :] - z[None, :, :]).pow(2).sum(-1)
    dist = sq.clamp(min=1e-12).sqrt()
    same = y[:, None] == y[None, :]
    pos = same & ~torch.eye(len(y), dtype=torch.bool)
    valid = pos[:, :, None] & ~same[:, None, :]  # [anchor, positive, negative]
    return F.softplus((dist[:, :, None] - dist[:, None, :])[valid]).mean()


# 7. Cox proportional-hazards survival net (DeepSurv-style, SELU), censored times, Adagrad with lr_decay -----
def data_survival() -> tuple[Tensors, Tensors]:
    """12 standard normal covariates; a nonlinear log-hazard; exponential event times, exponential censoring
    (about a third of the rows censored) and a cut at time 5. Rows: (x, time, event)."""
    rng = np.random.default_rng(DATA_SEED_9)
    n = 8000 + 1000
    x = rng.standard_normal((n, 12))
    log_hazard = (
        0.8 * x[:, 0]
        - 0.6 * x[:, 1]
        + 0.5 * x[:, 2] ** 2
        + 0.7 * np.sin(2 * x[:, 3]) * x[:, 4]
        + 0.4 * x[:, 5] * x[:, 6]
        - 0.5
    )
    event_time = rng.exponential(1.0 / np.exp(log_hazard))
    censor_time = np.minimum(rng.exponential(2.0, n), 5.0)
    time = np.minimum(event_time, censor_time)
    event = (event_time <= censor_time).astype(np.float32)
    dt = [torch.float32, torch.float32, torch.float32]
    return _t(x[:8000], time[:8000], event[:8000], dtypes=dt), _t(
        x[8000:], time[8000:], event[8000:], dtypes=dt
    )


def build_deepsurv() -> nn.Module:
    return nn.Sequential(nn.Linear(12, 64), nn.SELU(), nn.Linear(64, 64), nn.SELU(), nn.Linear(64, 1))


def loss_cox(model: nn.Module, batch: Batch) -> torch.Tensor:
    """The negative Cox partial log-likelihood of the batch (Breslow; each event's risk set: the batch's rows
    still at risk at its time), averaged over the batch's events."""
    x, time, event = batch
    risk = model(x).squeeze(-1)
    order = torch.argsort(time, descending=True)
    risk, event = risk[order], event[order]
    log_risk_set = torch.logcumsumexp(risk, 0)
    return -((risk - log_risk_set) * event).sum() / event.sum().clamp(min=1.0)


# 8. ordinal regression (cumulative logit, learned ordered cut-points) on diabetes in 5 levels, batch 4 --------
ORD_LEVELS = 5


def data_ordinal() -> tuple[Tensors, Tensors]:
    """Diabetes' features standardized, its target cut at its quintiles into 5 ordered levels."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = datasets.load_diabetes(return_X_y=True)
    levels = np.searchsorted(np.quantile(y, [0.2, 0.4, 0.6, 0.8]), y, side="right")
    xtr, xva, ytr, yva = train_test_split(x, levels, test_size=90, random_state=DATA_SEED_9, stratify=levels)
    sc = StandardScaler().fit(xtr)
    return _float_long(sc.transform(xtr), ytr), _float_long(sc.transform(xva), yva)


class OrdinalNet(nn.Module):
    """An MLP 10-32-1 score f and 4 ordered cut-points (the first free, then softplus increments):
    P(level <= k) = sigmoid(cut_k - f)."""

    def __init__(self) -> None:
        super().__init__()
        self.score = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
        self.first = nn.Parameter(torch.tensor(-1.5))
        self.gaps = nn.Parameter(torch.zeros(ORD_LEVELS - 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The log-probability of each level, (batch, levels)."""
        cuts = torch.cat([self.first[None], self.first + torch.cumsum(F.softplus(self.gaps) + 0.1, 0)])
        cdf = torch.sigmoid(cuts[None, :] - self.score(x))
        cdf = torch.cat([torch.zeros(len(x), 1), cdf, torch.ones(len(x), 1)], 1)
        return torch.log((cdf[:, 1:] - cdf[:, :-1]).clamp(min=1e-9))


def loss_ordinal(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.nll_loss(model(x), y)


# === round 10 =========================================================================================
# Written blind in a clone of the repo by a helper that had not read the suggestion benchmark, its results
# or the tuner's code. Families and optimizers the first 38 lack: a squeeze-and-excitation CNN with
# GroupNorm, a graph attention network labelling nodes, a CRNN reading digit strings with a CTC loss, a
# BERT-like masked-token model; Lion, Ranger (RAdam + Lookahead), AdaBelief and LAMB, each written here as
# the packages users take them from write them (none is in torch). Each task's data are generated or
# embedded (fixed data seed below); the data order's generator is seeded with 50000 + the seed.

#: round 10's data seed
DATA_SEED_10 = 10010


# 1. squeeze-and-excitation CNN with GroupNorm and SiLU on digits, Lion ------------------------------------------
def data_digits10_img() -> tuple[Tensors, Tensors]:
    return _digits_img_stratified(DATA_SEED_10)


class SEBlock(nn.Module):
    """conv3x3 - GroupNorm(4) - SiLU, then squeeze-and-excitation: each channel scaled by a sigmoid gate from
    the global average (reduction 4); a residual connection when the shape allows one."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.norm = nn.GroupNorm(4, cout)
        self.squeeze = nn.Sequential(
            nn.Linear(cout, cout // 4), nn.SiLU(), nn.Linear(cout // 4, cout), nn.Sigmoid()
        )
        self.residual = cin == cout and stride == 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.norm(self.conv(x)))
        h = h * self.squeeze(h.mean((2, 3)))[:, :, None, None]
        return x + h if self.residual else h


def build_se_cnn() -> nn.Module:
    return nn.Sequential(
        SEBlock(1, 16, 1),
        SEBlock(16, 16, 1),
        SEBlock(16, 32, 2),  # 8x8 -> 4x4
        SEBlock(32, 32, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )


class _PerTensor(torch.optim.Optimizer):
    """An optimizer whose step updates each parameter with a gradient on its own (:meth:`_update`), with the
    settings of :attr:`DEFAULTS` that the call does not give: round 10's Lion, AdaBelief and LAMB, written out
    since torch has none of them."""

    DEFAULTS: dict[str, Any] = {}

    def __init__(self, params: Iterable[nn.Parameter], **given: Any) -> None:
        unknown = sorted(set(given) - set(self.DEFAULTS))
        if unknown:
            raise TypeError(f"{type(self).__name__} takes {sorted(self.DEFAULTS)}, got {unknown}")
        super().__init__(params, {**self.DEFAULTS, **given})

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad, group, self.state[p])
        return loss

    def _update(self, p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        raise NotImplementedError


def _moments(
    p: torch.Tensor, state: dict[str, Any], second: str, b1: float, b2: float
) -> tuple[torch.Tensor, torch.Tensor, float, float]:
    """Adam's first moment and the second one named ``second`` of ``p`` (zeros at its first step), with the bias
    corrections of this step, the step counted."""
    if not state:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(p)
        state[second] = torch.zeros_like(p)
    state["step"] += 1
    return state["exp_avg"], state[second], 1 - b1 ** state["step"], 1 - b2 ** state["step"]


class Lion(_PerTensor):
    """Lion (Chen et al. 2023) as lion-pytorch writes it: the step is lr * sign(beta1 m + (1 - beta1) g), the
    momentum m then updated with beta2; decoupled weight decay p *= 1 - lr * wd."""

    DEFAULTS = {"lr": 1e-4, "betas": (0.9, 0.99), "weight_decay": 0.0}

    def _update(self, p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state["exp_avg"] = torch.zeros_like(p)
        m = state["exp_avg"]
        p.mul_(1 - lr * wd)
        p.add_(torch.sign(m * b1 + g * (1 - b1)), alpha=-lr)
        m.mul_(b2).add_(g, alpha=1 - b2)


# 2. graph attention network labelling the nodes of stochastic-block-model graphs, Ranger ----------------------
GAT_NODES, GAT_CLASSES, GAT_FEATURES = 20, 3, 8


def data_sbm_nodes() -> tuple[Tensors, Tensors]:
    """Graphs of 20 nodes in 3 communities (each node's community uniform), edges within a community with
    probability 0.4, across 0.05; each node's features are its community's prototype (fixed, unit norm, 8-d)
    plus Gaussian noise of std 1.2, so a node's own features say little and its neighbours' say more. Rows:
    (features, adjacency with self-loops, community of each node)."""
    rng = np.random.default_rng(DATA_SEED_10)
    n = 2000 + 300
    protos = rng.standard_normal((GAT_CLASSES, GAT_FEATURES))
    protos /= np.linalg.norm(protos, axis=1, keepdims=True)
    y = rng.integers(0, GAT_CLASSES, (n, GAT_NODES))
    same = y[:, :, None] == y[:, None, :]
    upper = rng.random((n, GAT_NODES, GAT_NODES)) < np.where(same, 0.4, 0.05)
    upper = np.triu(upper, 1)
    adj = (upper | upper.transpose(0, 2, 1) | np.eye(GAT_NODES, dtype=bool)[None]).astype(np.float32)
    x = (protos[y] + 1.2 * rng.standard_normal((n, GAT_NODES, GAT_FEATURES))).astype(np.float32)
    dt = [torch.float32, torch.float32, torch.long]
    return _t(x[:2000], adj[:2000], y[:2000], dtypes=dt), _t(x[2000:], adj[2000:], y[2000:], dtypes=dt)


class GATLayer(nn.Module):
    """A dense graph attention layer (Velickovic et al.): per head, e_ij = LeakyReLU(a_src . W h_i +
    a_dst . W h_j) over the edges (self-loops included), softmax over each node's neighbours."""

    def __init__(self, fin: int, fout: int, heads: int) -> None:
        super().__init__()
        self.heads, self.fout = heads, fout
        self.proj = nn.Linear(fin, heads * fout, bias=False)
        self.a_src = nn.Parameter(torch.randn(heads, fout) * 0.1)
        self.a_dst = nn.Parameter(torch.randn(heads, fout) * 0.1)
        self.bias = nn.Parameter(torch.zeros(heads * fout))

    def forward(self, h: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        b, n, _ = h.shape
        wh = self.proj(h).view(b, n, self.heads, self.fout)
        src = (wh * self.a_src).sum(-1)  # (b, n, heads)
        dst = (wh * self.a_dst).sum(-1)
        e = F.leaky_relu(src[:, :, None, :] + dst[:, None, :, :], 0.2)  # (b, i, j, heads)
        e = e.masked_fill(adj[..., None] == 0, float("-inf"))
        att = torch.softmax(e, dim=2)
        out = torch.einsum("bijh,bjhf->bihf", att, wh).reshape(b, n, self.heads * self.fout)
        return out + self.bias


class GAT(nn.Module):
    """Two 4-head attention layers (16 features per head, concatenated, ELU), a 1-head output layer."""

    def __init__(self) -> None:
        super().__init__()
        self.l1 = GATLayer(GAT_FEATURES, 16, 4)
        self.l2 = GATLayer(64, 16, 4)
        self.out = GATLayer(64, GAT_CLASSES, 1)

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        h = F.elu(self.l1(x, adj))
        h = F.elu(self.l2(h, adj))
        return self.out(h, adj)


def loss_gat(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, adj, y = batch
    return F.cross_entropy(model(x, adj).reshape(-1, GAT_CLASSES), y.reshape(-1))


class Ranger(torch.optim.RAdam):
    """Ranger as its users build it: RAdam's step, then Lookahead (Zhang et al. 2019): every k = 6 steps the
    slow weights move alpha = 0.5 of the way to the fast ones and the fast ones are reset to them."""

    K, ALPHA = 6, 0.5

    def __init__(self, params: Iterable[nn.Parameter], lr: float) -> None:
        super().__init__(params, lr=lr)

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:  # type: ignore[override]
        """RAdam's step, then Lookahead's; its slow weights and step count live in the parameter's state (made
        after RAdam's first step, as Ranger makes them), so they go where the optimizer's state goes."""
        loss = super().step(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "slow" not in state:
                    state["slow"] = p.detach().clone()  # the weights after the first fast step
                    state["lookahead_step"] = 0
                state["lookahead_step"] += 1
                if state["lookahead_step"] % self.K == 0:
                    slow = state["slow"]
                    slow.add_(p - slow, alpha=self.ALPHA)
                    p.copy_(slow)
        return loss


# 3. CRNN reading strings of 3 to 5 digits with a CTC loss, AdaBelief ----------------------------------------
CTC_WIDTH, CTC_MAX_LEN, CTC_BLANK = 48, 5, 10


def data_digit_strings() -> tuple[Tensors, Tensors]:
    """8x48 images of 3 to 5 digits (sklearn's, grey levels / 16) placed left to right, 0 to 2 pixels apart,
    from a random start; the training strings use the training digits only. Rows: (image, labels
    padded with the blank, number of labels)."""
    (xtr, ytr), (xva, yva) = data_digits10_img()
    rng = np.random.default_rng(DATA_SEED_10)

    def make(imgs: torch.Tensor, labels: torch.Tensor, n: int) -> Tensors:
        out = np.zeros((n, 1, 8, CTC_WIDTH), dtype=np.float32)
        lab = np.full((n, CTC_MAX_LEN), CTC_BLANK, dtype=np.int64)
        lengths = rng.integers(3, CTC_MAX_LEN + 1, n)
        for i in range(n):
            gaps = rng.integers(0, 3, lengths[i])
            gaps[0] = 0
            col = int(rng.integers(0, CTC_WIDTH - 8 * lengths[i] - gaps.sum() + 1))
            for k in range(lengths[i]):
                j = int(rng.integers(0, len(labels)))
                col += int(gaps[k])
                out[i, 0, :, col : col + 8] = imgs[j, 0].numpy()
                lab[i, k] = int(labels[j])
                col += 8
        return _t(out, lab, lengths, dtypes=[torch.float32, torch.long, torch.long])

    return make(xtr, ytr, 3000), make(xva, yva, 300)


class CRNN(nn.Module):
    """Two conv-ReLU layers (16, 32 ch) pooled to height 2 and 24 columns, a bidirectional GRU (32 per
    direction) over the columns, a linear layer to 10 digits + blank: per column log-probabilities (T, B, C)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 8x48 -> 4x24
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d((2, 1)),  # -> 2x24
        )
        self.rnn = nn.GRU(64, 32, batch_first=True, bidirectional=True)
        self.head = nn.Linear(64, CTC_BLANK + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.conv(x)  # (B, 32, 2, 24)
        f = f.permute(0, 3, 1, 2).flatten(2)  # (B, 24, 64)
        h, _ = self.rnn(f)
        return F.log_softmax(self.head(h), -1).transpose(0, 1)


def loss_ctc(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, labels, lengths = batch
    log_probs = model(x)
    steps = torch.full((x.shape[0],), log_probs.shape[0], dtype=torch.long)
    return F.ctc_loss(log_probs, labels, steps, lengths, blank=CTC_BLANK, zero_infinity=True)


class AdaBelief(_PerTensor):
    """AdaBelief (Zhuang et al. 2020) as adabelief-pytorch 0.2 defaults it, without its rectification: Adam
    with the second moment of (g - m) instead of g, eps 1e-16 (added inside the moment too), decoupled weight
    decay."""

    DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-16, "weight_decay": 1e-4}

    def _update(self, p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        m, s, c1, c2 = _moments(p, state, "exp_avg_var", b1, b2)
        p.mul_(1 - lr * wd)
        m.mul_(b1).add_(g, alpha=1 - b1)
        s.mul_(b2).addcmul_(g - m, g - m, value=1 - b2).add_(eps)
        denom = (s / c2).sqrt().add_(eps)
        p.addcdiv_(m, denom, value=-lr / c1)


# 4. BERT-like masked-token model (pre-LN encoder, tied head) on synthetic token text, LAMB at batch 128 --------
MLM_VOCAB, MLM_LEN = 40, 16
MLM_MASK = MLM_VOCAB  # the [MASK] token's id


def data_masked_tokens() -> tuple[Tensors, Tensors]:
    """Sequences of 16 tokens: the first 8 from a hidden Markov chain (6 states, each emitting 8 of the 40
    tokens), the last 8 the first 8 mapped through a fixed permutation of the tokens. Static masking as the
    first BERT did: 15% of the positions picked, 80% of those replaced by [MASK], 10% by a random token, 10%
    kept; the targets are the picked positions' tokens (-100 elsewhere)."""
    rng = np.random.default_rng(DATA_SEED_10)
    n = 8192 + 512
    trans = rng.dirichlet(np.full(6, 0.3), 6)
    emit_tokens = np.stack([rng.choice(MLM_VOCAB, 8, replace=False) for _ in range(6)])
    perm = rng.permutation(MLM_VOCAB)
    half = MLM_LEN // 2
    seqs = np.zeros((n, MLM_LEN), dtype=np.int64)
    for i in range(n):
        state = int(rng.integers(0, 6))
        for t in range(half):
            seqs[i, t] = emit_tokens[state, rng.integers(0, 8)]
            state = int(rng.choice(6, p=trans[state]))
    seqs[:, half:] = perm[seqs[:, :half]]
    picked = rng.random((n, MLM_LEN)) < 0.15
    picked[np.arange(n), rng.integers(0, MLM_LEN, n)] = True  # at least one target per sequence
    targets = np.where(picked, seqs, -100)
    r = rng.random((n, MLM_LEN))
    inputs = seqs.copy()
    inputs[picked & (r < 0.8)] = MLM_MASK
    random_tok = picked & (r >= 0.8) & (r < 0.9)
    inputs[random_tok] = rng.integers(0, MLM_VOCAB, random_tok.sum())
    return _long(inputs[:8192], targets[:8192]), _long(inputs[8192:], targets[8192:])


class TinyBERT(nn.Module):
    """Token + learned position embeddings, 2 pre-LN bidirectional encoder blocks (d 32, 4 heads, GELU MLP 64),
    a final LayerNorm, a head tied to the token embedding (the [MASK] row is never predicted)."""

    def __init__(self) -> None:
        super().__init__()
        d = 32
        self.tok = nn.Embedding(MLM_VOCAB + 1, d)
        self.pos = nn.Embedding(MLM_LEN, d)
        self.blocks = _pre_ln_blocks(d, 2 * d)
        self.norm = nn.LayerNorm(d)
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.tok(x) + self.pos(torch.arange(x.shape[1])))
        return self.norm(h) @ self.tok.weight[:MLM_VOCAB].T


def loss_mlm(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    return F.cross_entropy(model(x).reshape(-1, MLM_VOCAB), y.reshape(-1), ignore_index=-100)


class LAMB(_PerTensor):
    """LAMB (You et al. 2020) as the common PyTorch ports write it: Adam's bias-corrected update plus decoupled
    weight decay, scaled per parameter tensor by the trust ratio ||p|| / ||update|| (1 where either is 0)."""

    DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-6, "weight_decay": 0.01}

    def _update(self, p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        m, v, c1, c2 = _moments(p, state, "exp_avg_sq", b1, b2)
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        update = (m / c1) / ((v / c2).sqrt() + eps) + wd * p
        w_norm, u_norm = p.norm(), update.norm()
        trust = (w_norm / u_norm) if w_norm > 0 and u_norm > 0 else torch.ones(())
        p.add_(update, alpha=-lr * float(trust))


# === round 11 =========================================================================================
# Written blind in a clone of the repo by a helper that had not read the suggestion benchmark, its results or
# the tuner's code. The theme: fine-tuning from pretrained weights. Each task's build() first pretrains its
# network on a related source task (Adam at 1e-3 for a few hundred steps, the initial weights and the source
# batches drawn from the RNG state torch.manual_seed(seed) leaves), then adds what the target task needs (a
# new head, a frozen backbone, anchors), and the network is trained on the target task at the LR judged. A
# pretraining is run once per task and RNG state in a process (:func:`_pretrained`). The situations: full
# fine-tuning of a BatchNorm CNN with a new head on new classes under a domain shift, a frozen pretrained 1-D
# CNN with a new MLP head, a GRU forecaster adapted to a shifted regime, an MLP regressor fine-tuned to a
# related function with an L2-SP penalty (towards the pretrained weights) for 1000 steps. The data are
# generated or embedded (fixed data seed below); the data order's generator is seeded with 60000 + the seed.

#: round 11's data seed
DATA_SEED_11 = 10011

#: round 11's pretrained networks: (task, initial seed, RNG state at the build's start) -> (the built network,
#: the RNG state after it)
_PRETRAINED: dict[tuple[str, int, bytes], tuple[nn.Module, torch.Tensor]] = {}


def _pretrained(name: str, make: Callable[[], nn.Module]) -> nn.Module:
    """``make()`` (pretraining a network from the global RNG, then adding the target task's new parts) run
    once per task and RNG state: a later build from the same state gets a deep copy of the first build's
    network and the RNG state the first build left, so it is bit for bit the same network and the draws after
    it are the same."""
    key = (name, torch.initial_seed(), bytes(torch.get_rng_state().numpy()))
    if key not in _PRETRAINED:
        with torch.enable_grad():
            net = make()
        _PRETRAINED[key] = (net, torch.get_rng_state())
    net, state = _PRETRAINED[key]
    torch.set_rng_state(state)
    return copy.deepcopy(net)


def _pretrain(
    net: nn.Module,
    loss: Callable[[nn.Module, Batch], torch.Tensor],
    data: Tensors,
    steps: int,
    batch: int,
    lr: float = 1e-3,
) -> None:
    """``steps`` steps of Adam at ``lr`` on the source ``data``, each batch ``batch`` rows drawn with
    replacement from the global RNG; the gradients cleared after."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    n = len(data[0])
    net.train()
    for _ in range(steps):
        idx = torch.randint(0, n, (batch,))
        value = loss(net, tuple(t[idx] for t in data))
        opt.zero_grad(set_to_none=True)
        value.backward()
        opt.step()
    net.zero_grad(set_to_none=True)


# 1. BN CNN pretrained on digits 0-4, fine-tuned whole with a new head on shifted noisy digits 5-9, SGD-m ---
def _digits_by_class() -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    d = datasets.load_digits()
    return (d.data.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8), d.target


@cache
def _source_digits04() -> Tensors:
    """The pretraining data: every digit 0-4 of sklearn's digits as it is (901 images)."""
    x, y = _digits_by_class()
    keep = y < 5
    return _float_long(x[keep], y[keep])


def data_digits59_shifted() -> tuple[Tensors, Tensors]:
    """The target: the digits 5-9 (labels 0-4), each moved by a random shift of -1, 0 or 1 pixel in each
    direction (zeros filled in) plus Gaussian noise of std 0.1; 180 held out, stratified."""
    from sklearn.model_selection import train_test_split

    x, y = _digits_by_class()
    keep = y >= 5
    x, y = x[keep].copy(), y[keep] - 5
    rng = np.random.default_rng(DATA_SEED_11)
    shifted = np.zeros_like(x)
    for i, (dy, dx) in enumerate(rng.integers(-1, 2, (len(x), 2))):
        src = x[i, 0, max(0, -dy) : 8 - max(0, dy), max(0, -dx) : 8 - max(0, dx)]
        shifted[i, 0, max(0, dy) : 8 - max(0, -dy), max(0, dx) : 8 - max(0, -dx)] = src
    shifted += rng.normal(0.0, 0.1, shifted.shape).astype(np.float32)
    xtr, xva, ytr, yva = train_test_split(shifted, y, test_size=180, random_state=DATA_SEED_11, stratify=y)
    return _float_long(xtr, ytr), _float_long(xva, yva)


class DigitsBackboneCNN(nn.Module):
    """3 conv3x3-BN-ReLU layers (8, 16, 32 channels, a max-pool after the second), global average pooling, a
    linear head over 5 classes."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 8x8 -> 4x4
            nn.Conv2d(16, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(),
        )
        self.head = nn.Linear(32, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean((2, 3)))


def _make_finetune_cnn() -> nn.Module:
    net = DigitsBackboneCNN()
    _pretrain(net, _xy_loss(F.cross_entropy), _source_digits04(), steps=200, batch=64)
    net.head = nn.Linear(32, 5)  # the new head for the digits 5-9
    return net


def build_finetune_cnn() -> nn.Module:
    return _pretrained("finetune_cnn", _make_finetune_cnn)


# 2. frozen 1-D CNN pretrained on waveform shape x frequency band, new MLP head on shape x modulation, AdamW -
WAVE_LEN = 64


def _waves(
    rng: np.random.Generator, n: int, f_lo: float, f_hi: float, noise: float, am: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` waveforms of WAVE_LEN samples: a sine, square, sawtooth or triangle wave (uniform) of f_lo..f_hi
    cycles per window, random phase, amplitude 0.5-1.5, amplitude-modulated where ``am`` (a slow sine
    envelope, depth 0.7, 0.5-1.5 cycles), plus white noise of std ``noise``: (waves, shapes, frequencies)."""
    t = np.arange(WAVE_LEN) / WAVE_LEN
    shape = rng.integers(0, 4, n)
    freq = rng.uniform(f_lo, f_hi, n)
    phase = 2 * np.pi * freq[:, None] * t + rng.uniform(0, 2 * np.pi, (n, 1))
    saw = 2 * ((phase / (2 * np.pi)) % 1.0) - 1
    waves = np.stack([np.sin(phase), np.sign(np.sin(phase)), saw, 2 * np.abs(saw) - 1], 1)[
        np.arange(n), shape
    ]
    envelope = 1 + 0.7 * np.sin(
        2 * np.pi * rng.uniform(0.5, 1.5, (n, 1)) * t + rng.uniform(0, 2 * np.pi, (n, 1))
    )
    waves = waves * np.where(am[:, None], envelope, 1.0) * rng.uniform(0.5, 1.5, (n, 1))
    waves = waves + noise * rng.standard_normal((n, WAVE_LEN))
    return waves[:, None, :].astype(np.float32), shape, freq


@cache
def _source_waves() -> Tensors:
    """The pretraining data: 6000 waveforms of 1-10 cycles, noise 0.2, none modulated, labelled by shape x
    frequency band (1-3, 3-6, 6-10 cycles): 12 classes."""
    rng = np.random.default_rng(DATA_SEED_11 + 1)
    n = 6000
    x, shape, freq = _waves(rng, n, 1.0, 10.0, 0.2, np.zeros(n, dtype=bool))
    band = np.digitize(freq, [3.0, 6.0])
    return _float_long(x, shape * 3 + band)


def data_waves_modulated() -> tuple[Tensors, Tensors]:
    """The target: waveforms of 1-10 cycles with more noise (0.3), half of them amplitude-modulated, labelled
    by shape x modulated: 8 classes; 2000 to train on, 400 held out."""
    rng = np.random.default_rng(DATA_SEED_11 + 2)
    n = 2400
    am = rng.random(n) < 0.5
    x, shape, _ = _waves(rng, n, 1.0, 10.0, 0.3, am)
    y = shape * 2 + am
    return _float_long(x[:2000], y[:2000]), _float_long(x[2000:], y[2000:])


class WaveCNN(nn.Module):
    """A 1-D CNN backbone (conv7-ReLU-pool2, conv5-ReLU-pool2, conv3-ReLU; 16, 32, 64 channels; global average
    and max pooling concatenated: 128 features) and a head."""

    def __init__(self, head: nn.Module) -> None:
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv1d(1, 16, 7, padding=3),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(16, 32, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(32, 64, 3, padding=1),
            nn.ReLU(),
        )
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.backbone(x)
        return self.head(torch.cat([h.mean(2), h.amax(2)], 1))


def _make_frozen_wave_cnn() -> nn.Module:
    net = WaveCNN(nn.Linear(128, 12))
    _pretrain(net, _xy_loss(F.cross_entropy), _source_waves(), steps=300, batch=64)
    net.backbone.requires_grad_(False)  # frozen: only the new head trains
    net.head = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 8))
    return net


def build_frozen_wave_cnn() -> nn.Module:
    return _pretrained("frozen_wave_cnn", _make_frozen_wave_cnn)


# 3. GRU forecaster pretrained on one regime of seasonal series, adapted to a shifted regime, Adam ----------
SERIES_LEN = 24


def _series(
    rng: np.random.Generator,
    n: int,
    periods: tuple[float, float],
    amp: tuple[float, float],
    noise: float,
    trend: float,
    level: float,
    components: int,
) -> np.ndarray:
    """``n`` series of SERIES_LEN + 1 values: ``components`` sines of periods and amplitudes drawn from the
    given ranges (random phases), a linear trend of slope in +-``trend``, a level in +-``level`` and AR(1)
    noise (coefficient 0.8, innovations of std ``noise``)."""
    t = np.arange(SERIES_LEN + 1)
    x = np.zeros((n, SERIES_LEN + 1))
    for _ in range(components):
        p = rng.uniform(*periods, (n, 1))
        x += rng.uniform(*amp, (n, 1)) * np.sin(2 * np.pi * t / p + rng.uniform(0, 2 * np.pi, (n, 1)))
    x += rng.uniform(-trend, trend, (n, 1)) * t + rng.uniform(-level, level, (n, 1))
    eps = noise * rng.standard_normal((n, SERIES_LEN + 1))
    ar = np.zeros_like(eps)
    for i in range(SERIES_LEN + 1):
        ar[:, i] = eps[:, i] + (0.8 * ar[:, i - 1] if i else 0.0)
    return (x + ar).astype(np.float32)


def _next_value(s: np.ndarray) -> Tensors:
    return _t(s[:, :-1, None], s[:, 1:])


@cache
def _source_series() -> Tensors:
    """The pretraining data: 4000 series of 2 sines (periods 8-16, amplitudes 0.5-1.5), no trend or level, AR
    noise 0.1."""
    rng = np.random.default_rng(DATA_SEED_11 + 3)
    return _next_value(_series(rng, 4000, (8.0, 16.0), (0.5, 1.5), 0.1, 0.0, 0.0, 2))


def data_series_shifted() -> tuple[Tensors, Tensors]:
    """The target: series of 3 sines of shorter periods (5-12) and amplitudes 0.3-1.2, slopes up to +-0.03,
    levels up to +-1, AR noise 0.15; 1500 to train on, 300 held out."""
    rng = np.random.default_rng(DATA_SEED_11 + 4)
    s = _series(rng, 1800, (5.0, 12.0), (0.3, 1.2), 0.15, 0.03, 1.0, 3)
    return _next_value(s[:1500]), _next_value(s[1500:])


class GRUForecaster(nn.Module):
    """A GRU (1 -> 32) over the series and a linear read-out of the next value at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out).squeeze(-1)


def _make_gru_forecaster() -> nn.Module:
    net = GRUForecaster()
    _pretrain(net, _xy_loss(F.mse_loss), _source_series(), steps=300, batch=32)
    return net


def build_gru_forecaster() -> nn.Module:
    return _pretrained("gru_forecaster", _make_gru_forecaster)


# 4. MLP regressor pretrained on one function of 8 inputs, fine-tuned on a related one with L2-SP, NAdam ---
def _regression_inputs(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 8))


def _f_source(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * x[:, 0]) * np.cos(x[:, 1]) + 0.5 * x[:, 2] ** 2 - x[:, 3] * x[:, 4] + 0.3 * x[:, 5]


def _f_target(x: np.ndarray) -> np.ndarray:
    return (
        np.sin(2 * x[:, 0] + 0.5) * np.cos(x[:, 1])
        + 0.5 * x[:, 2] ** 2
        - 1.5 * x[:, 3] * x[:, 4]
        + 0.3 * x[:, 5]
        + 0.4 * x[:, 6] * x[:, 7]
    )


@cache
def _source_regression() -> Tensors:
    """The pretraining data: 8000 standard normal inputs, the source function (noise 0.05)."""
    rng = np.random.default_rng(DATA_SEED_11 + 5)
    x = _regression_inputs(rng, 8000)
    return _t(x, _f_source(x) + 0.05 * rng.standard_normal(len(x)))


def data_regression_target() -> tuple[Tensors, Tensors]:
    """The target: the source function with its first sine's phase moved, its x3 x4 term 1.5 times as strong
    and a new x6 x7 term, noise 0.1; 1000 to train on, 300 held out."""
    rng = np.random.default_rng(DATA_SEED_11 + 6)
    x = _regression_inputs(rng, 1300)
    y = _f_target(x) + 0.1 * rng.standard_normal(len(x))
    return _t(x[:1000], y[:1000]), _t(x[1000:], y[1000:])


class AnchoredMLP(nn.Module):
    """An MLP 8-64-64-64-1 with GELU; :meth:`anchor` keeps a copy of its weights (a flat buffer) that
    :meth:`drift` measures the squared distance to."""

    anchored: torch.Tensor

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(8, 64),
            nn.GELU(),
            nn.Linear(64, 64),
            nn.GELU(),
            nn.Linear(64, 64),
            nn.GELU(),
            nn.Linear(64, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)

    def _flat(self) -> torch.Tensor:
        return torch.cat([p.reshape(-1) for p in self.net.parameters()])

    def anchor(self) -> None:
        self.register_buffer("anchored", self._flat().detach().clone())

    def drift(self) -> torch.Tensor:
        return (self._flat() - self.anchored).square().sum()


L2SP_ALPHA = 0.01


def loss_l2sp(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    assert isinstance(model, AnchoredMLP)
    return F.mse_loss(model(x), y) + L2SP_ALPHA * model.drift()


def _make_anchored_mlp() -> nn.Module:
    net = AnchoredMLP()
    _pretrain(net, _xy_loss(F.mse_loss), _source_regression(), steps=500, batch=64)
    net.anchor()  # the L2-SP penalty pulls towards the pretrained weights
    return net


def build_anchored_mlp() -> nn.Module:
    return _pretrained("anchored_mlp", _make_anchored_mlp)


# === round 12 =========================================================================================
# Written blind outside the repo by a helper that had read neither the benchmarks nor the tuner's code (r201),
# as its own trial of the range test; ported here with a validation split (a fifth of each set, the same rows
# for every seed) and the protocol above. Its no-answers on huber_heavytail_rmsprop, and the advice on
# deep_tanh_mlp_sgd, led to changes (the candidates' "alike" test kept to a best at an end; a sweep that rose
# at its end is not told to raise max_lr): its numbers here came after those changes.


def _fifth(*arrays: torch.Tensor) -> tuple[Tensors, Tensors]:
    """(train, validation): a fixed fifth of the rows (DATA_SEED's permutation) held out."""
    n = len(arrays[0])
    order = torch.randperm(n, generator=torch.Generator().manual_seed(DATA_SEED))
    cut = n - n // 5
    return tuple(a[order[:cut]] for a in arrays), tuple(a[order[cut:]] for a in arrays)


@cache
def data_r12_deep() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=2000, n_features=20, n_informative=10, n_redundant=4, n_classes=4, n_clusters_per_class=2,
        class_sep=1.2, random_state=DATA_SEED,
    )  # fmt: skip
    x = (x - x.mean(0)) / x.std(0)
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.long))


def build_r12_deep_tanh() -> nn.Module:
    layers: list[nn.Module] = []
    d = 20
    for _ in range(10):
        layers += [nn.Linear(d, 64), nn.Tanh()]
        d = 64
    return nn.Sequential(*layers, nn.Linear(d, 4))


@cache
def data_r12_ratings() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED)
    users, items, rank, n = 300, 200, 5, 20000
    u_f = rng.normal(0, 1, (users, rank)) / math.sqrt(rank)
    i_f = rng.normal(0, 1, (items, rank))
    u_b, i_b = rng.normal(0, 0.3, users), rng.normal(0, 0.3, items)
    pairs = rng.choice(users * items, size=n, replace=False)
    u, i = pairs // items, pairs % items
    y = 3.5 + u_b[u] + i_b[i] + (u_f[u] * i_f[i]).sum(1) + rng.normal(0, 0.3, n)
    return _fifth(torch.tensor(np.stack([u, i], 1), dtype=torch.long), torch.tensor(y, dtype=torch.float32))


class DotRecommender(nn.Module):
    """Users' and items' embeddings (dim 16) and biases and a global bias; the rating is their dot product."""

    def __init__(self, users: int = 300, items: int = 200, dim: int = 16) -> None:
        super().__init__()
        self.u, self.i = nn.Embedding(users, dim), nn.Embedding(items, dim)
        self.u_b, self.i_b = nn.Embedding(users, 1), nn.Embedding(items, 1)
        self.g = nn.Parameter(torch.zeros(()))
        for e in (self.u, self.i):
            nn.init.normal_(e.weight, 0, 0.1)
        for e in (self.u_b, self.i_b):
            nn.init.zeros_(e.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        u, i = x[:, 0], x[:, 1]
        return (self.u(u) * self.i(i)).sum(1) + self.u_b(u)[:, 0] + self.i_b(i)[:, 0] + self.g


@cache
def data_r12_digits() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import load_digits

    d = load_digits()
    images = torch.tensor(d.images / 16.0, dtype=torch.float32).unsqueeze(1)
    return _fifth(images, torch.tensor(d.target, dtype=torch.long))


def build_r12_gn_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.GroupNorm(8, 32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.GroupNorm(8, 32), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(32, 10),
    )  # fmt: skip


@cache
def data_r12_heavytail() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED)
    x = rng.normal(0, 1, (1000, 10))
    f = np.sin(2 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + np.abs(x[:, 3]) - 0.7 * x[:, 4] + 0.3 * x[:, 5] ** 2
    y = f + 0.5 * rng.standard_t(1.5, 1000)  # heavy tails: 1.5 degrees of freedom, infinite variance
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))


def build_r12_huber_mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1), nn.Flatten(0)
    )


@cache
def data_r12_reverse() -> tuple[Tensors, Tensors]:
    x = torch.randint(0, 16, (4000, 10), generator=torch.Generator().manual_seed(DATA_SEED))
    return _fifth(x, x.flip(1))


class PreLNReverser(nn.Module):
    """A pre-LN Transformer encoder (2 layers, d 48, 4 heads, no dropout) giving each position's token."""

    def __init__(self, vocab: int = 16, length: int = 10, d: int = 48) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(length, d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, 4, 96, dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.ln(self.enc(self.emb(x) + self.pos)))


def loss_tokens(model: nn.Module, batch: Batch) -> torch.Tensor:
    x, y = batch
    out = model(x)
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))


@cache
def data_r12_motif() -> tuple[Tensors, Tensors]:
    """Noisy series of length 24 with a bump in the first half (class 0), the second (1) or none (2)."""
    rng = np.random.default_rng(DATA_SEED)
    n, length = 2400, 24
    x = rng.normal(0, 1.0, (n, length))
    y = rng.integers(0, 3, n)
    motif = np.array([1.0, 2.0, 2.5, 2.0, 1.0])
    for k in range(n):
        if y[k] < 2:
            s = rng.integers(0, length // 2 - 5) if y[k] == 0 else rng.integers(length // 2, length - 5)
            x[k, s : s + 5] += motif
    return _fifth(torch.tensor(x, dtype=torch.float32).unsqueeze(-1), torch.tensor(y, dtype=torch.long))


class MotifLSTM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.head = nn.Linear(32, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


@cache
def data_r12_friedman() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import make_friedman1

    x, y = make_friedman1(n_samples=6000, n_features=10, noise=0.5, random_state=DATA_SEED)
    x, y = (x - x.mean(0)) / x.std(0), (y - y.mean()) / y.std()
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))


class SoftMoE(nn.Module):
    """A softmax gate over 4 MLP experts (10-32-1), every expert on every input."""

    def __init__(self, d: int = 10, experts: int = 4, hidden: int = 32) -> None:
        super().__init__()
        self.gate = nn.Linear(d, experts)
        self.experts = nn.ModuleList(
            [nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, 1)) for _ in range(experts)]
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = torch.softmax(self.gate(x), -1)
        return (w * torch.cat([e(x) for e in self.experts], -1)).sum(-1)


@cache
def data_r12_wine() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import load_wine

    x = load_wine().data
    x = torch.tensor((x - x.mean(0)) / x.std(0), dtype=torch.float32)
    return _fifth(x, x.clone())


def build_r12_wine_ae() -> nn.Module:
    return nn.Sequential(
        nn.Linear(13, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3),
        nn.Linear(3, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 13),
    )  # fmt: skip


# === round 13 =========================================================================================
# Written blind outside the repo by a helper that had read neither the benchmarks nor the tuner's code (r203),
# as its own trial of the range test after round 12's changes, and ported here with a validation fifth. Nothing
# was changed on it.


@cache
def data_r13_series() -> tuple[Tensors, Tensors]:
    """Windows of 48 values of two sines plus an AR(2) process (standardized), and the next value."""
    rng = np.random.default_rng(DATA_SEED)
    n = 2600
    t = np.arange(n)
    ar, e = np.zeros(n), rng.normal(0, 0.3, n)
    for i in range(2, n):
        ar[i] = 0.6 * ar[i - 1] - 0.3 * ar[i - 2] + e[i]
    s = np.sin(2 * np.pi * t / 37) + 0.5 * np.sin(2 * np.pi * t / 11 + 1.0) + ar
    s = (s - s.mean()) / s.std()
    w = 48
    x = np.stack([s[i : i + w] for i in range(n - w - 1)])
    return _fifth(
        torch.tensor(x, dtype=torch.float32)[:, None, :], torch.tensor(s[w : n - 1], dtype=torch.float32)
    )


class _CausalConv(nn.Module):
    def __init__(self, cin: int, cout: int, k: int, dilation: int) -> None:
        super().__init__()
        self.pad = (k - 1) * dilation
        self.conv = nn.Conv1d(cin, cout, k, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (self.pad, 0)))


class DilatedTCN(nn.Module):
    """4 causal convolutions (16 channels, dilation 1 to 8), the last step's features to one value."""

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c = 1
        for d in (1, 2, 4, 8):
            layers += [_CausalConv(c, 16, 3, d), nn.ReLU()]
            c = 16
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x)[:, :, -1]).squeeze(-1)


@cache
def data_r13_dyck() -> tuple[Tensors, Tensors]:
    """Dyck-2 bracket sequences of 25 tokens (0 ( 1 ) 2 [ 3 ]); each prefix's next token."""
    rng = np.random.default_rng(DATA_SEED)
    length, n = 25, 2000
    seqs = []
    for _ in range(n):
        stack: list[int] = []
        out: list[int] = []
        for i in range(length):
            must_close = len(stack) >= length - i
            if must_close or (stack and rng.random() < 0.45):
                out.append(stack.pop() * 2 + 1)
            else:
                kind = int(rng.integers(2))
                stack.append(kind)
                out.append(kind * 2)
        seqs.append(out)
    tokens = torch.tensor(seqs, dtype=torch.long)
    return _fifth(tokens[:, :-1], tokens[:, 1:])


class CausalDecoder(nn.Module):
    """One post-LN Transformer layer (d 32, 2 heads) under a causal mask, the next token's logits."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(4, 32)
        self.pos = nn.Parameter(torch.randn(24, 32) * 0.1)
        self.layer = nn.TransformerEncoderLayer(32, 2, 64, dropout=0.0, batch_first=True)
        self.out = nn.Linear(32, 4)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(24), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.layer(self.emb(x) + self.pos, src_mask=self.mask, is_causal=True))


R13_FIELDS, R13_VALUES = 6, 20


@cache
def data_r13_fields() -> tuple[Tensors, Tensors]:
    """6 categorical fields of 20 values; the label drawn from a logit with pairwise interactions."""
    rng = np.random.default_rng(DATA_SEED)
    n, features = 4000, R13_FIELDS * R13_VALUES
    idx = rng.integers(0, R13_VALUES, (n, R13_FIELDS)) + np.arange(R13_FIELDS) * R13_VALUES
    w, v = rng.normal(0, 0.5, features), rng.normal(0, 0.5, (features, 4))
    pairs = 0.5 * ((v[idx].sum(1) ** 2) - (v[idx] ** 2).sum(1)).sum(1)
    logit = w[idx].sum(1) + pairs
    logit = (logit - logit.mean()) / logit.std() * 2.0
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return _fifth(torch.tensor(idx, dtype=torch.long), torch.tensor(y))


class FactorizationMachine(nn.Module):
    """A bias, a weight per value and pairwise interactions of 8-dimensional factors: the logit."""

    def __init__(self) -> None:
        super().__init__()
        features = R13_FIELDS * R13_VALUES
        self.w0 = nn.Parameter(torch.zeros(1))
        self.w = nn.Embedding(features, 1)
        self.v = nn.Embedding(features, 8)
        nn.init.zeros_(self.w.weight)
        nn.init.normal_(self.v.weight, 0, 0.1)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        v = self.v(idx)
        pairs = 0.5 * ((v.sum(1) ** 2) - (v**2).sum(1)).sum(1)
        return self.w0 + self.w(idx).squeeze(-1).sum(1) + pairs


@cache
def data_r13_diabetes() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True)
    x, y = (x - x.mean(0)) / x.std(0), (y - y.mean()) / y.std()
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))


class _ResidualBlock(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(width, width), nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.b(F.relu(self.a(x)))


def build_r13_resmlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(10, 64), *[_ResidualBlock(64) for _ in range(3)], nn.ReLU(), nn.Linear(64, 1), nn.Flatten(0)
    )


@cache
def data_r13_multilabel() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import make_multilabel_classification

    x, y = make_multilabel_classification(
        n_samples=3000, n_features=40, n_classes=10, n_labels=3, random_state=DATA_SEED
    )
    x = (x - x.mean(0)) / (x.std(0) + 1e-8)
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))


def build_r13_multilabel() -> nn.Module:
    return nn.Sequential(nn.Linear(40, 128), nn.ReLU(), nn.Linear(128, 10))


@cache
def data_r13_heteroscedastic() -> tuple[Tensors, Tensors]:
    rng = np.random.default_rng(DATA_SEED)
    x = rng.uniform(-3, 3, (3000, 2))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1] + (0.2 + 0.3 * np.abs(x[:, 0])) * rng.normal(size=3000)
    return _fifth(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))


def build_r13_quantile() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))


R13_SYMBOLS = 10


@cache
def data_r13_markov() -> tuple[Tensors, Tensors]:
    """Sequences of 31 symbols from an order-2 Markov chain (3 successors per context); the next symbol."""
    rng = np.random.default_rng(DATA_SEED)
    p = np.zeros((R13_SYMBOLS,) * 3)
    for a in range(R13_SYMBOLS):
        for b in range(R13_SYMBOLS):
            p[a, b, rng.choice(R13_SYMBOLS, 3, replace=False)] = rng.dirichlet(np.ones(3))
    n, length = 1500, 31
    seq = np.zeros((n, length), dtype=np.int64)
    seq[:, :2] = rng.integers(0, R13_SYMBOLS, (n, 2))
    for i in range(2, length):
        for k in range(n):
            seq[k, i] = rng.choice(R13_SYMBOLS, p=p[seq[k, i - 2], seq[k, i - 1]])
    tokens = torch.tensor(seq)
    return _fifth(tokens[:, :-1], tokens[:, 1:])


class ElmanLM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(R13_SYMBOLS, 16)
        self.rnn = nn.RNN(16, 64, batch_first=True, nonlinearity="tanh")
        self.out = nn.Linear(64, R13_SYMBOLS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.rnn(self.emb(x))[0])


@cache
def data_r13_iris() -> tuple[Tensors, Tensors]:
    from sklearn.datasets import load_iris

    x, y = load_iris(return_X_y=True)
    return _fifth(
        torch.tensor((x - x.mean(0)) / x.std(0), dtype=torch.float32), torch.tensor(y, dtype=torch.long)
    )


def build_r13_wide_iris() -> nn.Module:
    return nn.Sequential(nn.Linear(4, 512), nn.ReLU(), nn.Linear(512, 3))


def _ce_smoothed(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(pred, y, label_smoothing=0.1)


# === the tasks ========================================================================================

_ce = _xy_loss(F.cross_entropy)
_mse = _xy_loss(F.mse_loss)


def _huber(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.huber_loss(pred, y, delta=1.0)


def _gauss_floor() -> float:
    return _gauss_data()[2]


def _adam(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr)


def _adamw_001(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, weight_decay=0.01)


def _adamw_005(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, weight_decay=0.05)


def _nesterov(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True)


def _momentum(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9)


def _sgd(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr)


def _rmsprop(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(p, lr=lr)


def _adagrad(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(p, lr=lr)


def _nadam(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.NAdam(p, lr=lr)


def _radam(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(p, lr=lr)


def _sgd_m_wd(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=5e-4)


def _amsgrad(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr, amsgrad=True)


def _adamax(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adamax(p, lr=lr)


def _adam_l2(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr, weight_decay=1e-4)


def _adadelta(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adadelta(p, lr=lr)


def _sgd_l2(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, weight_decay=1e-3)


def _rmsprop_m(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(p, lr=lr, momentum=0.9)


def _adamw_gpt(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """AdamW as a GPT is trained: betas (0.9, 0.95), weight decay 0.1 on the matrices and embeddings only
    (the parameters of 2 or more dimensions), none on the biases and LayerNorm gains."""
    params = list(p)
    decay = [q for q in params if q.dim() >= 2]
    no_decay = [q for q in params if q.dim() < 2]
    groups = [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


def _adam_wd(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr, weight_decay=5e-4)


def _adafactor(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adafactor(p, lr=lr)


def _nesterov_wd(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True, weight_decay=1e-4)


def _nesterov_wd3(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True, weight_decay=1e-3)


def _sparse_adam(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.SparseAdam(list(p), lr=lr)


def _muon(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    # torch's defaults: momentum 0.95 (Nesterov), decoupled weight decay 0.1, the LR scaled by the matrix shape
    return torch.optim.Muon(p, lr=lr)


def _nadamw(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.NAdam(p, lr=lr, weight_decay=1e-2, decoupled_weight_decay=True)


def _radamw(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(p, lr=lr, weight_decay=1e-2, decoupled_weight_decay=True)


def _rmsprop_centered(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(p, lr=lr, centered=True)


def _adamw_amsgrad(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(p, lr=lr, amsgrad=True)  # weight decay 0.01 (AdamW's default)


def _asgd_clip(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return ClippedASGD(p, lr)


def _sgd_dampened(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    # dampening = momentum: the buffer is an average of the gradients, not their sum (a step of lr, not lr / 0.1)
    return torch.optim.SGD(p, lr=lr, momentum=0.9, dampening=0.9, weight_decay=5e-4)


def _adagrad_decay(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    # the step is lr / (1 + 0.01 * (step - 1)): 1/5 of lr by step 400
    return torch.optim.Adagrad(p, lr=lr, lr_decay=0.01)


def _adam_l2_small(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(p, lr=lr, weight_decay=1e-4)  # L2 in the gradient, amsgrad off


def _lion(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    # betas (0.9, 0.99); the decay scaled by the LR, as lion-pytorch does
    return Lion(p, lr=lr, weight_decay=0.1)


def _ranger(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return Ranger(p, lr)


def _adabelief(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return AdaBelief(p, lr=lr)  # eps 1e-16, decoupled weight decay 1e-4


def _lamb(p: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return LAMB(p, lr=lr)  # betas (0.9, 0.999), eps 1e-6, weight decay 0.01 inside the trust-ratio update


TASKS: tuple[Task, ...] = (
    # round 5 (its table: model, data, loss, optimizer, batch, steps)
    Task(
        "gru_adding",
        5,
        "GRU(2->32)+linear, adding problem T=25, MSE; Adam, batch 32",
        300,
        32,
        _adam,
        GRUAdding,
        _mse,
        data_adding,
        0,
    ),
    Task(
        "transformer_hist",
        5,
        "1 TransformerEncoderLayer (d 32, 4 heads, ff 64), token histogram, CE; AdamW wd 0.01, batch 64",
        250,
        64,
        _adamw_001,
        TinyTransformer,
        loss_histogram,
        data_histogram,
        0,
    ),
    Task(
        "cnn_bn_digits",
        5,
        "2x(conv3x3-BN-ReLU), maxpool, linear, digits, CE; SGD Nesterov m=0.9, batch 32",
        200,
        32,
        _nesterov,
        build_digits_cnn,
        _ce,
        data_digits_cnn,
        0,
    ),
    Task(
        "gauss_nll",
        5,
        "MLP 4-64-64-2 tanh, heteroscedastic Gaussian NLL (can go negative); RMSprop, batch 128",
        300,
        128,
        _rmsprop,
        GaussNLL,
        loss_gauss,
        data_gauss,
        0,
        floor=_gauss_floor(),
    ),
    Task(
        "noisy_labels_bs8",
        5,
        "MLP 20-64-64-4, make_classification, 20% train labels flipped, CE; SGD m=0.9, batch 8",
        300,
        8,
        _momentum,
        build_noisy_mlp,
        _ce,
        data_noisy,
        0,
    ),
    Task(
        "huber_heavytail",
        5,
        "MLP 10-32-1, make_regression + Student-t(1.5) noise, Huber; Adagrad, batch 32",
        200,
        32,
        _adagrad,
        HuberMLP,
        _xy_loss(_huber),
        data_huber,
        0,
    ),
    # round 6 (its recipes, as written)
    Task(
        "textbag_adagrad",
        6,
        "EmbeddingBag(500,32,mean)+Linear, synthetic topic tokens, 4 classes, CE; Adagrad, batch 32",
        300,
        32,
        _adagrad,
        TextBag,
        _ce,
        data_text,
        10_000,
    ),
    Task(
        "convae_adam",
        6,
        "conv autoencoder on digits 8x8 (bottleneck 4x4x4), MSE; Adam, batch 64",
        400,
        64,
        _adam,
        ConvAE,
        loss_ae,
        data_digits_img,
        10_000,
    ),
    Task(
        "multilabel_rmsprop",
        6,
        "MLP 40-128-128-10 dropout 0.2, make_multilabel_classification, BCE; RMSprop, batch 32",
        300,
        32,
        _rmsprop,
        build_multilabel,
        loss_bce,
        data_multilabel,
        10_000,
    ),
    Task(
        "quantile_nadam",
        6,
        "MLP 10-64-3, diabetes (raw target, shipped features), pinball loss q=.1/.5/.9; NAdam, batch 16",
        300,
        16,
        _nadam,
        build_quantile,
        loss_pinball,
        data_diabetes,
        10_000,
    ),
    Task(
        "deepmlp_sgd",
        6,
        "plain MLP 6x64 ReLU no norm, make_classification 5 classes, CE; plain SGD, batch 128",
        300,
        128,
        _sgd,
        build_deep,
        _ce,
        data_deep,
        10_000,
    ),
    Task(
        "dropout_adamw_b2",
        6,
        "MLP 30-256-256-1, dropout 0.2/0.5/0.5, breast cancer, BCE; AdamW wd 0.05, batch 2",
        500,
        2,
        _adamw_005,
        build_dropout,
        loss_bce1,
        data_cancer,
        10_000,
    ),
    Task(
        "poisson_radam_b256",
        6,
        "MLP 20-32(tanh)-1 log-rate, synthetic Poisson counts, Poisson NLL; RAdam, batch 256",
        200,
        256,
        _radam,
        build_poisson,
        loss_poisson,
        data_poisson,
        10_000,
    ),
    Task(
        "cnn1d_nesterov",
        6,
        "1-D CNN (2 conv, avgpool), synthetic waveforms (4 shapes, noise 0.6), CE; "
        "SGD Nesterov m=0.9, batch 32",
        300,
        32,
        _nesterov,
        build_cnn1d,
        _ce,
        data_waves,
        10_000,
    ),
    # round 7 (written blind in a clone, budgets up to 1500 steps)
    Task(
        "resnet_bn_sgdwd",
        7,
        "residual CNN (stem + 2 basic blocks, BN, 16/32 ch, GAP), digits, CE; SGD m=0.9 wd 5e-4, batch 32",
        800,
        32,
        _sgd_m_wd,
        TinyResNet,
        _ce,
        data_digits7_img,
        20_000,
    ),
    Task(
        "vit_digits_adamw",
        7,
        "ViT-like: 2x2 patches + cls token, 2 pre-LN encoder layers (d 32, 4 heads, GELU), digits, CE; "
        "AdamW wd 0.05, batch 32",
        500,
        32,
        _adamw_005,
        PatchViT,
        _ce,
        data_digits7_img,
        20_000,
    ),
    Task(
        "charlstm_amsgrad",
        7,
        "char-level LSTM LM (emb 16, LSTM 64), synthetic English-like grammar, 32-char windows, CE; "
        "Adam amsgrad, batch 32",
        1000,
        32,
        _amsgrad,
        CharLSTM,
        loss_lm,
        data_grammar,
        20_000,
    ),
    Task(
        "vae_adamax",
        7,
        "VAE 64-128-(8+8) / 8-128-64, digits grey levels, Bernoulli NLL + KL (nats per image); Adamax, "
        "batch 64",
        500,
        64,
        _adamax,
        VAE,
        loss_vae,
        data_digits7_flat,
        20_000,
    ),
    Task(
        "widedeep_ls_adam",
        7,
        "wide-and-deep: linear wide part + embeddings/MLP 128-64, 11 numeric + 3 categorical, 3 classes, "
        "CE label smoothing 0.1; Adam L2 1e-4, batch 256",
        600,
        256,
        _adam_l2,
        WideDeep,
        loss_widedeep,
        data_widedeep,
        20_000,
    ),
    Task(
        "silu_ln_adadelta",
        7,
        "MLP 10-128-128-1, LayerNorm + SiLU, Friedman #1 (noise 1, standardized target), MSE; Adadelta, "
        "batch 64",
        400,
        64,
        _adadelta,
        SiLUNet,
        _mse,
        data_friedman,
        20_000,
    ),
    Task(
        "logreg_sgd_b512",
        7,
        "multinomial logistic regression, digits (pixels / 16), CE; plain SGD wd 1e-3, batch 512",
        300,
        512,
        _sgd_l2,
        build_logreg,
        _ce,
        data_digits7_logreg,
        20_000,
    ),
    Task(
        "tcn_rmsprop_m",
        7,
        "dilated causal TCN (6 residual convs, 16 ch), next value of a noisy multi-seasonal series, MSE; "
        "RMSprop m=0.9, batch 32",
        1000,
        32,
        _rmsprop_m,
        TCN,
        _mse,
        data_series,
        20_000,
    ),
    # round 8 (written blind in a clone, budgets 400 to 1000 steps)
    Task(
        "gpt_causal_adamw",
        8,
        "decoder-only Transformer LM: 2 pre-LN causal blocks (d 48, 4 heads, GELU), tied embedding, sparse "
        "Markov token text with copied spans, 32-token windows, CE; AdamW betas (0.9, 0.95) wd 0.1 on matrices, "
        "batch 32 (no grad clipping: the Task has none)",
        400,
        32,
        _adamw_gpt,
        TinyGPT,
        loss_token_lm,
        data_tokens,
        30_000,
    ),
    Task(
        "mpnn_graphs_adam",
        8,
        "message-passing net (3 mean-aggregation layers, 64, mean+max readout), 16-node random graphs from 3 "
        "generators of similar density, CE; Adam wd 5e-4, batch 64",
        500,
        64,
        _adam_wd,
        MPNN,
        _ce,
        data_graphs,
        30_000,
    ),
    Task(
        "mdn_inverse_adam",
        8,
        "mixture density network MLP 1-64-64 tanh -> 5 Gaussians, Bishop's inverse sine problem (multimodal), "
        "NLL (can go negative); Adam, batch 128",
        800,
        128,
        _adam,
        MDN,
        loss_mdn,
        data_mdn,
        30_000,
        floor=_mdn_floor(),
    ),
    Task(
        "seq2seq_sort_adafactor",
        8,
        "GRU encoder-decoder (64) with general attention, sorting 10-digit strings, teacher forcing, CE; "
        "Adafactor, batch 64",
        500,
        64,
        _adafactor,
        Seq2SeqAttn,
        loss_seq2seq,
        data_sort,
        30_000,
    ),
    Task(
        "infonce_digits_sgdm",
        8,
        "contrastive conv encoder (16/32 ch, BN) + projection 32-64-32 (BN), digits with shift/dropout/noise views, NT-Xent "
        "(InfoNCE) at temperature 0.2; SGD m=0.9 wd 5e-4, batch 128",
        400,
        128,
        _sgd_m_wd,
        ContrastiveNet,
        loss_infonce,
        data_digits8_img,
        30_000,
    ),
    Task(
        "tabular_bn_nesterov_b1024",
        8,
        "MLP 40-128-128-6 with BatchNorm, make_classification 45k rows, 6 classes, CE; SGD Nesterov m=0.9 "
        "wd 1e-4, batch 1024",
        300,
        1024,
        _nesterov_wd,
        build_tabular8,
        _ce,
        data_tabular8,
        30_000,
    ),
    Task(
        "mf_sparse_adam",
        8,
        "biased matrix factorization (dim 32, sparse embeddings), 120k synthetic 1-5 star ratings, 3000 users "
        "x 1500 items, MSE; SparseAdam, batch 512",
        800,
        512,
        _sparse_adam,
        SparseMF,
        _mse,
        data_ratings,
        30_000,
    ),
    Task(
        "muon_mlp",
        8,
        "bias-free MLP 30-128-128-128-8 (every parameter a matrix), make_classification 20k rows, 8 classes, "
        "CE; Muon (torch's defaults), batch 256",
        500,
        256,
        _muon,
        build_muon_mlp,
        _ce,
        data_tabular8_muon,
        30_000,
    ),
    # round 9 (written blind in a clone, budgets 300 to 800 steps, batch 4 to 256)
    Task(
        "mobilenet_digits_nadamw",
        9,
        "MobileNet-like CNN: stem + 4 depthwise-separable blocks (BN, ReLU6, 16-128 ch, two strided), GAP, digits, "
        "CE; NAdam with decoupled weight decay 0.01, batch 48",
        400,
        48,
        _nadamw,
        build_mobilenet,
        _ce,
        data_digits9_img,
        40_000,
    ),
    Task(
        "unet_shapes_radamw",
        9,
        "small U-Net (2 levels, 16/32/64 ch, BN, transposed-conv upsampling, skip concat), per-pixel "
        "segmentation of synthetic 16x16 disks/squares on noise, CE; RAdam with decoupled weight decay 0.01, "
        "batch 16",
        300,
        16,
        _radamw,
        TinyUNet,
        _ce,
        data_shapes,
        40_000,
    ),
    Task(
        "moe_regression_rmsprop_c",
        9,
        "mixture of 8 experts (MLP 8-32-1 GELU, linear gate, top-2 routing) + 0.01 x load-balancing loss, "
        "piecewise regression in 4 regimes, MSE; RMSprop centered, batch 128",
        800,
        128,
        _rmsprop_centered,
        MoERegressor,
        loss_moe,
        data_moe,
        40_000,
    ),
    Task(
        "realnvp_ring_adamw_ams",
        9,
        "RealNVP flow, 8 affine couplings (MLP 1-64-64-2, tanh scale), 2-D ring of 8 Gaussians, NLL (Bayes "
        "floor); AdamW amsgrad wd 0.01, batch 256",
        800,
        256,
        _adamw_amsgrad,
        RealNVP,
        loss_flow,
        data_flow,
        40_000,
        floor=_flow_floor(),
    ),
    Task(
        "lstm_tied_asgd_clip",
        9,
        "word-level LSTM LM (emb 64 tied to the decoder, LSTM 64, dropout 0.2), synthetic grammar, 24-word "
        "windows, CE; ASGD (t0 0, lambd 0, wd 1.2e-6) with grad-norm clipping 0.25, batch 20",
        600,
        20,
        _asgd_clip,
        TiedLSTM,
        loss_word_lm,
        data_words,
        40_000,
    ),
    Task(
        "triplet_digits_sgd_damp",
        9,
        "MLP embedder 64-128-128-32, noisy digit views, batch-all soft-margin triplet loss; SGD m=0.9 "
        "dampening 0.9 wd 5e-4, batch 64",
        500,
        64,
        _sgd_dampened,
        build_embedder,
        loss_triplet,
        data_digits9_flat,
        40_000,
    ),
    Task(
        "cox_survival_adagrad_decay",
        9,
        "DeepSurv-style MLP 12-64-64-1 SELU, synthetic censored survival times (nonlinear log-hazard), negative "
        "Cox partial likelihood over the batch; Adagrad lr_decay 0.01, batch 256",
        400,
        256,
        _adagrad_decay,
        build_deepsurv,
        loss_cox,
        data_survival,
        40_000,
    ),
    Task(
        "ordinal_diabetes_adam_b4",
        9,
        "ordinal regression: MLP 10-32-1 score + 4 ordered cut-points (cumulative logit), diabetes target in 5 "
        "quintile levels, NLL; Adam L2 1e-4, batch 4",
        600,
        4,
        _adam_l2_small,
        OrdinalNet,
        loss_ordinal,
        data_ordinal,
        40_000,
    ),
    # round 10 (written blind in a clone, budgets 300 to 400 steps, batch 32 to 128)
    Task(
        "se_gn_cnn_digits_lion",
        10,
        "squeeze-and-excitation CNN: 4 conv3x3 blocks (GroupNorm 4, SiLU, SE gate reduction 4, residual where "
        "shapes match, 16/32 ch, one strided), GAP, digits, CE; Lion betas (0.9, 0.99) wd 0.1, batch 64",
        400,
        64,
        _lion,
        build_se_cnn,
        _ce,
        data_digits10_img,
        50_000,
    ),
    Task(
        "gat_sbm_nodes_ranger",
        10,
        "graph attention network (2 layers x 4 heads x 16, ELU, 1-head output), node labels of 20-node "
        "stochastic-block-model graphs (3 communities, noisy prototype features), CE per node; Ranger (RAdam + "
        "Lookahead k 6, alpha 0.5), batch 32",
        400,
        32,
        _ranger,
        GAT,
        loss_gat,
        data_sbm_nodes,
        50_000,
    ),
    Task(
        "crnn_ctc_digits_adabelief",
        10,
        "CRNN (2 conv-ReLU 16/32 ch pooled to 24 columns, BiGRU 32, linear), reading strings of 3-5 digits "
        "in 8x48 images, CTC loss; AdaBelief eps 1e-16 decoupled wd 1e-4 (no rectification), batch 32",
        300,
        32,
        _adabelief,
        CRNN,
        loss_ctc,
        data_digit_strings,
        50_000,
    ),
    Task(
        "bert_mlm_lamb_b128",
        10,
        "BERT-like masked-token model: 2 pre-LN encoder blocks (d 32, 4 heads, GELU), tied head, synthetic HMM "
        "text whose second half is a permuted copy of the first, 16-token sequences, static 15% masking "
        "(80/10/10), CE on the masked tokens; LAMB wd 0.01, batch 128",
        300,
        128,
        _lamb,
        TinyBERT,
        loss_mlm,
        data_masked_tokens,
        50_000,
    ),
    # round 11 (written blind in a clone: fine-tuning from pretrained weights, budgets 300 to 1000 steps)
    Task(
        "finetune_bn_cnn_digits59_sgdm",
        11,
        "full fine-tuning: BN CNN (3 conv3x3-BN-ReLU, 8/16/32 ch, GAP) pretrained on digits 0-4 (Adam 1e-3, "
        "200 steps, batch 64), new linear head, target digits 5-9 moved +-1 px with noise 0.1, CE; SGD m=0.9 "
        "wd 5e-4, batch 32",
        300,
        32,
        _sgd_m_wd,
        build_finetune_cnn,
        _ce,
        data_digits59_shifted,
        60_000,
    ),
    Task(
        "frozen_wave_cnn_head_adamw",
        11,
        "frozen backbone: 1-D CNN (conv7/5/3, 16/32/64 ch, avg+max pool) pretrained on waveform shape x "
        "frequency band (12 classes; Adam 1e-3, 300 steps, batch 64), frozen; new head MLP 128-64-8 on "
        "shape x amplitude modulation of noisier waves, CE; AdamW wd 0.05, batch 64",
        300,
        64,
        _adamw_005,
        build_frozen_wave_cnn,
        _ce,
        data_waves_modulated,
        60_000,
    ),
    Task(
        "gru_forecaster_shift_adam",
        11,
        "domain adaptation: GRU(1->32)+linear next-value forecaster pretrained on series of 2 sines (periods "
        "8-16) + AR(1) noise 0.1 (Adam 1e-3, 300 steps, batch 32), fine-tuned whole (no new parts) on a "
        "shifted regime (3 sines of periods 5-12, trend, level, AR noise 0.15), MSE over 24 steps; Adam, "
        "batch 32",
        300,
        32,
        _adam,
        build_gru_forecaster,
        _mse,
        data_series_shifted,
        60_000,
    ),
    Task(
        "l2sp_mlp_regression_nadam",
        11,
        "MLP 8-64-64-64-1 GELU pretrained on a function of 8 normal inputs (Adam 1e-3, 500 steps, batch 64), "
        "fine-tuned on a related function (moved phase, stronger and new interactions, 1000 rows), MSE + "
        "L2-SP 0.01 x squared distance to the pretrained weights; NAdam, batch 32",
        1000,
        32,
        _nadam,
        build_anchored_mlp,
        loss_l2sp,
        data_regression_target,
        60_000,
    ),
    # round 12 (r201: written blind outside the repo, ported; it led to changes, so its numbers came after them)
    Task(
        "deep_tanh_mlp_sgd",
        12,
        "10x64 tanh MLP, no normalization, make_classification 4 classes (2000 x 20), CE; plain SGD, batch 32",
        300,
        32,
        _sgd,
        build_r12_deep_tanh,
        _ce,
        data_r12_deep,
        70_000,
    ),
    Task(
        "recsys_adagrad",
        12,
        "dot-product recommender (300 users x 200 items, dim 16 + biases), 20k synthetic ratings, MSE; Adagrad, "
        "batch 128",
        300,
        128,
        _adagrad,
        DotRecommender,
        _mse,
        data_r12_ratings,
        70_000,
    ),
    Task(
        "gn_cnn_nesterov",
        12,
        "3-conv GroupNorm CNN (16/32/32 ch, GAP), digits 8x8, CE; SGD Nesterov m=0.9, batch 32",
        250,
        32,
        _nesterov,
        build_r12_gn_cnn,
        _ce,
        data_r12_digits,
        70_000,
    ),
    Task(
        "huber_heavytail_rmsprop",
        12,
        "MLP 10-64-64-1 ReLU, Huber (delta 1) on a nonlinear target + 0.5 x Student-t(1.5) noise (1000 rows); "
        "RMSprop, batch 16",
        400,
        16,
        _rmsprop,
        build_r12_huber_mlp,
        _xy_loss(_huber),
        data_r12_heavytail,
        70_000,
    ),
    Task(
        "preln_transformer_reverse_adamw",
        12,
        "pre-LN Transformer encoder (2 layers, d 48, 4 heads) reversing length-10 sequences of 16 tokens (4000), "
        "CE; AdamW wd 0.05, batch 64",
        400,
        64,
        _adamw_005,
        PreLNReverser,
        loss_tokens,
        data_r12_reverse,
        70_000,
    ),
    Task(
        "lstm_motif_nadam",
        12,
        "LSTM(1->32)+linear telling where a bump sits in noisy length-24 series (3 classes, 2400), CE; NAdam, "
        "batch 32",
        300,
        32,
        _nadam,
        MotifLSTM,
        _ce,
        data_r12_motif,
        70_000,
    ),
    Task(
        "moe_friedman_radam_bs512",
        12,
        "softmax-gated mixture of 4 MLP experts (10-32-1), Friedman #1 (6000 x 10, standardized), MSE; RAdam, "
        "batch 512",
        200,
        512,
        _radam,
        SoftMoE,
        _mse,
        data_r12_friedman,
        70_000,
    ),
    Task(
        "wine_ae_dropout_adam_bs4",
        12,
        "autoencoder 13-32-3-32-13 with dropout 0.2, standardized wine (178 rows), MSE; Adam, batch 4",
        500,
        4,
        _adam,
        build_r12_wine_ae,
        _mse,
        data_r12_wine,
        70_000,
    ),
    # round 13 (r203: written blind outside the repo after round 12's changes, ported; nothing changed on it)
    Task(
        "tcn_ar_adam",
        13,
        "dilated causal TCN (4 conv, 16 ch, dilation 1-8), next value of two sines + AR(2), MSE; Adam, batch 32",
        300,
        32,
        _adam,
        DilatedTCN,
        _mse,
        data_r13_series,
        80_000,
    ),
    Task(
        "dyck_tf_adamw",
        13,
        "1-layer post-LN causal Transformer decoder (d 32, 2 heads), next token of Dyck-2 sequences, CE; AdamW "
        "wd 0.05, batch 32",
        300,
        32,
        _adamw_005,
        CausalDecoder,
        loss_tokens,
        data_r13_dyck,
        80_000,
    ),
    Task(
        "fm_adagrad",
        13,
        "factorization machine (factors 8) on 6 categorical fields of 20 values, BCE; Adagrad, batch 64",
        250,
        64,
        _adagrad,
        FactorizationMachine,
        loss_bce,
        data_r13_fields,
        80_000,
    ),
    Task(
        "resmlp_diabetes_nesterov",
        13,
        "residual MLP (3 blocks, width 64), diabetes (standardized), MSE; SGD Nesterov m=0.9 wd 1e-3, batch 32",
        300,
        32,
        _nesterov_wd3,
        build_r13_resmlp,
        _mse,
        data_r13_diabetes,
        80_000,
    ),
    Task(
        "multilabel_mlp128_rmsprop",
        13,
        "MLP 40-128-10, make_multilabel_classification (10 labels), BCE; RMSprop, batch 64",
        200,
        64,
        _rmsprop,
        build_r13_multilabel,
        loss_bce,
        data_r13_multilabel,
        80_000,
    ),
    Task(
        "quantile_sgd",
        13,
        "MLP 2-64-64-3, pinball loss q=.1/.5/.9 on heteroscedastic synthetic data; plain SGD, batch 32",
        400,
        32,
        _sgd,
        build_r13_quantile,
        loss_pinball,
        data_r13_heteroscedastic,
        80_000,
    ),
    Task(
        "elman_markov_sgdm",
        13,
        "Elman RNN (64) language model on an order-2 Markov chain of 10 symbols, CE; SGD m=0.9, batch 32",
        300,
        32,
        _momentum,
        ElmanLM,
        loss_tokens,
        data_r13_markov,
        80_000,
    ),
    Task(
        "iris_wide_bs2_adamax",
        13,
        "wide MLP 4-512-3, iris (standardized), CE with label smoothing 0.1; Adamax, batch 2",
        300,
        2,
        _adamax,
        build_r13_wide_iris,
        _xy_loss(_ce_smoothed),
        data_r13_iris,
        80_000,
    ),
)


@cache
def get_data(task: Task) -> tuple[Tensors, Tensors]:
    """The task's (train, validation) tensors, made once per process (a task of another set too:
    ``length_tasks.py``'s)."""
    return task.data()


def make_loader(task: Task, seed: int) -> DataLoader:
    """The seed's data order: shuffled, whole batches, the generator seeded with ``loader_offset + seed``."""
    train, _ = get_data(task)
    g = torch.Generator().manual_seed(task.loader_offset + seed)
    return DataLoader(TensorDataset(*train), batch_size=task.batch, shuffle=True, drop_last=True, generator=g)


def build_model(task: Task, seed: int) -> nn.Module:
    """The network's initial weights from ``torch.manual_seed(seed)``."""
    torch.manual_seed(seed)
    return task.build()


#: the LR schedules :func:`train_plain` trains with
SCHEDULES = ("constant", "onecycle")


def one_cycle(task: Task, opt: torch.optim.Optimizer, max_lr: float) -> torch.optim.lr_scheduler.OneCycleLR:
    """torch's OneCycleLR over the task's budget as the suggestion benchmark trains it
    (``benchmarks/quality/train.py``): torch's defaults, the momentum cycled where the optimizer has one
    (momentum > 0 or Adam betas; cycling a plain SGD's or an RMSprop's zero momentum would add one)."""
    group = opt.param_groups[0]
    cycle = "betas" in group or group.get("momentum", 0) > 0
    return torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=max_lr, total_steps=task.steps, cycle_momentum=cycle
    )


def train_plain(task: Task, lr: float, seed: int, schedule: str = "constant") -> tuple[float, float, float]:
    """``task.steps`` optimizer steps in a plain loop at a constant ``lr`` (``schedule="constant"``) or with
    torch's OneCycleLR of max_lr ``lr`` (``"onecycle"``: :func:`one_cycle`), the same optimizer, initial
    weights and data order either way: (final training loss = mean of the last 10% of the steps, validation
    loss, first step's loss). A loss that is not finite or above 1e8 ends the run: final and validation loss
    are inf."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    model = build_model(task, seed)
    opt = task.make_opt(model.parameters(), lr)
    sched = one_cycle(task, opt, lr) if schedule == "onecycle" else None
    loader = make_loader(task, seed)
    losses: list[float] = []
    model.train()
    diverged = False
    while len(losses) < task.steps and not diverged:
        for batch in loader:
            loss = task.loss(model, tuple(batch))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            v = loss.item()
            losses.append(v)
            if not math.isfinite(v) or v > 1e8:
                diverged = True
                break
            if len(losses) >= task.steps:
                break
    if diverged:
        return math.inf, math.inf, losses[0]
    k = max(1, task.steps // 10)
    final = float(np.mean(losses[-k:]))
    model.eval()
    _, val = get_data(task)
    with torch.no_grad():
        vl = task.loss(model, val).item()
    return final, (vl if math.isfinite(vl) else math.inf), losses[0]
