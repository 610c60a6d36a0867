"""The records the fake keeps. Times are epoch seconds on the mock clock."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    id: int
    login: str
    password: str
    title: str
    creation_date: float
    activated: bool = True
    master_id: int | None = None  # set for sub-users: the owner whose account they act in
    dealer_id: int = 1
    first_name: str = ""
    last_name: str = ""
    locale: str = "en_US"
    time_zone: str = "UTC"
    privileges: list[str] = field(default_factory=list)
    # Set by user/password/set. No live session may be older (an invariant /__mock__ checks).
    password_changed_at: float | None = None

    @property
    def is_owner(self) -> bool:
        return self.master_id is None

    @property
    def account_id(self) -> int:
        """Keys and flows belong to the account: the owner's id, also for its sub-users."""
        return self.id if self.master_id is None else self.master_id


@dataclass
class Session:
    hash: str
    user_id: int
    created_at: float
    last_used: float


@dataclass(frozen=True)
class ApiKey:
    hash: str
    owner_id: int
    title: str
    created_at: float


@dataclass(frozen=True)
class Flow:
    id: int
    owner_id: int
    title: str
    description: str | None
    enabled: bool
    nodes: list[dict]
    edges: list[dict]
    modified: float

    @property
    def devices_count(self) -> int:
        """Distinct devices feeding the flow through its data-source nodes.

        Node data is free-form on the wire, so anything but a list of integer ids counts as none.
        """
        ids: set[int] = set()
        for node in self.nodes:
            if node.get("type") == "data_source":
                source_ids = node.get("data", {}).get("source_ids")
                if isinstance(source_ids, list):
                    ids.update(i for i in source_ids if isinstance(i, int) and not isinstance(i, bool))
        return len(ids)
