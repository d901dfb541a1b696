"""The web map in a real browser: Debian's headless Chromium driven by Playwright.

The page is served from 127.0.0.1 and every request elsewhere is aborted, so the test
also proves that offline pages need no internet. Chromium comes from apt
(``.ci/browser-setup.sh``); when it is missing this test FAILS (it is not skipped).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geohra.maps.web import save_web_map, web_map

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GEOHRA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _panel() -> gpd.GeoDataFrame:
    # 4 x 3 grid of 2-degree squares; one unit without a value in 2020
    n = 12
    base = gpd.GeoDataFrame(
        {
            "name_en": [f"Unit {chr(65 + i)}" for i in range(n)],
            "cluster": ["High-High", "Low-Low", "Not significant", "High-Low"] * 3,
        },
        geometry=[
            box(100 + (i % 4) * 2, 30 + (i // 4) * 2, 102 + (i % 4) * 2, 32 + (i // 4) * 2)
            for i in range(n)
        ],
        index=[f"u{i:02d}" for i in range(n)],
        crs=4326,
    )
    v2010 = np.array([1.5, 2.25, 3.5, 4.75, 5.5, 6.25, 7.5, 8.75, 9.5, 10.25, 11.5, 12.75])
    v2020 = v2010 * 2
    v2020[3] = np.nan
    return pd.concat([base.assign(year=2010, beds=v2010), base.assign(year=2020, beds=v2020)])


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}; run .ci/browser-setup.sh "
            "(apt-get install chromium) or set GEOHRA_CHROMIUM to its path.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Write the offline page and serve its folder on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("web")
    panel = _panel()
    m = web_map(panel, "beds", time="year", lisa="cluster", k=4, lang="en", offline=True)
    save_web_map(m, folder / "map.html")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no request log in the test output
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/map.html", m.get_name(), panel, folder
    server.shutdown()


@pytest.fixture
def page(browser, served):
    url, map_name, panel, _ = served
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    pg = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url)
    pg.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    yield pg, map_name, panel, blocked, errors
    context.close()


def _hover_unit(pg, map_name: str, geom) -> str:
    c = geom.centroid
    box_ = pg.locator(".folium-map").bounding_box()
    pt = pg.evaluate(
        f"() => {{ const p = {map_name}.latLngToContainerPoint([{c.y}, {c.x}]); return [p.x, p.y]; }}"
    )
    pg.mouse.move(box_["x"] + pt[0], box_["y"] + pt[1])
    tip = pg.locator(".leaflet-tooltip")
    tip.wait_for(state="visible")
    return tip.inner_text()


def test_polygons_rendered_offline(page):
    pg, _, panel, blocked, errors = page
    n_units = panel.index.nunique()
    # only the last year's layer is shown at first: one SVG path per unit
    assert pg.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == n_units
    assert errors == []
    assert blocked == []  # the page asked for nothing outside 127.0.0.1
    legend = pg.locator("#geohra-legend").inner_text()
    assert "No data" in legend and "High-High" in legend


def test_tooltip_shows_name_and_value(page):
    pg, map_name, panel, _, _ = page
    y2020 = panel[panel["year"] == 2020]
    text = _hover_unit(pg, map_name, y2020.geometry["u05"])
    assert "Unit F" in text and "12.5" in text  # 6.25 * 2
    text = _hover_unit(pg, map_name, y2020.geometry["u03"])
    assert "Unit D" in text and "No data" in text


def test_switching_year_layer(page):
    pg, map_name, panel, _, _ = page
    pg.get_by_text("2010", exact=True).click()
    assert (
        pg.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
        == panel.index.nunique()
    )
    text = _hover_unit(pg, map_name, panel[panel["year"] == 2010].geometry["u05"])
    assert "Unit F" in text and "6.25" in text


def test_lisa_layer_draws_the_shared_geometry(page):
    """Year and LISA layers draw the same shapes, written once in the page."""
    pg, map_name, panel, _, errors = page
    n = panel.index.nunique()
    pg.get_by_text("LISA 2020", exact=True).click()
    paths = pg.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert paths.count() == 2 * n
    boxes = pg.evaluate(
        f"""() => {{
        const out = {{}};
        {map_name}.eachLayer(l => {{
            if (l.feature && l.getBounds) {{
                const b = l.getBounds();
                (out[l.feature.id] = out[l.feature.id] || []).push(
                    [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
            }}
        }});
        return out;
    }}"""
    )
    assert sorted(boxes) == sorted(panel.index.unique())
    for unit, seen in boxes.items():
        assert len(seen) == 2  # the 2020 layer and its LISA layer
        want = panel.geometry[unit].iloc[0].bounds
        for b in seen:
            np.testing.assert_allclose(b, want, atol=1e-9)
    _hover_unit(pg, map_name, panel[panel["year"] == 2020].geometry["u00"])
    # the mouse came from the layer control over other units: wait for u00's tooltip
    tip = pg.locator(".leaflet-tooltip").filter(has_text="Unit A")
    tip.wait_for(state="visible")
    assert "High-High" in tip.inner_text()  # the LISA layer is on top
    assert errors == []


def test_cdn_page_stays_blank_without_network(browser, served):
    """Control: the same map with folium's CDN assets draws nothing when only 127.0.0.1
    is reachable, so the offline test above really exercises the embedding."""
    url, _, panel, folder = served
    cdn_page = web_map(panel, "beds", time="year", k=4, lang="en", offline=False)
    save_web_map(cdn_page, folder / "cdn.html", offline=False)
    folder_url = url.rsplit("/", 1)[0]
    context = browser.new_context()
    pg = context.new_page()
    pg.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort(),
    )
    pg.goto(f"{folder_url}/cdn.html")
    pg.wait_for_timeout(1500)
    assert pg.locator("path.leaflet-interactive").count() == 0
    context.close()


def test_real_province_map_in_browser(browser, tmp_path):
    """31 interactive provinces from the built-in layer; grey context is drawn but not
    interactive; the page is opened from file:// with every network request refused."""
    from geohra.io.boundaries import load_boundaries

    prov = load_boundaries("china-provinces")
    values = pd.Series(np.linspace(1.0, 31.0, 31), index=prov.index)
    m = web_map(prov.assign(beds=values), "beds", lang="en")
    path = tmp_path / "provinces.html"
    save_web_map(m, path)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    pg = context.new_page()
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    pg.goto(path.as_uri())
    pg.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    assert pg.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 31
    assert pg.locator(".leaflet-overlay-pane path").count() == 31 + 3 + 1  # + HK/MO/TW + line
    text = _hover_unit(pg, m.get_name(), prov.geometry["620000"].representative_point())
    assert "Gansu" in text and format(values["620000"], ".4g") in text
    context.close()
