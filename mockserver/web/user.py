"""/v2/user/*: log in, log out, renew, who am I, change password."""
from __future__ import annotations

from .. import schemas as s
from ..domain import sessions
from ..domain.model import User
from ..formats import platform_date
from .rpc import ANY, SESSION, NavixyBlueprint, operation

blp = NavixyBlueprint("user", __name__, description="Sessions: /v2/user/*")

AUTH_LINKS = {method: {
    "CreateApiKey": {"operationId": "api_key_create_post",
                     "requestBody": {"hash": "$response.body#/hash", "title": "link-created key"}},
    "ListFlows": {"operationId": "iot_logic_flow_list_post",
                  "requestBody": {"hash": "$response.body#/hash"}},
} for method in ("get", "post")}


def auth(world, _principal, p):
    hash_ = sessions.auth(world, p["login"], p["password"], p.get("dealer_id"))
    return {"type": "authenticated", "hash": hash_}


def logout(world, principal, _p):
    sessions.logout(world, principal)
    return {}


def renew(world, principal, _p):
    sessions.renew(world, principal)
    return {}


def get_info(world, principal, _p):
    user, master = sessions.user_and_master(world, principal)
    info = {
        "paas_id": 1, "paas_settings": {}, "user_info": _user_info(user),
        "tariff_restrictions": {"allowed_maps": ["roadmap", "osm"]}, "premium_gis": False,
        "features": [], "user_menu": {},
    }
    if master is not None:  # Navixy sends these two only to sub-users
        info["master"] = {"id": master.id, "title": master.title, "first_name": master.first_name,
                          "last_name": master.last_name, "demo": False,
                          "legal_type": "individual", "balance": 0.0, "bonus": 0.0}
        info["privileges"] = {"rights": list(user.privileges)}
    return info


def _user_info(user: User) -> dict:
    return {"id": user.id, "login": user.login, "title": user.title,
            "first_name": user.first_name, "last_name": user.last_name,
            "creation_date": platform_date(user.creation_date), "balance": 0.0, "bonus": 0.0,
            "locale": user.locale, "demo": False, "verified": True, "legal_type": "individual",
            "time_zone": user.time_zone, "measurement_system": "metric"}


def set_password(world, principal, p):
    sessions.set_password(world, principal, p["old_password"], p["new_password"])
    return {}


operation(blp, "/v2/user/auth", name="user_auth", summary="Log in: a new session hash",
          description="Wrong login or password (or a dealer_id mismatch): 102. Not activated: 103.",
          args=s.AuthArgs, result=s.AuthResult, credential=None, handler=auth, links=AUTH_LINKS)
operation(blp, "/v2/user/logout", name="user_logout", summary="End this session only",
          description="Sessions only: an API key gets code 4.",
          args=s.NoArgs, result=s.Success, credential=SESSION, handler=logout)
operation(blp, "/v2/user/session/renew", name="user_session_renew",
          summary="Extend this session", description="Sessions only: an API key gets code 4.",
          args=s.NoArgs, result=s.Success, credential=SESSION, handler=renew)
operation(blp, "/v2/user/get_info", name="user_get_info", summary="The caller's user info",
          description="Sub-users also get `master` and `privileges`.",
          args=s.GetInfoArgs, result=s.GetInfoResult, credential=ANY, handler=get_info)
operation(blp, "/v2/user/password/set", name="user_password_set",
          summary="Change the password",
          description="Wrong old_password: 248. Same as old: 245. Success ends every session "
                      "of the user; API keys survive. Sessions only.",
          args=s.PasswordSetArgs, result=s.Success, credential=SESSION, handler=set_password)
