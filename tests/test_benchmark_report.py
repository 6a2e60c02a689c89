"""The benchmark's report tables (benchmarks/quality/report.py), on hand-made results: what each cell counts."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

from quality.collect import Grid, TaskData
from quality.report import agreement_table
from quality.store import lattice_lr
from quality.sweeps import CONFIGS, DEFAULT_CONFIG


def test_a_settings_answer_counts_within_3x_where_the_default_setting_gave_none() -> None:
    """Review 84: "in 3x" was counted only where the 100-step sweep answered too, so a run that answered at
    300 steps, and not at 100, never counted (the holdout's robustness row was one short at four settings).
    Agreement with the default setting still needs both answers."""
    best = lattice_lr(-6)
    data = TaskData(task=None, constant=Grid(train={-6: 0.1, -3: 0.5}), onecycle=Grid())  # type: ignore[arg-type]
    dense = next(c for c in CONFIGS if c[0] == 300)
    data.by_config[(DEFAULT_CONFIG, "exponential")] = {"m": [None, best, best]}
    # seed 0: an answer within 3x where the default had none; seed 1: 10x off; seed 2: agrees, within 3x
    data.by_config[(dense, "exponential")] = {"m": [1.5 * best, 10 * best, 1.2 * best]}
    row = next(line for line in agreement_table([data], ["m"]).splitlines() if line.startswith("| m |"))
    cells = [c.strip() for c in row.strip("|").split("|")][1:]
    default_cell, dense_cell = cells[CONFIGS.index(DEFAULT_CONFIG)], cells[CONFIGS.index(dense)]
    assert default_cell.startswith("2/3 agree") and default_cell.endswith("2/3 in 3x")
    assert dense_cell.startswith("1/3 agree") and dense_cell.endswith("2/3 in 3x")


def test_the_blind_benchmark_rescores_a_dump_without_training(tmp_path, capsys) -> None:
    """benchmarks/range_test_blind.py --from: the per-task row and the totals from a tiny hand-made dump (one
    task, two seeds): ratios to the grid-best LR, regrets over the floor, a None with its reason's first
    words, and a run whose training at its answer diverged (worst regret inf)."""
    import json

    import range_test_blind as blind

    def run(seed: int, answer: float | None, final: list[float | None] | None = None) -> dict:
        extra = {} if final is None else {"final": final, "val": final}
        reason = (
            None if answer is not None else "the loss never fell below its starting level over lr 1e-07..10"
        )
        return {"seed": seed, "answer": answer, "reason": reason, "stop": "completed", "cost": 500, **extra}

    task = {
        "name": "tiny",
        "round": 6,
        "recipe": "a tiny recipe",
        "steps": 100,
        "batch": 8,
        "floor": -1.0,
        "grid": [
            {"lr": 0.01, "final": [1.0, 1.0], "val": [1.5, 1.5]},
            {"lr": 0.1, "final": [0.0, 0.0], "val": [0.2, 0.2]},  # the grid-best: 1.0 above the floor
            {"lr": 1.0, "final": [None, 3.0], "val": [None, 3.0]},  # diverged on one seed: inf
        ],
        "runs": {
            "default": [run(100, 0.2, [1.0, 1.0]), run(101, None)],
            "confirm=False": [run(100, 0.02, [0.5, 0.5]), run(101, 5.0, [None, 0.0])],
        },
    }
    dump = tmp_path / "blind.json"
    dump.write_text(
        json.dumps({"format": blind.FORMAT, "grid_seeds": [0, 1], "sweep_seeds": [100, 101], "tasks": [task]})
    )
    assert blind.main(["--from", str(dump)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| tiny |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4:11] == [
        "0.1 (0; floor -1.000)",
        "0.1",
        "2.00, None",
        "2.000, -",
        "0.20, 50.00",
        "1.500, inf",
        "default seeds 101: the loss never fell below its starting level over ...",
    ]
    assert "| all 1 | default | 2 | 1 | 1 | 1 | 2.000 | 2.000 |" in out
    assert "| all 1 | confirm=False | 2 | 0 | 1 | 0 | inf | inf |" in out


def test_the_blind_length_table_scales_each_answer_by_its_tasks_length() -> None:
    """benchmarks/range_test_blind.py's last table: each answer times (T / 80) ** -p, judged by its ratio alone; a
    task 16x the candidates' length halves its answers at p = 1/4, one at 80 steps keeps them."""
    import range_test_blind as blind

    def task(name: str, steps: int, answers: list[float | None]) -> dict:
        runs = [
            {"seed": 100 + i, "answer": a, "reason": None if a else "no answer"}
            for i, a in enumerate(answers)
        ]
        for r in runs:
            r.update(final=[1.0], val=[1.0])
        grid = [{"lr": 0.1, "final": [1.0], "val": [1.0]}, {"lr": 1.0, "final": [2.0], "val": [2.0]}]
        return {
            "name": name,
            "round": 10,
            "steps": steps,
            "floor": None,
            "grid": grid,
            "runs": {"default": runs},
        }

    tasks = [task("long", 1280, [0.4, 0.02, None]), task("short", 80, [0.5])]
    table = blind.length_table(tasks, [blind.score(t) for t in tasks])
    rows = {
        r.split("|")[1].strip(): [c.strip() for c in r.strip("|").split("|")[1:]]
        for r in table.splitlines()[2:]
    }
    # ratios as given: 4.0, 0.2 (long) and 5.0 (short)
    assert rows["as given"] == ["4", "0", "2", "1", "1", "4.00"]
    # 16 ** -0.0625 = 0.84: 3.36, 0.17 and 5.0
    assert rows["x (T / 80) ** -0.0625"] == ["4", "0", "2", "1", "1", "3.36"]
    # 16 ** -0.25 = 0.5: 2.0 within, 0.1 below, 5.0 above
    assert rows["x (T / 80) ** -0.25"] == ["4", "1", "1", "1", "1", "2.00"]


def test_the_blind_cycles_benchmark_rescores_a_dump_without_training(tmp_path, capsys) -> None:
    """benchmarks/range_test_blind_cycles.py --from: from a tiny hand-made dump (two tasks of two rounds), each
    one_cycle_max_lr's ratio to the grid-best 1cycle max_lr and regret (over the floor; inf where its training
    diverged on a seed), the cyclic max_lr's ratio, the peak over suggestion(), a grid-best at the grid's edge,
    the Nones with their reasons (a None where suggestion() answered is counted apart) and the totals per
    round and over both."""
    import json

    import range_test_blind_cycles as cycles

    def run(
        seed: int,
        answer: float | None,
        peak: float | None = None,
        top: float | None = None,
        final: list[float | None] | None = None,
    ) -> dict:
        reason = (
            None if answer is not None else "the loss never fell below its starting level over lr 1e-07..10"
        )
        return {
            "seed": seed,
            "answer": answer,
            "reason": reason,
            "stop": "completed",
            "cost": 500,
            "one_cycle": peak,
            "cyclic": None if top is None else [top / 4, top],
            **({} if final is None else {"final": final, "val": final}),
        }

    def task(name: str, rnd: int, floor: float | None, grid: list[tuple[float, list]], runs: list) -> dict:
        rows = [{"lr": lr, "final": f, "val": f} for lr, f in grid]
        return {
            "name": name,
            "round": rnd,
            "recipe": "r",
            "steps": 100,
            "batch": 8,
            "floor": floor,
            "grid": rows,
            "runs": runs,
        }

    tiny = task(
        "tiny",
        6,
        -1.0,
        [(0.01, [1.0, 1.0]), (0.1, [0.0, 0.0]), (1.0, [None, 3.0])],  # grid-best 0.1: 1.0 above the floor
        [
            run(100, 0.1, 0.2, 0.16, [1.0, 1.0]),  # 2x, regret 2 over the floor
            run(101, 0.05),  # no peak where suggestion() answered
            run(102, None),  # no answer at all
            run(103, 0.3, 5.0, 2.0, [None, 0.0]),  # 50x, diverged on seed 0: regret inf
            run(104, 0.1, 0.05, 0.04, [0.5, 0.5]),  # 0.5x, regret 1.5
        ],
    )
    edge = task(
        "edge", 7, None, [(0.01, [2.0, 2.0]), (0.1, [1.0, 1.0])], [run(100, 0.05, 0.25, 0.2, [1.2, 1.2])]
    )
    dump = tmp_path / "blind_cycles.json"
    dump.write_text(
        json.dumps(
            {"format": cycles.FORMAT, "grid_seeds": [0, 1], "sweep_seeds": [100, 101], "tasks": [tiny, edge]}
        )
    )
    assert cycles.main(["--from", str(dump)]) == 0
    out = capsys.readouterr().out

    def cells(name: str) -> list[str]:
        row = next(line for line in out.splitlines() if line.startswith(f"| {name} |"))
        return [c.strip() for c in row.strip("|").split("|")]

    assert cells("tiny")[3:] == [
        "0.01..1 (3)",
        "0.1 (0; floor -1.000)",
        "2.00, None, None, 50.00, 0.50",
        "2.000, -, -, inf, 1.500",
        "2.00, -, -, 16.67, 0.50",
        "1.60, None, None, 20.00, 0.40",
        "one_cycle_max_lr seeds 101: suggestion() answered; one_cycle_max_lr seeds 102: the loss never fell "
        "below its starting level over ...; cyclic_bounds max_lr seeds 101: suggestion() answered; "
        "cyclic_bounds max_lr seeds 102: the loss never fell below its starting level over ...",
    ]
    assert cells("edge")[3:9] == [
        "0.01..0.1 (2)",
        "0.1 (1, at the grid's edge)",
        "2.50",
        "1.200",
        "5.00",
        "2.00",
    ]
    for line in [
        "| all 2 | one_cycle_max_lr | 6 | 3 | 3 | 2 | 1 | 1.750 | inf |",
        "| all 2 | cyclic_bounds max_lr | 6 | 3 | 3 | 2 | 1 | - | - |",
        "| round 6 (1) | one_cycle_max_lr | 5 | 2 | 2 | 2 | 1 | 2.000 | inf |",
        "| round 7 (1) | one_cycle_max_lr | 1 | 1 | 1 | 0 | 0 | 1.200 | 1.200 |",
        "| round 7 (1) | cyclic_bounds max_lr | 1 | 1 | 1 | 0 | 0 | - | - |",
    ]:
        assert line in out


def test_the_choice_replay_rules_choose_what_they_say() -> None:
    """benchmarks/range_test_choice.py: each replayed rule on hand-made candidates (anchor 0.1, half a decade
    apart), and the lattice point an answer needs read, trained nowhere, as an interpolation between the grid's
    points."""
    import math

    import range_test_choice as choice
    from quality.store import Store

    from lightning_lr.tuner._confirm import Candidate, Confirmation

    def cand(lr: float, score: float) -> Candidate:
        return Candidate(lr, tuple([score] * 80), score)

    # the best (0.1) sits right below a cliff (0.316 scores 3x worse); 0.0316 is nearly as good
    lrs, scores = (0.01, 0.0316, 0.1, 0.316), (2.0, 1.05, 1.0, 3.0)
    conf = Confirmation(tuple(cand(lr, s) for lr, s in zip(lrs, scores, strict=True)), 80, 0.1, 2.5, 2)
    task = choice.TASKS[0]
    assert choice.vertex(conf, task) == conf.lr and conf.lr < 0.1  # the steep side pulls the vertex down
    assert choice.winner(conf, task) == 0.1
    assert choice.never_up(conf, task) == conf.lr
    assert choice.cap_at_anchor(Confirmation(conf.candidates, 80, 0.05, 2.5, 2), task) == 0.05
    assert choice.safety_margin(conf, task) == 0.0316  # max(1.05, 1.0) beats max(1.0, 3.0)
    assert math.isclose(choice.shift(0.25)(conf, task), conf.lr * (task.steps / 80) ** -0.25)
    assert math.isclose(choice.shift(0.25, 4)(conf, task), conf.lr * (4 * task.steps / 80) ** -0.25)
    # noise-free losses: only equal scores are alike, so the tie spans 0.0316..0.1 when they are equal
    tied = Confirmation(
        tuple(cand(lr, s) for lr, s in zip(lrs, (2.0, 1.0, 1.0, 3.0), strict=True)), 80, 0.1, 2.5, 1
    )
    assert math.isclose(choice.tied_centre(tied, task), math.sqrt(0.0316 * 0.1))

    store = Store(offline=True)
    for k, loss in ((-12, 0.4), (-8, 0.1)):  # a grid of two points, 4 seeds each
        for s in range(4):
            store.trainings[f"{task.name}|constant|{k}|{s}"] = [loss, loss, 2.0, 1.0, 100.0]
    losses = choice.Losses(store, {}, train_missing=False)
    losses.grids[task.name] = Grid(train={-12: 0.4, -8: 0.1})
    assert losses.at(task, 10 ** (-8 / 12)) == (0.1, False)
    got, approx = losses.at(task, 10 ** (-10 / 12))  # halfway between them in log LR: the geometric mean
    assert approx and math.isclose(got, 0.2)

    # run_steps=T: what suggestion(run_steps=T) answers, the Adam family scaled by 1/4, SGD left as it is
    sgd, adamw = (next(t for t in choice.TASKS if t.optimizer == o) for o in ("sgd-momentum", "adamw"))
    assert choice.optimizer_of(adamw) == "torch.optim.AdamW"
    assert choice.run_steps()(conf, sgd) == conf.lr
    assert math.isclose(choice.run_steps()(conf, adamw), conf.lr * (adamw.steps / 80) ** -0.25)
    assert math.isclose(choice.run_steps(2)(conf, adamw), conf.lr * (2 * adamw.steps / 80) ** -0.25)


def test_the_answer_trend_reads_the_best_candidates_drift_between_horizons() -> None:
    """benchmarks/range_test_answer_trend.py: the answer re-read at a shorter horizon from the candidates' stored
    losses, and the drift from 40 to 80 steps taken as the shift for the budget, never up, at most 1/2."""
    import math

    import range_test_answer_trend as trend

    from lightning_lr.tuner._confirm import Candidate, Confirmation, score

    def conf_of(curves: list[list[float]]) -> Confirmation:
        lrs = (0.01, 0.0316, 0.1, 0.316)
        cands = tuple(Candidate(lr, tuple(c), score(c, 80)) for lr, c in zip(lrs, curves, strict=True))
        best = min(range(4), key=lambda i: cands[i].score)
        return Confirmation(cands, 80, 0.1, 2.5, best)

    # 0.1 leads at 40 steps, 0.0316 at 80: the best falls with the horizon
    falls = conf_of([[2.0] * 80, [1.5] * 40 + [0.8] * 40, [1.0] * 40 + [1.2] * 40, [3.0] * 80])
    a40, a80 = trend.answer_at(falls, 40), trend.answer_at(falls, 80)
    assert a80 == falls.lr and a40 > 0.0316 and a80 < 0.1
    assert a40 / a80 > 2**0.5  # more than 1/2 a doubling: held at p = 1/2
    assert math.isclose(trend.drift_pair(falls, 320), a80 * 4**-0.5)
    # the other way round: the best rises with the horizon, and the answer is never raised
    rises = conf_of([[2.0] * 80, [1.0] * 40 + [1.2] * 40, [1.5] * 40 + [0.8] * 40, [3.0] * 80])
    assert trend.answer_at(rises, 40) < trend.answer_at(rises, 80)
    assert trend.drift_pair(rises, 320) == rises.lr
    assert trend.RULES["as given"](rises, 320) == rises.lr


def test_the_length_benchmark_scores_each_shift_by_its_own_training_and_chooses_on_the_tuning_half(
    tmp_path, capsys
) -> None:
    """benchmarks/range_test_length.py --from: each answer's shifts are judged by the trainings at them (no
    interpolation), per half; p is chosen on the tuning half alone, by runs within 3x, then the worst regret."""
    import json

    import range_test_length as length

    def task(name: str, half: str, finals: dict[float, list[float | None] | None], best: float = 0.1) -> dict:
        # one run; the trainings at each shift of its answer (0.8 at T = 1280: 16x the candidates' 80 steps)
        shifted = {
            repr(p): {"lr": length.shifted(0.8, 1280, p), "final": f, "val": f}
            for p, f in finals.items()
            if f is not None
        }
        return {
            "name": name,
            "half": half,
            "round": 12,
            "recipe": "r",
            "steps": 1280,
            "batch": 8,
            "floor": None,
            "grid": [
                {"lr": best, "final": [1.0], "val": [1.0]},
                {"lr": 10 * best, "final": [4.0], "val": [4.0]},
            ],
            "runs": {"default": [{"seed": 100, "answer": 0.8, "reason": None, "shifted": shifted}]},
        }

    # ratios: 8.0 at p = 0, 16 ** -1/16 * 8 = 6.73, 5.66, 4.76, 4.0 at p = 1/4: none within 3x on the tuning
    # task, so the tie goes to the lower worst regret: p = 1/8 (1.2) over p = 1/4 (1.5)
    p = length.EXPONENTS
    tuning = task("t", "tuning", {p[0]: [3.0], p[1]: [2.0], p[2]: [1.2], p[3]: [1.6], p[4]: [1.5]})
    # the validation half does not vote: its best is p = 0
    validation = task("v", "validation", {p[0]: [1.0], p[1]: [5.0], p[2]: [5.0], p[3]: [5.0], p[4]: [5.0]})
    dump = tmp_path / "length.json"
    data = {"format": length.FORMAT, "grid_seeds": [0], "sweep_seeds": [100], "tasks": [tuning, validation]}
    dump.write_text(json.dumps(data))
    assert length.main(["--from", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "| tuning | x (T / 80) ** -0.125 | 1 | 0 | 1 | 1 | 0 | 5.66 | 1.200 | 1.200 |" in out
    assert "| validation | as given | 1 | 0 | 1 | 1 | 0 | 8.00 | 1.000 | 1.000 |" in out
    assert out.rstrip().endswith("chosen on the tuning half (1 task): p = 0.125")
    # the runs within 3x come first: with a task whose best LR is 0.2 (ratios 4.0, 3.36, 2.83, 2.38, 2.0), p = 1/8
    # and above bring one run within 3x, and of those 1/8 has the lowest worst regret (1.2), though p = 1/16 has a
    # lower one still (1.1) with none within 3x
    first = task("t", "tuning", {p[0]: [3.0], p[1]: [1.1], p[2]: [1.2], p[3]: [1.6], p[4]: [1.5]})
    within = task("w", "tuning", {q: [1.0] for q in p}, best=0.2)
    scores = [length.score(first), length.score(within)]
    assert [length.totals(scores, q)["within 3x"] for q in p] == [0, 0, 1, 1, 1]
    assert length.choose(scores) == 0.125
    # a run without an answer counts as None, in every row
    none = task("n", "tuning", {q: None for q in p})
    none["runs"]["default"][0]["answer"] = None
    assert length.totals([length.score(none)], 0.25)["None"] == 1
