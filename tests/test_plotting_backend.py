"""The user's matplotlib backend is theirs (review 32: drawing switched the whole process to Agg): a figure
returned to the user is made under their backend, and the figures lightning_lr only writes or logs (the
schedule preview in fit, the range test's TensorBoard figure) belong to no pyplot window."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import warnings
    import matplotlib
    matplotlib.use("svg")  # stands for the user's own backend (QtAgg, TkAgg, a notebook's inline one)
    import matplotlib.pyplot as plt
    import numpy as np
    import lightning.pytorch as pl
    from lightning.pytorch.loggers import TensorBoardLogger
    from lightning.pytorch.demos.boring_classes import BoringModel
    from lightning_lr import Tuner
    from lightning_lr.callbacks import OneCycle
    from lightning_lr.tuner import RangeTestResult

    warnings.simplefilter("ignore")
    lrs = list(np.geomspace(1e-5, 1, 30))
    result = RangeTestResult(lrs, [2 - np.exp(-((np.log10(x) + 2) ** 2)) for x in lrs], [0.9] * 30)
    fig = result.plot()
    print("plot", matplotlib.get_backend(), fig in [plt.figure(n) for n in plt.get_fignums()])

    class Model(BoringModel):
        def __init__(self):
            super().__init__()
            self.lr = 0.1

        def configure_optimizers(self):
            return __import__("torch").optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)

    def trainer(root):
        return pl.Trainer(max_steps=6, logger=TensorBoardLogger(root), callbacks=[OneCycle()],
                          enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)

    open_before = len(plt.get_fignums())
    t = trainer("{root}/a")
    Tuner(t).lr_range_test(Model(), num_steps=10, confirm=False, apply=False)  # logs its figure
    t.fit(Model())  # logs the 1cycle preview
    print("fit", matplotlib.get_backend(), len(plt.get_fignums()) - open_before)
    """
)


def test_drawing_leaves_the_users_matplotlib_backend_and_opens_no_window(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("{root}", str(tmp_path))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    # the returned figure is a pyplot figure under the user's backend: plt.show() and notebooks show it
    assert "plot svg True" in lines
    # the logged figures left the backend alone, and no figure behind (before: Agg for the whole process)
    assert "fit svg 0" in lines
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    images = set()
    for events in tmp_path.glob("a/**/events.out.tfevents.*"):
        acc = EventAccumulator(str(events), size_guidance={"images": 0})
        acc.Reload()
        images |= set(acc.Tags()["images"])
    assert {"lr_range_test/figure", "lr_schedule/OneCycle"} <= images  # still drawn and logged


def test_an_offscreen_block_in_one_thread_leaves_another_threads_figures_to_pyplot() -> None:
    # review 34: the block was process-wide, so a user's result.plot() while a fit in another thread logged its
    # preview returned a figure pyplot did not manage (plt.show() and notebooks did not show it)
    import threading

    from lightning_lr import plotting

    inside, release = threading.Event(), threading.Event()

    def logging_thread() -> None:
        with plotting.offscreen():
            inside.set()
            release.wait(30)

    worker = threading.Thread(target=logging_thread)
    worker.start()
    try:
        assert inside.wait(30)
        fig, _ = plotting.subplots()
        assert fig.canvas.manager is not None  # a pyplot figure
        plotting.pyplot().close(fig)
        with plotting.offscreen():
            fig, _ = plotting.subplots()
        assert fig.canvas.manager is None
    finally:
        release.set()
        worker.join()
