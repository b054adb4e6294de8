"""A real browser for the report's tests: Debian's headless Chromium driven by selenium through Debian's
chromedriver (nothing downloaded: the driver's path is given, so Selenium Manager is never asked), with the
network off (DevTools offline emulation, and a proxy that goes nowhere), its console and every request it
makes recorded.  Missing Chromium: the test is skipped with the reason (``.ci/run`` installs it)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver")
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def _first(paths: tuple[str, ...], name: str) -> str | None:
    found = next((p for p in paths if Path(p).is_file()), None)
    return found or shutil.which(name)


def executables() -> tuple[str, str]:
    """Chromium and chromedriver, or skip the test saying how to install them."""
    browser, driver = _first(CHROMIUM, "chromium"), _first(CHROMEDRIVER, "chromedriver")
    if not browser or not driver:
        pytest.skip("needs Chromium and its driver: apt-get install -y chromium chromium-driver (.ci/run does)")
    return browser, driver


class Page:
    """A page opened from ``file://`` in a browser without network."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver

    def open(self, path: Path, settle: float = 20.0) -> None:
        """Load ``path`` and wait until every interactive table on it is drawn."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(path.resolve().as_uri())
        expected = self.driver.execute_script(
            "return document.querySelectorAll('table[id^=itables_], table#budgetlib_front').length")
        WebDriverWait(self.driver, settle).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
            and d.execute_script("return document.querySelectorAll('table.dataTable').length") >= expected)

    def console(self) -> list[dict]:
        return self.driver.get_log("browser")

    def requests(self) -> list[str]:
        """Every URL the page asked for since the last call."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def alert(self) -> str | None:
        from selenium.common.exceptions import NoAlertPresentException

        try:
            return self.driver.switch_to.alert.text
        except NoAlertPresentException:
            return None

    def js(self, script: str, *args: object) -> object:
        return self.driver.execute_script(script, *args)


@contextlib.contextmanager
def browser() -> Iterator[Page]:
    """Headless Chromium (a fresh profile, no network), closed and its profile removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = executables()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download anything
    profile = tempfile.mkdtemp(prefix="budgetlib-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--window-size=1400,1000",
                f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        page = Page(driver)
        page.requests()  # what the new tab asked for before any page of ours
        yield page
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
