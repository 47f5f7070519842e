"""Modals and App Home tabs: the views.* methods with Slack's trigger ids, view stacks and hashes,
and what happens to a modal when the agent closes it or the app answers its submission."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

from bot.offline.slack.arguments import arg_text
from bot.offline.slack.blockkit import check_view
from bot.offline.slack.constants import MAX_VIEW_STACK, Json
from bot.offline.slack.records import StandInView, Trigger
from bot.offline.slack.workspace import Refusal, Workspace


class InvalidViewResponse(ValueError):
    """A view submission's answer that Slack would refuse (an invalid view, a bad errors key)."""


class Views:
    """Open modals in their stacks, published Home tabs, and the trigger ids that open them."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        # Shortcuts to the workspace's tables, which it changes but never replaces.
        self._views = workspace.views
        self._stacks = workspace.stacks
        self._homes = workspace.homes
        self._lock = workspace.lock

    # -- setting up and reading ----------------------------------------------------------------

    def new_trigger_id(self, user: str, *, view_id: str | None, age: float) -> str:
        trigger_id = f"{self._workspace.next_id()}{secrets.randbelow(10**9)}."
        trigger_id += f"{secrets.randbelow(10**9)}." + secrets.token_hex(16)
        with self._lock:
            self._workspace.triggers[trigger_id] = Trigger(
                id=trigger_id, user=user, issued_at=time.monotonic() - age, view_id=view_id
            )
        return trigger_id

    def open_views(self) -> dict[str, StandInView]:
        with self._lock:
            return {vid: v for vid, v in self._views.items() if not v.closed}

    def view(self, view_id: str) -> StandInView | None:
        with self._lock:
            return self._views.get(view_id) or next(
                (h for h in self._homes.values() if h.id == view_id), None
            )

    def view_stack(self, view_id: str) -> list[StandInView]:
        with self._lock:
            view = self._views.get(view_id)
            if view is None:
                return []
            return [self._views[v] for v in self._stacks.get(view.root_view_id, [])]

    def homes(self) -> dict[str, StandInView]:
        with self._lock:
            return dict(self._homes)

    # -- acting as the person in front of Slack ------------------------------------------------

    def close_view(self, view_id: str) -> None:
        """The agent closes a modal: it and the views pushed on top of it close; closing the
        root closes the whole stack. Later views.update calls on them answer `not_found`."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.closed:
                return
            stack = self._stacks.get(view.root_view_id, [])
            position = stack.index(view_id) if view_id in stack else 0
            for closing in stack[position:]:
                self._views[closing].closed = True
            del stack[position:]
            if not stack:
                self._stacks.pop(view.root_view_id, None)

    def apply_view_response(
        self, view_id: str, answer: Mapping[str, Any] | None
    ) -> StandInView | None:
        """What Slack does with the ack to a submission of `view_id`: none or {} closes it;
        `response_action` "update" replaces it, "push" stacks a view, "clear" closes the stack,
        "errors" keeps it open with the messages. Returns the view now on top, or None.
        Raises InvalidViewResponse where Slack would show the agent a generic failure."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.closed:
                raise InvalidViewResponse(f"view {view_id} is not open")
            action = (answer or {}).get("response_action")
            if not action:
                self.close_view(view_id)
                stack = self._stacks.get(view.root_view_id)
                return self._views[stack[-1]] if stack else None
            if action == "clear":
                self.close_view(view.root_view_id)
                return None
            if action == "errors":
                errors = (answer or {}).get("errors")
                input_ids = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
                if not isinstance(errors, dict) or not errors:
                    raise InvalidViewResponse(
                        "response_action errors needs a non-empty errors object"
                    )
                unknown = sorted(str(k) for k in errors if k not in input_ids)
                if unknown:
                    raise InvalidViewResponse(
                        f"errors keys must be block_ids of input blocks; not: {', '.join(unknown)}"
                    )
                view.errors = {str(k): str(v) for k, v in errors.items()}
                return view
            new_view = (answer or {}).get("view")
            problems = check_view(new_view, "/response_action/view")
            if problems:
                raise InvalidViewResponse("; ".join(problems))
            assert isinstance(new_view, dict)
            if action == "update":
                self._replace_view(view, new_view)
                return view
            if action == "push":
                stack = self._stacks[view.root_view_id]
                if len(stack) >= MAX_VIEW_STACK:
                    raise InvalidViewResponse("push_limit_reached: a stack holds 3 views at most")
                return self._push_view(stack, view.user, new_view)
            raise InvalidViewResponse(f"unknown response_action: {action}")

    # -- the methods ---------------------------------------------------------------------------

    def open(self, args: Json) -> Json:
        view = self._valid_view(args, allowed="modal")
        trigger = self._exchange_trigger(args)
        self._check_external_id(view)
        root_id = self._new_view_id()
        self._stacks[root_id] = []
        opened = self._push_view(self._stacks[root_id], trigger.user, view, view_id=root_id)
        return {"view": opened.to_json(self._workspace.team_id)}

    def push(self, args: Json) -> Json:
        view = self._valid_view(args, allowed="modal")
        trigger = self._exchange_trigger(args)
        stack = self._stack_for(trigger)
        if stack is None:
            raise Refusal("not_found")
        if len(stack) >= MAX_VIEW_STACK:
            raise Refusal("push_limit_reached")
        self._check_external_id(view)
        pushed = self._push_view(stack, trigger.user, view)
        return {"view": pushed.to_json(self._workspace.team_id)}

    def update(self, args: Json) -> Json:
        view_id, external_id = arg_text(args, "view_id"), arg_text(args, "external_id")
        if view_id is None and external_id is None:
            raise Refusal(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] view_id or external_id is required"]},
            )
        target = self._find_view(view_id, external_id)
        if target is None or target.closed:
            raise Refusal("not_found")
        new_view = self._valid_view(args, allowed=target.type)
        expected = arg_text(args, "hash")
        if expected is not None and expected != target.hash:
            raise Refusal("hash_conflict")
        self._check_external_id(new_view, allow=target)
        self._replace_view(target, new_view)
        return {"view": target.to_json(self._workspace.team_id)}

    def publish(self, args: Json) -> Json:
        user = arg_text(args, "user_id")
        if user is None or user not in self._workspace.users:
            raise Refusal("user_not_found")
        view = self._valid_view(args, allowed="home")
        home = self._homes.get(user)
        expected = arg_text(args, "hash")
        if home is not None and expected is not None and expected != home.hash:
            raise Refusal("hash_conflict")
        if home is None:
            view_id = self._new_view_id()
            home = StandInView(
                id=view_id,
                user=user,
                payload=view,
                hash=self._new_hash(),
                root_view_id=view_id,
                external_id=arg_text(view, "external_id"),
            )
            self._homes[user] = home
        else:
            self._replace_view(home, view)
        return {"view": home.to_json(self._workspace.team_id)}

    # -- method helpers ------------------------------------------------------------------------

    def _new_view_id(self) -> str:
        return "V" + secrets.token_hex(5).upper()

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{self._workspace.next_id()}{secrets.randbelow(10**6):06d}"

    def _valid_view(self, args: Json, *, allowed: str) -> Json:
        view = args.get("view")
        if view is None:
            raise Refusal(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: view"]},
            )
        problems = check_view(view)
        if not problems and isinstance(view, dict) and view.get("type") != allowed:
            problems = [f"[ERROR] must be {allowed} here [json-pointer:/view/type]"]
        if problems:
            raise Refusal("invalid_arguments", response_metadata={"messages": problems})
        assert isinstance(view, dict)
        return view

    def _exchange_trigger(self, args: Json) -> Trigger:
        trigger_id = arg_text(args, "trigger_id") or arg_text(args, "interactivity_pointer")
        trigger = self._workspace.triggers.get(trigger_id or "")
        if trigger is None:
            raise Refusal("invalid_trigger_id")
        if trigger.used:
            raise Refusal("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self._workspace.trigger_ttl:
            raise Refusal("expired_trigger_id")
        trigger.used = True
        return trigger

    def _stack_for(self, trigger: Trigger) -> list[str] | None:
        if trigger.view_id is not None:
            view = self._views.get(trigger.view_id)
            return None if view is None or view.closed else self._stacks.get(view.root_view_id)
        # Without a view id: the stack the agent opened last, the one in front of them.
        for view in reversed(list(self._views.values())):
            if view.user == trigger.user and not view.closed:
                return self._stacks.get(view.root_view_id)
        return None

    def _find_view(self, view_id: str | None, external_id: str | None) -> StandInView | None:
        candidates = [*self._views.values(), *self._homes.values()]
        if view_id is not None:
            return next((v for v in candidates if v.id == view_id), None)
        open_views = (v for v in candidates if not v.closed)
        return next((v for v in open_views if external_id and v.external_id == external_id), None)

    def _check_external_id(self, view: Json, *, allow: StandInView | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for other in [*self._views.values(), *self._homes.values()]:
            if other is not allow and not other.closed and other.external_id == external_id:
                raise Refusal("duplicate_external_id")

    def _push_view(
        self, stack: list[str], user: str, payload: Json, *, view_id: str | None = None
    ) -> StandInView:
        view_id = view_id or self._new_view_id()
        root = stack[0] if stack else view_id
        view = StandInView(
            id=view_id,
            user=user,
            payload=payload,
            hash=self._new_hash(),
            root_view_id=root,
            previous_view_id=stack[-1] if stack else None,
            external_id=arg_text(payload, "external_id"),
        )
        self._views[view_id] = view
        stack.append(view_id)
        self._stacks[root] = stack
        return view

    def _replace_view(self, view: StandInView, payload: Json) -> None:
        if isinstance(payload.get("external_id"), str):
            view.external_id = payload["external_id"]
        view.history.append(view.payload)
        view.payload = payload
        view.hash = self._new_hash()
        view.errors = {}
