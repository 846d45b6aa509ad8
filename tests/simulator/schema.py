"""The OpenAPI document's schemas as validators, for the tests of every face of the simulator."""

import copy
import json
from functools import cache

from jsonschema import Draft202012Validator

from portal.simulator.api import OPENAPI_PATH


@cache
def openapi() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


def validator(name: str, *, strict: bool = False) -> Draft202012Validator:
    """A validator of components/schemas/<name>, with formats checked. `strict` also refuses any property the
    document does not describe, so that a field added to the engine's output fails until it is documented."""
    components = copy.deepcopy(openapi()["components"])
    if strict:
        for schema in components["schemas"].values():
            _close(schema)
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _close(schema: object) -> None:
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            _close(value)
    elif isinstance(schema, list):
        for value in schema:
            _close(value)


def assert_valid(name: str, instance: object, *, strict: bool = True) -> None:
    errors = sorted(validator(name, strict=strict).iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])
