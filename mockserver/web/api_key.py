"""API keys in both URL families, over one key store:
/v2/api/key/* (reference docs; delete takes `key`) and /v2/user/api_key/* (auth guide; delete
takes `api_key`). Owner sessions only: a sub-user gets 13, an API key gets 4.
"""
from __future__ import annotations

from .. import schemas as s
from ..domain import keys
from ..domain.model import ApiKey
from ..formats import platform_date
from .rpc import SESSION, NavixyBlueprint, operation

blp = NavixyBlueprint("api_key", __name__, description="API keys: /v2/api/key/* and /v2/user/api_key/*")

RULES = ("Owner sessions only: a sub-user's session gets 13 (HTTP 403), an API key gets 4. "
         "At most 20 keys per account: the 21st gets 268 (HTTP 402).")


def key_out(key: ApiKey) -> dict:
    return {"hash": key.hash, "create_date": platform_date(key.created_at), "title": key.title}


def create(world, principal, p):
    return {"value": key_out(keys.create(world, principal, p["title"]))}


def create_bare(world, principal, p):
    # The withdrawn draft gave user/api_key/create a bare string value; see the README.
    return {"value": keys.create(world, principal, p["title"]).hash}


def list_(world, principal, _p):
    return {"list": [key_out(k) for k in keys.list_keys(world, principal)]}


def delete(param: str):
    def handler(world, principal, p):
        keys.delete(world, principal, p[param])
        return {}
    return handler


def _delete_link(key_pointer: str) -> dict:
    return {"post": {"DeleteApiKey": {
        "operationId": "api_key_delete_post",
        "requestBody": {"hash": "$request.body#/hash", "key": key_pointer}}}}


operation(blp, "/v2/api/key/create", name="api_key_create", summary="Create an API key",
          description=RULES, args=s.KeyCreateArgs, result=s.KeyCreateResult, credential=SESSION,
          handler=create, error_statuses=(402, 403), links=_delete_link("$response.body#/value/hash"))
operation(blp, "/v2/api/key/list", name="api_key_list", summary="List the account's API keys",
          description=RULES, args=s.NoArgs, result=s.KeyListResult, credential=SESSION,
          handler=list_, error_statuses=(403,))
operation(blp, "/v2/api/key/delete", name="api_key_delete", summary="Revoke an API key",
          description=RULES + " Unknown or another account's key: 201.", args=s.KeyDeleteArgs,
          result=s.Success, credential=SESSION, handler=delete("key"), error_statuses=(403,))
operation(blp, "/v2/user/api_key/create", name="user_api_key_create",
          summary="Create an API key (guide family; value is the bare hash)",
          description=RULES, args=s.KeyCreateArgs, result=s.UserKeyCreateResult,
          credential=SESSION, handler=create_bare, error_statuses=(402, 403),
          links=_delete_link("$response.body#/value"))
operation(blp, "/v2/user/api_key/list", name="user_api_key_list",
          summary="List the account's API keys (guide family)", description=RULES,
          args=s.NoArgs, result=s.KeyListResult, credential=SESSION, handler=list_,
          error_statuses=(403,))
operation(blp, "/v2/user/api_key/delete", name="user_api_key_delete",
          summary="Revoke an API key (guide family; parameter api_key)",
          description=RULES + " Unknown or another account's key: 201.",
          args=s.UserKeyDeleteArgs, result=s.Success, credential=SESSION,
          handler=delete("api_key"), error_statuses=(403,))
