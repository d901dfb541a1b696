"""Build the example gallery: run every script in ``gallery/`` and write an index page.

Each gallery script is a small, self-contained example (``gallery/NN_name.py``) with a
module docstring (its first line is the caption) and a function ``make(out: Path) ->
list[Path]`` that writes its figure(s) into ``out`` and returns their paths; run as a
script it writes into the current folder. The scripts ship inside the installed package
(``geohra._gallery``) so ``geohra gallery --out DIR`` works without a checkout.
"""

from __future__ import annotations

import html
import importlib.util
import sys
import time
import traceback
from importlib import resources
from pathlib import Path


def gallery_scripts() -> list[Path]:
    """The example scripts, in order."""
    here = resources.files("geohra._gallery")
    scripts = sorted(
        Path(str(p)) for p in here.iterdir() if p.name.endswith(".py") and p.name[:2].isdigit()
    )
    if not scripts:
        raise FileNotFoundError(f"no gallery scripts found in {here}")
    return scripts


def _load(script: Path):
    spec = importlib.util.spec_from_file_location(f"geohra_gallery_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _thumbnail(src: Path, dst: Path, width: int = 360) -> None:
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    img = mpimg.imread(src)
    h, w = img.shape[:2]
    fig = plt.figure(figsize=(width / 100, width * h / w / 100), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.imshow(img)
    ax.axis("off")
    fig.savefig(dst, dpi=100)
    plt.close(fig)


def build_gallery(out: Path, *, quiet: bool = False) -> list[Path]:
    """Run every gallery script into ``out`` and write ``out/index.html`` with thumbnails.

    A script that fails is reported on the index page and makes the build fail at the end
    (after the other scripts ran), so a broken example is never hidden.
    """
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    thumbs = out / "thumbnails"
    thumbs.mkdir(parents=True, exist_ok=True)
    entries = []
    failures = []
    for script in gallery_scripts():
        t0 = time.perf_counter()
        module = _load(script)
        caption = (module.__doc__ or script.stem).strip().splitlines()[0]
        try:
            produced = [Path(p) for p in module.make(out)]
        except Exception:  # collect, report, fail at the end
            failures.append((script.name, traceback.format_exc()))
            produced = []
        dt = time.perf_counter() - t0
        if not quiet:
            print(f"  {script.name}: {len(produced)} file(s) in {dt:.1f} s", file=sys.stderr)
        for p in produced:
            if p.suffix == ".png":
                _thumbnail(p, thumbs / p.name)
        entries.append((script, caption, produced))
    page = out / "index.html"
    page.write_text(_index_html(entries, failures, out), encoding="utf-8")
    print(
        f"geohra gallery: {sum(len(e[2]) for e in entries)} figures from {len(entries)} scripts; index: {page}"
    )
    if failures:
        names = ", ".join(n for n, _ in failures)
        raise RuntimeError(
            f"gallery scripts failed: {names}\n" + "\n".join(tb for _, tb in failures)
        )
    return [page] + [p for e in entries for p in e[2]]


def _index_html(entries, failures, out: Path) -> str:
    esc = html.escape
    rows = []
    for script, caption, produced in entries:
        figs = "".join(
            f"<a href='{esc(p.relative_to(out).as_posix())}'><img src='thumbnails/{esc(p.name)}' alt='{esc(caption)}'></a>"
            if p.suffix == ".png"
            else f"<a href='{esc(p.relative_to(out).as_posix())}'>{esc(p.name)}</a>"
            for p in produced
        )
        rows.append(
            f"<div class='card'><h3>{esc(caption)}</h3>{figs}<p><code>{esc(script.name)}</code></p></div>"
        )
    for name, tb in failures:
        rows.append(
            f"<div class='card fail'><h3>{esc(name)} failed</h3><pre>{esc(tb[-1500:])}</pre></div>"
        )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>geohra gallery</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em}"
        ".grid{display:flex;flex-wrap:wrap;gap:1em}.card{width:380px;border:1px solid #ddd;padding:.5em}"
        ".card img{width:360px}.fail{border-color:#c33}h3{font-size:15px}</style></head><body>"
        "<h1>geohra gallery</h1><p>One example per analysis, made from geohra's built-in data. "
        "Each script is in the <code>gallery/</code> folder of the repository.</p>"
        f"<div class='grid'>{''.join(rows)}</div></body></html>"
    )
