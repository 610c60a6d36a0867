"""Read a fixture file (JSON, format in README) into a domain Fixture. Parsed once per process."""
from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path

from marshmallow import ValidationError

from .domain.clock import EARLIEST, LATEST
from .domain.fixture import Fixture
from .domain.model import ApiKey, Flow, User
from .formats import parse_iso, parse_platform_date
from .schemas import FixtureFile


class FixtureError(ValueError):
    pass


def default_fixture_text() -> str:
    return resources.files("mockserver").joinpath("data/default.json").read_text(encoding="utf-8")


def load_fixture(path: str | Path | None = None) -> Fixture:
    """The fixture at `path`, or the default one shipped inside the package."""
    try:
        text = default_fixture_text() if path is None else Path(path).read_text(encoding="utf-8")
        return parse_fixture(json.loads(text))
    except (OSError, ValueError) as exc:
        raise FixtureError(f"cannot load fixture {path or 'default'}: {exc}") from exc


def parse_fixture(document: dict) -> Fixture:
    try:
        data = FixtureFile().load(document)
        return _build(data)
    except ValidationError as exc:
        raise FixtureError(f"invalid fixture: {exc.messages}") from exc
    except (ValueError, OverflowError) as exc:  # dates that do not parse or overflow
        raise FixtureError(f"invalid fixture: {exc}") from exc


def _build(data: dict) -> Fixture:
    users: dict[str, User] = {}
    for raw in data["users"]:
        if raw["login"] in users or raw["id"] in {u.id for u in users.values()}:
            raise FixtureError(f"duplicate user {raw['login']!r} / id {raw['id']}")
        users[raw["login"]] = User(
            id=raw["id"], login=raw["login"], password=raw["password"], title=raw["title"],
            creation_date=parse_platform_date(raw["creation_date"]), activated=raw["activated"],
            dealer_id=raw["dealer_id"], first_name=raw["first_name"], last_name=raw["last_name"],
            locale=raw["locale"], time_zone=raw["time_zone"], privileges=raw["privileges"])
    # Second pass, so the order of users in the file does not matter: a master must be an
    # owner, i.e. have no master of its own (no chains, no self-reference).
    masters = {raw["login"]: raw["master"] for raw in data["users"]}
    for login, master in masters.items():
        if master is None:
            continue
        if master not in users or masters[master] is not None:
            raise FixtureError(f"{login}: master {master!r} is not an account owner in the fixture")
        users[login] = replace(users[login], master_id=users[master].id)

    def owner_id(login: str) -> int:
        if login not in users or masters[login] is not None:
            raise FixtureError(f"owner {login!r} is not an account owner in the fixture")
        return users[login].id

    keys = [ApiKey(k["hash"], owner_id(k["owner"]), k["title"], parse_platform_date(k["create_date"]))
            for k in data["api_keys"]]
    flows = [Flow(id=f["id"], owner_id=owner_id(f["owner"]), title=f["title"],
                  description=f["description"], enabled=f["enabled"], nodes=f["nodes"],
                  edges=f["edges"], modified=parse_iso(f["modified"])) for f in data["flows"]]
    _unique("API key hash", [k.hash for k in keys])
    _unique("flow id", [f.id for f in flows])
    clock = data["clock"] or {}
    start = parse_iso(clock["start"]) if clock.get("start") else None
    if clock.get("frozen") and start is None:
        raise FixtureError("clock.frozen needs clock.start")
    if start is not None and not EARLIEST <= start <= LATEST:
        raise FixtureError("clock.start must be between 1970-01-01 and 9999-12-31")
    return Fixture(users=list(users.values()), keys=keys, flows=flows, clock_start=start,
                   clock_frozen=bool(clock.get("frozen")))


def _unique(what: str, values: list) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise FixtureError(f"duplicate {what} {value!r}")
        seen.add(value)
