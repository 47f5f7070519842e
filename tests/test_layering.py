"""The architecture, kept true: each part of `bot/` imports only the parts below it, the domain
knows nothing of Slack, `bot/time` stands alone, and the Slack edge reaches the domain only
through its front doors. Modules stay small enough to read."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Low to high: a part may import its own modules and any part of a lower layer, never higher.
LAYERS = [
    {"bot.time", "bot.logs"},
    {"bot.store"},
    {"bot.settings"},
    {"bot.booking", "bot.propexo", "bot.access"},
    {"bot.understand", "bot.delivery", "bot.portfolio"},
    {"bot.tourbot"},
    {"bot.conversation"},
    {"handlers"},
    {"bot.app", "bot.server"},
    {"bot.offline"},
    {"bot.cli"},
    {"bot.__main__"},
]
LAYER = {part: level for level, parts in enumerate(LAYERS) for part in parts}
# Where the domain meets Slack: the Bolt app, its HTTP server, the command running Socket Mode.
ASSEMBLY = {"bot.app", "bot.server", "bot.cli.socket"}
# What the Slack edge may call: the services object and the domain's public names.
EDGE_MAY_IMPORT = {
    "bot.tourbot", "bot.access", "bot.booking", "bot.booking.appointment", "bot.booking.prefill",
    "bot.conversation.service", "bot.delivery.outcomes", "bot.delivery.steps", "bot.store",
    "bot.time.resolve", "bot.time.zones",
}  # fmt: skip
ENGINES = {"sqlalchemy", "aiosqlite", "asyncpg", "httpx", "dateparser"}


def modules() -> Iterator[tuple[str, Path]]:
    for top in ("bot", "handlers"):
        for path in sorted((ROOT / top).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def part(module: str) -> str | None:
    pieces = module.split(".")
    if pieces[0] == "handlers":
        return "handlers"
    if pieces[0] != "bot" or len(pieces) == 1:
        return None
    return ".".join(pieces[:2])


MODULES = dict(modules())


def test_every_part_is_placed_in_a_layer() -> None:
    parts = {p for name in MODULES if (p := part(name)) is not None}
    assert parts <= set(LAYER), f"place these in LAYERS: {sorted(parts - set(LAYER))}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_nothing_imports_upwards(name: str) -> None:
    own = part(name)
    if own is None:
        return  # bot/__init__.py
    upwards = {
        module
        for module in imports(MODULES[name])
        if (other := part(module)) is not None and other != own and LAYER[other] >= LAYER[own]
    }
    assert not upwards, f"{name} ({own}) imports {sorted(upwards)} from its own layer or above"


def test_only_the_assembly_imports_slack_bolt() -> None:
    bolt = {name for name, path in MODULES.items() if name.startswith("bot") and any(
        module.split(".")[0] == "slack_bolt" for module in imports(path))}  # fmt: skip
    assert bolt <= ASSEMBLY, f"only {sorted(ASSEMBLY)} may import slack_bolt: {sorted(bolt)}"


def test_the_domain_knows_nothing_of_slack() -> None:
    slack_free = {name for layer in LAYERS[: LAYER["handlers"]] for name in layer}
    for name, path in MODULES.items():
        if part(name) in slack_free:
            slack = {m for m in imports(path) if m.split(".")[0] in ("slack_bolt", "slack_sdk")}
            assert not slack, f"{name} imports {sorted(slack)}"


def test_the_time_reader_stands_alone() -> None:
    for name, path in MODULES.items():
        if part(name) == "bot.time":
            other = {m for m in imports(path) if m.startswith("bot") and part(m) != "bot.time"}
            assert not other, (
                f"{name} imports {sorted(other)}: bot/time imports nothing else of bot/"
            )


def test_the_slack_edge_holds_no_business_rules() -> None:
    """Handlers translate payloads: they call the domain's front doors, and never a database,
    Propexo, the text reader or the time grammar themselves."""
    for name, path in MODULES.items():
        if part(name) != "handlers":
            continue
        domain = {m for m in imports(path) if m.startswith("bot")}
        assert domain <= EDGE_MAY_IMPORT, f"{name} reaches into {sorted(domain - EDGE_MAY_IMPORT)}"
        engines = {m for m in imports(path) if m.split(".")[0] in ENGINES}
        assert not engines, f"{name} imports {sorted(engines)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small_and_say_why(name: str) -> None:
    path = MODULES[name]
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.count("\n")
    assert lines <= 620, f"{name} has {lines} lines; split it by job"
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= 420, f"{name}.{node.name} has {size} lines"
    if lines and "migrations.versions" not in name:
        assert ast.get_docstring(tree), f"{name} starts without a docstring saying its job"


def test_each_package_says_what_it_is_for_and_exports_its_names() -> None:
    for name, path in MODULES.items():
        if path.name != "__init__.py" or "migrations" in name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{name} does not say what the package is for"
