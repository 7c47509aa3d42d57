"""The README's development commands work as written, on a fresh demo."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"


def readme_commands() -> list[str]:
    """Every manage.py line in the README's shell blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if "manage.py" in line]


def run(command: str, database: Path, stdin: str = "", **env) -> subprocess.CompletedProcess:
    base = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    base["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def fresh_demo(tmp_path_factory):
    """A fresh database with the demo loaded, as `make run` leaves it."""
    database = tmp_path_factory.mktemp("demo") / "db.sqlite3"
    python = Path(sys.executable)
    for step in ("migrate --no-input -v0", "load_demo"):
        done = run(f"{python} manage.py {step}", database, DEBUG="1")
        assert done.returncode == 0, done.stderr
    return database


def test_the_readme_shows_its_manage_py_commands():
    assert any("adduser" in command for command in readme_commands())


def test_every_manage_py_command_in_the_readme_works_as_written(fresh_demo):
    if not Path(settings.BASE_DIR, ".venv/bin/python").exists():
        pytest.skip("the README's commands run the project's .venv")
    for command in readme_commands():
        done = run(command, fresh_demo, stdin="een-lang-geheim-wachtwoord-42\n")
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        assert "Traceback" not in done.stderr


def test_without_debug_or_secret_key_manage_py_says_what_is_missing(fresh_demo):
    done = run(f"{sys.executable} manage.py check", fresh_demo)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr
    assert os.linesep.join(done.stderr.strip().splitlines()[-1:]).startswith("manage.py:")
