"""What the sdist holds (review 32: setuptools' default put 6 of the 61 test files in it, without the
conftest or tests/support, so its tests could not run): the whole suite, the docs the README links to, the
examples and the benchmark scripts, but not the benchmarks' 20 MB of stored results."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import lightning_lr

ROOT = Path(__file__).resolve().parent.parent


def test_the_sdist_holds_the_test_suite_docs_and_benchmark_scripts_but_no_results(tmp_path) -> None:
    src = tmp_path / "src"  # a copy: building writes an egg-info next to pyproject.toml
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".venv*", ".git", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    # what `make demo` leaves in the checkout (review 107: it was packaged as a second top-level name)
    (src / "lightning_lr_demo" / "logs").mkdir(parents=True)
    (src / "lightning_lr_demo" / "range_test.png").write_bytes(b"png")
    (src / "lightning_lr_demo" / "logs" / "events.out.tfevents.1").write_bytes(b"ev")
    # the version is written once, in lightning_lr/__init__.py: the copy's other version is the package's
    init = src / "lightning_lr" / "__init__.py"
    init.write_text(init.read_text().replace(f'"{lightning_lr.__version__}"', '"9.8.7"', 1))
    build = f"from setuptools import build_meta; print(build_meta.build_sdist(r'{tmp_path}'))"
    name = subprocess.run(
        [sys.executable, "-c", build], cwd=src, capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()[-1]
    with tarfile.open(tmp_path / name) as sdist:
        files = {"/".join(m.name.split("/")[1:]) for m in sdist.getmembers() if m.isfile()}
        info = sdist.extractfile(f"{name.removesuffix('.tar.gz')}/PKG-INFO")
        top = sdist.extractfile(f"{name.removesuffix('.tar.gz')}/lightning_lr.egg-info/top_level.txt")
        assert info is not None and top is not None
        metadata = info.read().decode()
        assert top.read().decode().split() == ["lightning_lr"]
    assert "\nVersion: 9.8.7\n" in metadata and name.endswith("-9.8.7.tar.gz")
    tests = {f for f in files if f.startswith("tests/")}
    in_repo = {
        str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert tests >= in_repo  # every test file, tests/support included
    assert {"conftest.py", "CHANGELOG.md", "LICENSE", "docs/range_test.png", "docs/one_cycle.png"} <= files
    assert {"docs/range_test.md", "docs/callbacks.md"} <= files  # the README's details, one click away
    assert "benchmarks/quality/cli.py" in files and "lightning_lr/py.typed" in files
    assert not [
        f
        for f in files
        if f.startswith(("benchmarks/results/", "lightning_lr_demo")) or os.path.basename(f) == "__pycache__"
    ]
