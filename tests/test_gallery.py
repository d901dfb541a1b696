"""The gallery builds from the installed package: every script runs and the index links its figures."""

from __future__ import annotations

import re

import pytest

from geohra.gallery import build_gallery, gallery_scripts


def test_every_script_has_a_caption_and_make():
    scripts = gallery_scripts()
    assert len(scripts) >= 10
    for s in scripts:
        text = s.read_text(encoding="utf-8")
        assert text.startswith('"""'), s.name
        assert "def make(out: Path)" in text, s.name


@pytest.mark.slow
def test_build_gallery_writes_index_with_thumbnails(tmp_path):
    paths = build_gallery(tmp_path, quiet=True)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) >= 12
    for p in pngs:
        assert p.read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / "thumbnails" / p.name).exists()
        assert f"thumbnails/{p.name}" in index
    assert "failed" not in index
    assert len(re.findall(r"class='card'", index)) == len(gallery_scripts())
    assert (tmp_path / "11_web_map.html").exists()
    assert paths[0] == tmp_path / "index.html"
