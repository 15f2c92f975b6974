"""The layer order of `shared/`, kept by an AST walk over every module (issue 16).

Each package of `shared/` sits in one layer; a module may import packages of lower layers only
(never a sibling in its own layer, never a higher one). `functions/` (handlers, workers, jobs) sit on
top and may import anything in `shared/`; `shared/` never imports `functions/`, `infra/`, `bench/`,
`tests/` or `app`. docs/architecture.md explains the order and what to do when this test fails.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]

# Bottom first. A package may import any package of a LOWER layer; packages on one line are siblings
# and may not import each other (if one ever must, give it its own line above the other).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("spec",),  # the route table, permissions, grants: pure data
    ("platform",),  # HTTP edge, keys, db, settings, errors, channels, normalise: no domain
    ("audit", "notices"),  # the audit trail; the pure RTA/LTB notice rules
    ("onboarding", "uploads"),
    ("community", "assets"),  # the community record and its settings; verified uploads
    ("identity",),  # users, sessions, invitations (account mail goes through a port)
    ("properties",),  # properties, units, tenancies, ledgers (the residents directory is passed in)
    ("residents",),  # the directory; its reads apply tenancy facts
    ("suppression", "templates", "imports"),
    ("messaging",),  # the outbox, delivery, system mail, tracked links
    ("tracking", "campaigns", "maintenance", "notices_service", "intake", "portal"),
    ("demo",),  # demo data composing several domains
)

# Never imported from `shared/`: everything that sits outside and above it.
OUTSIDE = ("functions", "infra", "bench", "tests", "app")


@dataclass(frozen=True)
class Edge:
    source: str  # the importing file, relative to the root ("shared/messaging/delivery.py")
    line: int
    target: str  # the imported module, dotted ("shared.campaigns")


def _module_of(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(root: Path, top: str) -> Iterator[Edge]:
    """Every import (module level or inside a function) in the `.py` files under `root/top`."""
    for path in sorted((root / top).rglob("*.py")):
        source = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=source)
        package = _module_of(path, root)
        if path.name != "__init__.py":
            package = package[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Edge(source, node.lineno, alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolved against the importing module's package
                    base = package[: len(package) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                for alias in node.names:  # `from shared import residents` imports the package
                    yield Edge(source, node.lineno, f"{module}.{alias.name}" if module == "shared" else module)


def _rank(layers: Sequence[Sequence[str]]) -> dict[str, int]:
    return {package: level for level, line in enumerate(layers) for package in line}


def violations(root: Path, layers: Sequence[Sequence[str]]) -> list[str]:
    """What breaks the order under `root` (a tree with `shared/` and maybe `functions/`), one line each."""
    rank = _rank(layers)
    found: list[str] = []
    for edge in imports(root, "shared"):
        where = f"{edge.source}:{edge.line} imports {edge.target}"
        head = edge.target.split(".")
        if head[0] in OUTSIDE:
            found.append(f"{where}: shared/ never imports {head[0]}/")
            continue
        if head[0] != "shared" or len(head) < 2:
            continue
        source_package, target_package = edge.source.split("/")[1].removesuffix(".py"), head[1]
        if source_package == target_package:
            continue
        if source_package not in rank or target_package not in rank:
            unknown = source_package if source_package not in rank else target_package
            found.append(f"{where}: shared/{unknown} has no place in LAYERS")
        elif rank[target_package] == rank[source_package]:
            found.append(f"{where}: {source_package} and {target_package} are siblings in one layer")
        elif rank[target_package] > rank[source_package]:
            found.append(f"{where}: {source_package} is below {target_package}")
    if (root / "functions").is_dir():
        for edge in imports(root, "functions"):
            if edge.target.split(".")[0] in ("infra", "bench", "tests"):
                found.append(f"{edge.source}:{edge.line} imports {edge.target}: functions/ import shared/ only")
    return found


def shared_packages(root: Path) -> set[str]:
    return {p.name for p in (root / "shared").iterdir() if p.is_dir() and (p / "__init__.py").exists()}


# -- the real tree ---------------------------------------------------------------------------------


def test_every_package_has_one_place_in_the_layers() -> None:
    listed = [package for line in LAYERS for package in line]
    assert len(listed) == len(set(listed)), "a package is listed twice"
    assert set(listed) == shared_packages(ROOT)


def test_no_import_goes_up_or_sideways() -> None:
    """No allowlist: the outbox's edges to campaigns went with the messaging rework (issue 16)."""
    assert violations(ROOT, LAYERS) == []


# -- the checker itself, on fake trees -----------------------------------------------------------------

FAKE_LAYERS = (("platform",), ("low", "side"), ("high",))


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"shared/__init__.py": "", "shared/platform/__init__.py": "",
                       "shared/low/__init__.py": "", "shared/side/__init__.py": "",
                       "shared/high/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_downward_imports_pass(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "shared/high/service.py": "from shared.low import repository\nfrom shared import side\n",
        "shared/low/repository.py": "from shared.platform import db\nfrom . import models\n",
        "functions/api.py": "from shared.high import service\n",
    })
    assert violations(root, FAKE_LAYERS) == []


def test_an_upward_import_fails(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/low/repository.py": "from shared.high import service\n"})
    assert violations(root, FAKE_LAYERS) == [
        "shared/low/repository.py:1 imports shared.high: low is below high"]


def test_an_upward_import_inside_a_function_fails(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/platform/db.py": "def f():\n    import shared.low.models\n"})
    assert violations(root, FAKE_LAYERS) == [
        "shared/platform/db.py:2 imports shared.low.models: platform is below low"]


def test_a_sibling_import_fails(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/side/x.py": "from shared import low\n"})
    assert violations(root, FAKE_LAYERS) == [
        "shared/side/x.py:1 imports shared.low: side and low are siblings in one layer"]


def test_a_relative_import_is_resolved(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/low/x.py": "from ..high import service\n"})
    assert violations(root, FAKE_LAYERS) == ["shared/low/x.py:1 imports shared.high: low is below high"]


def test_shared_never_imports_the_entry_points(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/high/x.py": "from functions.api import thing\nimport infra.local\n"})
    assert violations(root, FAKE_LAYERS) == [
        "shared/high/x.py:1 imports functions.api: shared/ never imports functions/",
        "shared/high/x.py:2 imports infra.local: shared/ never imports infra/",
    ]


def test_an_unplaced_package_fails(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"shared/new/__init__.py": "", "shared/new/x.py": "from shared.low import y\n"})
    assert violations(root, FAKE_LAYERS) == ["shared/new/x.py:1 imports shared.low: shared/new has no place in LAYERS"]

