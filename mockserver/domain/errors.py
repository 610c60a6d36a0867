"""Navixy's error codes. One class per code; the web layer picks the HTTP status."""
from __future__ import annotations


class NavixyError(Exception):
    code = 6
    description = "Unexpected error"
    http_status: int | None = None  # None: the web layer's table decides (injected faults set it)
    retry_after: int | None = None  # seconds; sent as a Retry-After header when set

    def __init__(self, description: str | None = None, *, errors: list[dict] | None = None) -> None:
        super().__init__(description or self.description)
        if description:
            self.description = description
        self.errors = errors


class UnexpectedError(NavixyError):
    code, description = 6, "Unexpected error"


class WrongHash(NavixyError):
    code, description = 3, "Wrong hash"


class SessionNotFound(NavixyError):
    code, description = 4, "User or API key not found or session ended"


class WrongRequestFormat(NavixyError):
    code, description = 5, "Wrong request format"


class InvalidParameters(NavixyError):
    """Code 7. `errors` lists {"parameter", "error"} pairs, dotted names for nested fields."""
    code, description = 7, "Invalid parameters"

    @classmethod
    def one(cls, parameter: str, error: str) -> "InvalidParameters":
        return cls(errors=[{"parameter": parameter, "error": error}])


class AccessDenied(NavixyError):
    """Code 11. Here only for the control plane's --control-token (HTTP 401 under /__mock__)."""
    code, description = 11, "Access denied"


class TooLargeRequest(NavixyError):
    code, description = 9, "Too large request"


class OperationNotPermitted(NavixyError):
    code, description = 13, "Operation not permitted"


class TooManyRequests(NavixyError):
    code, description = 15, "Too many requests (rate limit exceeded)"
    retry_after = 1  # the rate limit counts whole seconds of the mock clock


class WrongHandler(NavixyError):
    code, description = 111, "Wrong handler"


class WrongMethod(NavixyError):
    code, description = 112, "Wrong method"


class WrongLogin(NavixyError):
    code, description = 102, "Wrong login or password"


class UserNotActivated(NavixyError):
    code, description = 103, "User not activated"


class NotFound(NavixyError):
    code, description = 201, "Not found in database"


class SamePassword(NavixyError):
    code, description = 245, "New password must be different"


class WrongPassword(NavixyError):
    code, description = 248, "Wrong password"


class OverQuota(NavixyError):
    code, description = 268, "Over quota"


class FlowInvalid(NavixyError):
    """Code 292. `errors` uses IoT Logic's shape: {"node_ids", "parameters"?, "message"}."""
    code, description = 292, "IoT Flow Invalid"
