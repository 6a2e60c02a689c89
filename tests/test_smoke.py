import lightning_lr
from lightning_lr.schedules import OneCycle


def test_package_imports_and_schedules_evaluate() -> None:
    assert lightning_lr.__version__
    assert OneCycle(1.0, total_steps=10)(9) == 1.0 / 25 / 1e4
