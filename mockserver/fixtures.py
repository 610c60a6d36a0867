"""Read a fixture file (JSON, format in README) into a domain Fixture. Parsed once per process."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from marshmallow import ValidationError

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
    except ValidationError as exc:
        raise FixtureError(f"invalid fixture: {exc.messages}") from exc
    users, by_login = [], {}
    for raw in data["users"]:
        if raw["login"] in by_login or raw["id"] in {u.id for u in users}:
            raise FixtureError(f"duplicate user {raw['login']!r} / id {raw['id']}")
        user = User(id=raw["id"], login=raw["login"], password=raw["password"], title=raw["title"],
                    creation_date=parse_platform_date(raw["creation_date"]),
                    activated=raw["activated"], dealer_id=raw["dealer_id"],
                    first_name=raw["first_name"], last_name=raw["last_name"], locale=raw["locale"],
                    time_zone=raw["time_zone"], privileges=raw["privileges"])
        users.append(user)
        by_login[user.login] = (user, raw["master"])
    for user, master in by_login.values():
        if master is not None:
            owner = by_login.get(master, (None,))[0]
            if owner is None or not owner.is_owner and owner is not user:
                raise FixtureError(f"{user.login}: master {master!r} is not an owner in the fixture")
            user.master_id = owner.id

    def owner_id(login: str) -> int:
        user = by_login.get(login, (None,))[0]
        if user is None or not user.is_owner:
            raise FixtureError(f"owner {login!r} is not an account owner in the fixture")
        return user.id

    keys = [ApiKey(k["hash"], owner_id(k["owner"]), k["title"], parse_platform_date(k["create_date"]))
            for k in data["api_keys"]]
    flows = [Flow(id=f["id"], owner_id=owner_id(f["owner"]), title=f["title"],
                  description=f["description"], enabled=f["enabled"], nodes=f["nodes"],
                  edges=f["edges"], modified=parse_iso(f["modified"])) for f in data["flows"]]
    clock = data["clock"] or {}
    start = parse_iso(clock["start"]) if clock.get("start") else None
    if clock.get("frozen") and start is None:
        raise FixtureError("clock.frozen needs clock.start")
    return Fixture(users=users, keys=keys, flows=flows, clock_start=start,
                   clock_frozen=bool(clock.get("frozen")))
