"""What the bad-input fuzzing accepts as a failure: a geohra error, never a raw library one.

A geohra error is a ValueError, TypeError, KeyError or OSError (or a subclass) with a
message, raised by geohra's own code: the innermost traceback frame is in the geohra
package, so an exception that escapes numpy, pandas, shapely or pyproj does not count.
"""

from __future__ import annotations

from pathlib import Path

import geohra

PACKAGE = Path(geohra.__file__).resolve().parent
ALLOWED = (ValueError, TypeError, KeyError, OSError)


def raised_in_geohra(exc: BaseException) -> bool:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    return PACKAGE in Path(last.tb_frame.f_code.co_filename).resolve().parents


def assert_geohra_error(exc: BaseException) -> None:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    assert isinstance(exc, ALLOWED), f"{type(exc).__name__}: {exc}"
    assert raised_in_geohra(exc), f"raised outside geohra: {type(exc).__name__}: {exc}"
    assert len(text) > 20, f"no useful message: {text!r}"
