"""The API's routing table: method and path pattern to a handler, the scope it needs, read or write."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from orca_desk.gateway.api.http import Request, Result

Handler = Callable[[Request], Result]
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # as in the OpenAPI document: /booking/templates/{templateId}
    handler: Handler
    scope: str
    write: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + _PARAM.sub(r"(?P<\1>[0-9]{1,12})", self.template) + "$")


class Router:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)
        self._compiled = [(r, r.pattern) for r in self.routes]

    def find(self, method: str, path: str) -> tuple[Route | None, dict[str, str], list[str]]:
        """The route and its path parameters; else None and the methods the path allows (405)."""
        allowed: list[str] = []
        for route, pattern in self._compiled:
            m = pattern.match(path)
            if m is None:
                continue
            if route.method == method:
                return route, m.groupdict(), []
            allowed.append(route.method)
        return None, {}, allowed
