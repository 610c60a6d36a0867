"""HTTP status per Navixy error code (errors table; blank there means 400)."""
from __future__ import annotations

PLATFORM_STATUS = {
    1: 500, 2: 403, 6: 500, 8: 503, 9: 412, 11: 403, 13: 403, 14: 503, 15: 429,
    101: 403, 111: 404, 112: 405, 204: 404, 208: 403, 219: 403, 221: 403, 225: 403, 229: 404,
    231: 409, 236: 402, 238: 403, 239: 404, 240: 403, 247: 409, 249: 403, 250: 403, 251: 403,
    254: 500, 257: 403, 258: 404, 261: 403, 264: 403, 265: 403, 266: 403, 268: 402, 271: 413,
    275: 403, 276: 403, 277: 409, 278: 409,
}
# The IoT Logic technical reference differs from the platform table on two codes.
IOT_STATUS = {**PLATFORM_STATUS, 4: 401, 201: 404}
IOT_PREFIX = "/v2/iot/logic/"
# /__mock__ is REST-like: missing is 404, and a missing or wrong X-Mock-Token (11) is 401.
CONTROL_STATUS = {**PLATFORM_STATUS, 201: 404, 11: 401}
CONTROL_PREFIX = "/__mock__/"


def http_status(code: int, path: str) -> int:
    if path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/"):
        return CONTROL_STATUS.get(code, 400)
    table = IOT_STATUS if path.startswith(IOT_PREFIX) else PLATFORM_STATUS
    return table.get(code, 400)
