"""The report as an analyst opens it: from file:// in a real browser (headless Chromium), with the network
off.  No console error and no request; the search box finds a project's indicators by typing; a link on
the front page lands on its section; the text of a hostile corpus shows as text and never runs."""

from __future__ import annotations

import re

import pytest
from browser import NETWORK_SCHEMES, browser
from hostile import IMG, LINK, SCRIPT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page():
    with browser() as p:
        yield p


def _problems(page) -> tuple[list[str], list[str]]:
    errors = [e["message"] for e in page.console() if e["level"] == "SEVERE"]
    outside = [u for u in page.requests() if u.startswith(NETWORK_SCHEMES)]
    return errors, outside


def test_every_page_works_offline(page, sample_report):
    pages = sorted(sample_report.out.glob("*.html"))
    assert [p.name for p in pages][-1] == "report.html" and len(pages) == 7
    for html in pages:
        page.open(html)
        errors, outside = _problems(page)
        assert errors == [] and outside == [], (html.name, errors[:3], outside[:3])
        if html.name in ("report.html", "02_clean.html"):  # its long tables became interactive
            assert page.js("return document.querySelectorAll('table.dataTable tbody tr').length") > 30


def _indicator_table(page) -> tuple[object, list[str]]:
    """The container of the indicators table of report.html, and its column names."""
    from selenium.webdriver.common.by import By

    for container in page.driver.find_elements(By.CSS_SELECTOR, "div.dt-container"):
        caption = container.find_elements(By.CSS_SELECTOR, "caption")
        if caption and caption[0].text.startswith("绩效指标（"):
            heads = [th.get_attribute("textContent").strip()
                     for th in container.find_elements(By.CSS_SELECTOR, "thead tr:first-child th")]
            return container, heads
    raise AssertionError("no indicators table in report.html")


def test_typing_a_project_in_the_search_box_lists_its_indicators(page, sample_report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    import budgetlib

    indicators = budgetlib.load_processed(sample_report.processed)["indicators"]
    shown = ["department", "unit", "project", "seq", "level1", "level2", "indicator", "annual_value", "kind",
             "source", "page"]
    text = indicators[shown].astype("string").fillna("")
    # a project whose name is in no other row (the search box matches any cell of a row)
    def elsewhere(p: str) -> bool:
        return text[indicators["project"] != p].apply(lambda col: col.str.contains(p, regex=False)).any().any()

    name = next(p for p in indicators["project"].unique() if not elsewhere(p))
    expected = int((indicators["project"] == name).sum())
    page.open(sample_report.out / "report.html")
    container, heads = _indicator_table(page)
    box = container.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys(name)
    column = heads.index("project") + 1

    def rows(_):
        cells = container.find_elements(By.CSS_SELECTOR, f"tbody tr td:nth-child({column})")
        values = [c.text for c in cells]
        return values if len(values) == expected and set(values) == {name} else False

    assert WebDriverWait(page.driver, 10).until(rows) == [name] * expected
    info = container.find_element(By.CSS_SELECTOR, ".dt-info").text
    assert f"共 {expected} 行" in info and f"从 {len(indicators)} 行中筛选" in info
    box.clear()


def test_a_link_on_the_front_page_lands_on_its_section(page, sample_report):
    from selenium.webdriver.common.by import By

    page.open(sample_report.out / "report.html")
    link = page.driver.find_element(By.CSS_SELECTOR, "nav.budgetlib-toc a[href='#nb-02_clean']")
    assert link.text == "2 核对与问题清单"
    link.click()
    assert page.js("return location.hash") == "#nb-02_clean"
    top = page.js("return document.getElementById('nb-02_clean').getBoundingClientRect().top")
    assert -20 <= top <= 60  # the section is at the top of the window
    heading = page.js("let a = document.getElementById('nb-02_clean'); let n = a.closest('.jp-Cell');"
                      "return n.querySelector('h1').textContent")
    assert heading.startswith("2 核对与问题清单")
    sub = page.driver.find_element(By.XPATH, "//nav[contains(@class,'budgetlib-toc')]"
                                             "//a[text()='金额核对：哪些合计对不上，差多少']")
    sub.click()
    anchor = sub.get_attribute("href").split("#")[1]
    assert re.fullmatch(r"nb-02_clean-\d+", anchor)
    assert -20 <= page.js(f"return document.getElementById('{anchor}').getBoundingClientRect().top") <= 60


def test_hostile_text_shows_as_text_and_never_runs(page, hostile_report):
    from selenium.webdriver.support.ui import Select

    live = ("img[src='x'], img[onerror], [onerror], [onload], [onclick], [onmouseover], a[href^='javascript'], "
            "iframe, object, embed")
    for html in sorted(hostile_report.out.glob("*.html")):
        page.open(html)
        from selenium.webdriver.common.by import By

        for select in page.driver.find_elements(By.CSS_SELECTOR, "div.dt-length select"):
            Select(select).select_by_value("-1")  # every row of every interactive table drawn
        assert page.alert() is None, html.name
        assert page.js(f"return document.querySelectorAll({live!r}).length") == 0, html.name
        scripts = page.js("return [...document.scripts].map(s => s.textContent)")
        assert not [s for s in scripts if re.fullmatch(r"\s*alert\(\d\)\s*", s)], html.name
        errors, outside = _problems(page)
        assert errors == [] and outside == [], (html.name, errors[:3], outside[:3])
        if html.name in ("report.html", "02_clean.html"):
            body = page.js("return document.body.innerText")
            assert IMG in body and SCRIPT in body and LINK in body  # shown, as text
