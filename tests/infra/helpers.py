"""Reading synthesized templates: follow Refs/GetAtts between resources, and nested-stack parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Template = dict[str, Any]


@dataclass
class Synth:
    """A synthesized cloud assembly: parent and nested templates as plain JSON."""

    outdir: Path
    parent: Template
    nested: dict[str, Template] = field(default_factory=dict)  # by file name

    @property
    def templates(self) -> dict[str, Template]:
        return {"parent": self.parent, **self.nested}

    def resources(self, type_: str) -> Iterator[tuple[Template, str, dict[str, Any]]]:
        """(template, logical id, resource) of every resource of a type, in any template."""
        for template in self.templates.values():
            for logical_id, resource in template["Resources"].items():
                if resource["Type"] == type_:
                    yield template, logical_id, resource

    def nested_by_description(self, description: str) -> Template:
        return next(t for t in self.nested.values() if t.get("Description") == description)


def ref_id(value: Any) -> str | None:
    """The logical id a `Ref` / `Fn::GetAtt` points at (or the parameter name a `Ref` names)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def parent_value(synth: Synth, template: Template, value: Any) -> Any:
    """What a nested template's `{"Ref": <parameter>}` is given by the parent; other values unchanged."""
    name = ref_id(value)
    if template is synth.parent or name not in template.get("Parameters", {}):
        return value
    for _, _, stack in synth.resources("AWS::CloudFormation::Stack"):
        passed = stack["Properties"].get("Parameters", {})
        if name in passed:
            return passed[name]
    raise AssertionError(f"no nested stack resource passes parameter {name}")


def statements_of_role(template: Template, role_id: str) -> list[dict[str, Any]]:
    """Every policy statement attached to a role: its inline policies and the AWS::IAM::Policy resources."""
    resources = template["Resources"]
    role = resources[role_id]["Properties"]
    found = [s for p in role.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    for resource in resources.values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource["Properties"]["Roles"]:
            found.extend(resource["Properties"]["PolicyDocument"]["Statement"])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    return {action for s in statements if s["Effect"] == "Allow" for action in as_list(s["Action"])}


def functions_by_handler(synth: Synth) -> dict[str, tuple[Template, str, dict[str, Any]]]:
    """Every Lambda function keyed by its handler string (module + '.handler')."""
    found: dict[str, tuple[Template, str, dict[str, Any]]] = {}
    for template, logical_id, resource in synth.resources("AWS::Lambda::Function"):
        handler = resource["Properties"]["Handler"]
        assert handler not in found, f"two functions serve {handler}"
        found[handler] = (template, logical_id, resource)
    return found
