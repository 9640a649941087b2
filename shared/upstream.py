"""Another Rapport service over HTTP, called server-side with a bearer token: the dashboard's as
the acting organizer (a short-lived token of theirs, shared.organizers.acting_token), the scan pages' as the attendee (their private token, so the
match service can live on another host than the pages).

Every call has a timeout. A service that does not answer, or answers 5xx, becomes a 503 with a
clear message (`<service>_unavailable`); a refusal (4xx problem+json) keeps its status, code and
detail, so the person reads the other service's own reason (a bad CSV header, say). 401 and 403
are the caller's token at fault, not the person's to fix, so they count as unavailable too unless
`unavailable_on` says otherwise. The token never leaves the server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from shared.web import DomainError

TIMEOUT = 10.0


class Unavailable(DomainError):
    status = 503


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class Upstream:
    """One service at `base_url`; `name` is how messages call it ("badge", "followup"). `token`
    is the bearer token, or a function that makes one for each call (the acting organizer's)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        token: str | Callable[[], str],
        timeout: float = TIMEOUT,
        unavailable_on: tuple[int, ...] = (401, 403),
    ):
        self.name, self.base_url, self.token, self.timeout = name, base_url.rstrip("/"), token, timeout
        self.unavailable_on = unavailable_on

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        query: dict | None = None,
        timeout: float | None = None,
        accept: str = "application/json",
    ) -> Reply:
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        # Refusals as problem+json even where the answer itself is a page or an image.
        headers = {
            "Authorization": f"Bearer {self.token() if callable(self.token) else self.token}",
            "Accept": f"application/problem+json, {accept};q=0.9",
        }
        if json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return Reply(response.status, response.headers.get_content_type(), response.read())
        except urllib.error.HTTPError as err:
            raise self._refusal(err.code, err.read()) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
            reason = getattr(err, "reason", err)
            raise Unavailable(
                f"the {self.name} service is not answering ({reason}); try again in a moment",
                code=f"{self.name}_unavailable",
            ) from None

    def _refusal(self, status: int, raw: bytes) -> DomainError:
        try:
            problem = json.loads(raw)
        except ValueError:
            problem = {}
        if not isinstance(problem, dict):
            problem = {}
        if status >= 500 or status in self.unavailable_on:  # their failure, or our token is wrong
            return Unavailable(
                f"the {self.name} service could not do this (HTTP {status}): "
                f"{problem.get('detail', 'no detail')}",
                code=f"{self.name}_unavailable",
            )
        extra = {"errors": problem["errors"]} if isinstance(problem.get("errors"), dict) else {}
        return DomainError(
            str(problem.get("detail") or f"the {self.name} service refused (HTTP {status})"),
            code=str(problem.get("code") or f"{self.name}_refused"),
            status=status,
            **extra,
        )
