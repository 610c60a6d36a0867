"""Flask/flask-smorest settings. Tests pass overrides to create_app(config=...)."""
from __future__ import annotations

from . import __version__


class Config:
    API_TITLE = "Navixy API (mock server)"
    API_VERSION = __version__
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/docs/assets/"  # served from the swagger-ui-bundle wheel, no CDN
    OPENAPI_SWAGGER_UI_CONFIG = {"supportedSubmitMethods": ["get", "post", "put", "delete"]}
    MAX_CONTENT_LENGTH = 1024 * 1024  # Navixy code 9 "Too large request" past 1 MiB
    FIXTURES = None  # path of a fixture file; None = the default fixture inside the package
    SEED = 0  # seeds each world's random source (fault probabilities): runs repeat exactly
    # Navixy's limit (requests per second per user, per API key and per IP, on the mock clock);
    # None = off, the default, so fuzzing and load tests are not throttled.
    RATE_LIMIT = None
    STATE_FILE = None  # `serve --state FILE`: the default world starts from this snapshot
    STATE_MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # PUT /__mock__/state bodies (not Navixy's 1 MiB)
    SIGNING_KEY = None  # snapshots are signed and only signed ones load (itsdangerous)
    # Every /__mock__ call but health needs X-Mock-Token: <this> (else code 11, HTTP 401).
    # The CLI also reads MOCKSERVER_CONTROL_TOKEN; a config of None here means no check.
    CONTROL_TOKEN = None
    # Browser origins answered with CORS headers: exact origins, or "*" for any. None: any
    # http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT (web/cors.py).
    CORS_ORIGINS = None
    # `serve --strict`: every response of a documented operation (and every request answered
    # 200) is validated against this app's own OpenAPI document; a violation becomes code 6 /
    # HTTP 500 with an X-Mock-Spec-Violation header (web/strict.py). Needs openapi-core.
    STRICT = False
    # False when the WSGI server cannot end a connection without an answer (granian): a fault
    # with action.drop_connection is then refused with code 7 instead of answering something.
    DROP_CONNECTIONS = True
    API_SPEC_OPTIONS = {
        "info": {"description": (
            "A stateful fake of the Navixy API (sessions, API keys, IoT Logic flows) for "
            "contract tests. Errors use Navixy's envelope and HTTP statuses. The control plane "
            "(/__mock__, tags mock-*) is not part of Navixy. A server started with --control-token "
            "answers every /__mock__ call except /__mock__/health with code 11 (HTTP 401) "
            "unless the request carries the header `X-Mock-Token: <token>`.")},
        "components": {"securitySchemes": {
            "NvxHeader": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`Authorization: NVX <hash>` (one space, 32 hex)."},
            "HashQuery": {"type": "apiKey", "in": "query", "name": "hash",
                          "description": "?hash=<32 hex>. A `hash` field in the JSON or form "
                                         "body also works and wins over query and header."},
        }},
    }
