"""Flattens a submitted modal into plain form values, and carries context in private_metadata.

Handlers read fields by name (`values["email"]`) instead of digging through
`view["state"]["values"][block_id][action_id]`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

METADATA_MAX = 3000  # Slack's limit for a view's private_metadata


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """Every input's value as text, keyed by block id; a picked option also gives `<key>_label`.
    Options picked in a multi-select are one value, their values joined by ", "."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for state in actions.values():
            kind = state.get("type")
            if kind in ("static_select", "external_select"):
                chosen = state.get("selected_option") or {}
                if chosen.get("value"):
                    values[block_id] = chosen["value"]
                    values[f"{block_id}_label"] = chosen.get("text", {}).get("text", "")
            elif kind == "multi_static_select":
                chosen_ones = [o for o in state.get("selected_options") or [] if o.get("value")]
                if chosen_ones:  # "2, 3": the form reads several sizes, in the order picked
                    values[block_id] = ", ".join(o["value"] for o in chosen_ones)
                    values[f"{block_id}_label"] = ", ".join(
                        o.get("text", {}).get("text", "") for o in chosen_ones
                    )
            elif kind == "datepicker":
                if state.get("selected_date"):
                    values[block_id] = state["selected_date"]
            elif state.get("value") is not None:
                values[block_id] = str(state["value"])
    return values


class ModalContext(BaseModel):
    """What a modal must remember about where it came from (Slack does not tell it)."""

    user_id: str
    channel_id: str | None = None
    response_url: str | None = None
    request_id: str
    agent_zone: str | None = None
    thread_channel: str | None = None  # "Edit and retry" reports in the same thread
    thread_ts: str | None = None
    values: dict[str, str] | None = None  # the form, carried to the confirmation view
    dialogue_id: str | None = None  # opened from a conversation's "Edit in form"
    retry_of: str | None = None  # the failed booking whose "Edit and retry" opened it
    retry_message: tuple[str, str] | None = None  # (channel, ts) of that button's message

    @classmethod
    def new(cls, **fields: Any) -> ModalContext:
        return cls(request_id=uuid.uuid4().hex, **fields)

    @classmethod
    def read(cls, view: Mapping[str, Any]) -> ModalContext:
        try:
            return cls.model_validate(json.loads(view.get("private_metadata") or "{}"))
        except (ValueError, ValidationError) as exc:
            raise ValueError(
                "this form's context is missing; close it and run /tour again"
            ) from exc

    def dump(self) -> str:
        """JSON for `private_metadata`; raises ValueError past Slack's 3,000 characters."""
        text = self.model_dump_json(exclude_none=True)
        if len(text) > METADATA_MAX:
            raise ValueError(f"private_metadata would be {len(text)} characters")
        return text
