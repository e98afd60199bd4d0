"""Appended to a stub by test_classmates: a module that keeps all the kit's code the runner gives it (what is
substituted, and whatever that code's globals reach) and later hands it back as its own. ``_install(names)``
makes each of ``names`` a replay of what was kept under that name."""

import sys as _sys
import types as _types

_kept = {}


def _from_the_kit(value):
    return str(getattr(value, "__module__", "")).startswith("textbook")


def _keep(name, value):
    # value, and through the globals of its functions and methods all the kit's code it reaches
    if name in _kept or not _from_the_kit(value):
        return
    _kept[name] = value
    functions = [value] if hasattr(value, "__globals__") else []
    if isinstance(value, type):
        functions += [f for f in vars(value).values() if hasattr(f, "__globals__")]
    for f in functions:
        for other, found in list(f.__globals__.items()):
            _keep(other, found)


class _Recorder(_types.ModuleType):
    def __setattr__(self, name, value):
        _keep(name, value)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Recorder


def _replay(name):
    def replayed(*args, **kwargs):
        if name in _kept:
            return _kept[name](*args, **kwargs)
        raise NotImplementedError(name)
    return replayed


def _install(names):
    for name in names:
        globals()[name] = _replay(name)
