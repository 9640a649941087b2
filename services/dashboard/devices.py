"""A login session's device as its organizer knows it ("Chrome on Android", "Safari on iPhone"),
read from the browser's user-agent string by ua-parser (the uap-core rules)."""

from __future__ import annotations

from typing import NamedTuple

from ua_parser import parse

# ua-parser names the mobile builds apart ("Chrome Mobile iOS"); to the organizer it is Chrome.
BROWSER_NAMES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome",
    "HeadlessChrome": "Chrome",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Samsung Internet": "Samsung Internet",
}
PLATFORM_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
APPLE_DEVICES = ("iPhone", "iPad", "iPod")


class Device(NamedTuple):
    browser: str
    platform: str | None


def device_of(user_agent: str | None) -> Device | None:
    """The browser and the system it runs on; None when the string names no browser."""
    if not user_agent:
        return None
    found = parse(user_agent)
    if found.user_agent is None or found.user_agent.family == "Other":
        return None
    browser = BROWSER_NAMES.get(found.user_agent.family, found.user_agent.family)
    system = found.os.family if found.os is not None and found.os.family != "Other" else None
    if system == "iOS" and found.device is not None and found.device.family in APPLE_DEVICES:
        system = found.device.family  # "Safari on iPhone" says more than "on iOS"
    return Device(browser, PLATFORM_NAMES.get(system, system))
