"""A login session's device, as "My account" names it, from real browsers' user-agent strings."""

from __future__ import annotations

import pytest

from services.dashboard.devices import Device, device_of

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPAD_CHROME = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/131.0 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    "user_agent, device",
    [
        (ANDROID_CHROME, Device("Chrome", "Android")),
        (IPHONE_SAFARI, Device("Safari", "iPhone")),
        (MAC_SAFARI, Device("Safari", "macOS")),
        (WINDOWS_FIREFOX, Device("Firefox", "Windows")),
        (IPAD_CHROME, Device("Chrome", "iPad")),
    ],
)
def test_a_browser_is_named_with_the_system_it_runs_on(user_agent, device):
    assert device_of(user_agent) == device


@pytest.mark.parametrize("user_agent", ["", None, "\x00not a browser at all"])
def test_a_string_that_names_no_browser_has_no_device(user_agent):
    assert device_of(user_agent) is None


def test_a_tool_without_a_system_is_named_alone():
    assert device_of("curl/8.5.0") == Device("curl", None)
