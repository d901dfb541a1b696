"""The base of every result object: a short one-line repr and an HTML view for notebooks."""

from __future__ import annotations

import html


class Result:
    """Mixin of the frozen result dataclasses.

    Subclasses define ``_repr_parts()`` (a few short strings) and ``summary()``;
    ``repr(result)`` is then one line such as
    ``TheilResult(total=0.0370, within 94.6 %, between 5.4 %, 3 groups)``.
    """

    __slots__ = ()

    def _repr_parts(self) -> list[str]:  # pragma: no cover - overridden
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_parts())})"

    def _repr_html_(self) -> str:
        title = html.escape(repr(self))
        try:
            table = self.summary()  # type: ignore[attr-defined]
        except Exception:  # pragma: no cover - a summary that cannot be built is not shown
            return f"<p><code>{title}</code></p>"
        if len(table) > 12:
            table = table.head(12)
            more = "<p>… (first 12 rows; see .summary())</p>"
        else:
            more = ""
        return f"<p><code>{title}</code></p>{table.to_html()}{more}"
