"""The hostile-argument table (tests/hostile_library.py): each row's error, and every public name covered."""

import inspect
import os

import pytest

import engine
import nn
import viz
from tests.hostile_library import EXEMPT, RESULTS, ROWS, Result, Row


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_a_hostile_argument_gets_one_clear_error_naming_the_function(row: Row, tmp_path):
    cwd = os.getcwd()
    os.chdir(tmp_path)  # render's rows would write here if they got that far
    try:
        with pytest.raises(row.error) as info:
            row.call()
    finally:
        os.chdir(cwd)
    message = str(info.value)
    assert message.startswith(f"{row.prefix or row.name}: "), message
    assert row.says in message, message
    assert "\n" not in message.strip(), message


@pytest.mark.parametrize("result", RESULTS, ids=[r.id for r in RESULTS])
def test_hostile_numbers_get_the_right_answer(result: Result):
    got = result.call()
    assert result.expect(got), f"{result.name}: expected {result.says}; got {got!r}"


def _public_callables():
    for package in (engine, nn, viz):
        for name in package.__all__:
            obj = getattr(package, name)
            if not callable(obj) or (inspect.isclass(obj) and issubclass(obj, BaseException)):
                continue
            yield name, obj


def test_every_public_callable_has_hostile_rows_or_a_reason():
    covered = {r.name for r in ROWS}
    missing = [name for name, _ in _public_callables() if name not in covered and name not in EXEMPT]
    assert not missing, f"public names without hostile rows in tests/hostile_library.py: {missing}"
    stale = set(EXEMPT) - {name for name, _ in _public_callables()}
    assert not stale, f"EXEMPT names that are no longer public: {stale}"


def test_every_parameter_of_a_public_callable_has_a_hostile_row():
    attacked = {(r.name, r.arg) for r in ROWS}
    missing = []
    for name, obj in _public_callables():
        if name in EXEMPT:
            continue
        for param in inspect.signature(obj).parameters:
            if param != "self" and (name, param) not in attacked:
                missing.append(f"{name}({param}=)")
    assert not missing, f"parameters without a hostile row in tests/hostile_library.py: {missing}"
