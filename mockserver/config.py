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
    API_SPEC_OPTIONS = {
        "info": {"description": (
            "A stateful fake of the Navixy API (sessions, API keys, IoT Logic flows) for "
            "contract tests. Errors use Navixy's envelope and HTTP statuses. The control plane "
            "(/__mock__, tag mock-control) is not part of Navixy.")},
        "components": {"securitySchemes": {
            "NvxHeader": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`Authorization: NVX <hash>` (one space, 32 hex)."},
            "HashQuery": {"type": "apiKey", "in": "query", "name": "hash",
                          "description": "?hash=<32 hex>. A `hash` field in the JSON or form "
                                         "body also works and wins over query and header."},
        }},
    }
