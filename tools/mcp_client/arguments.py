"""An argument model for a tool whose arguments are given as a JSON schema (an external MCP tool).

The model has one field per top-level property (so a missing or unknown argument is named in the same
words as for any Andon tool) and checks the whole schema (types, enums, bounds, nested objects) with
`jsonschema`. Values are passed on unchanged: nothing is coerced on the way to the server. Its
`model_json_schema()` is the server's schema itself, so a model sees what the server declared.
"""

from __future__ import annotations

import copy
import keyword
from collections.abc import Mapping
from typing import Any, ClassVar

from jsonschema import exceptions as schema_exceptions
from jsonschema import validators
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

__all__ = ["SchemaArguments", "arguments_model", "input_schema"]


class SchemaArguments(BaseModel):
    """Base of the generated models; `remote_schema` is the JSON schema the arguments must match."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    remote_schema: ClassVar[dict[str, Any]] = {"type": "object"}
    schema_validator: ClassVar[Any] = None

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return copy.deepcopy(cls.remote_schema)

    def arguments(self) -> dict[str, Any]:
        """The arguments as the server expects them (its property names; unset ones left out)."""
        return self.model_dump(by_alias=True, exclude_unset=True)

    @model_validator(mode="after")
    def _matches_schema(self) -> SchemaArguments:
        validator = type(self).schema_validator
        if validator is None:
            return self
        error = schema_exceptions.best_match(validator.iter_errors(self.arguments()))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path)
            message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
            context = {"where": f"{where}: " if where else "", "message": message}
            raise PydanticCustomError("schema", "{where}{message}", context)
        return self


def input_schema(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The server's input schema, checked; raises ValueError naming what is wrong with it."""
    schema = dict(raw or {"type": "object"})
    if schema.get("type", "object") != "object":
        raise ValueError(f"input schema must describe an object, not {schema.get('type')!r}")
    try:
        validators.validator_for(schema).check_schema(schema)
    except schema_exceptions.SchemaError as exc:
        raise ValueError(f"invalid input schema: {exc.message}") from None
    return schema


def _field_name(prop: str, index: int) -> str:
    usable = prop.isidentifier() and not keyword.iskeyword(prop) and not prop.startswith("_")
    return prop if usable and not hasattr(BaseModel, prop) else f"arg_{index}"


def arguments_model(name: str, schema: Mapping[str, Any]) -> type[SchemaArguments]:
    """A model for arguments matching `schema` (checked with `input_schema` first)."""
    checked = input_schema(schema)
    properties = dict(checked.get("properties") or {})
    required = set(checked.get("required") or ())
    for missing in sorted(required - set(properties)):
        properties[missing] = {}
    fields: dict[str, Any] = {}
    for index, (prop, spec) in enumerate(properties.items()):
        description = spec.get("description") if isinstance(spec, Mapping) else None
        field_name = _field_name(prop, index)
        alias = None if field_name == prop else prop
        default = ... if prop in required else None
        fields[field_name] = (Any, Field(default, alias=alias, description=description))
    model = create_model(f"{name}_args", __base__=SchemaArguments, **fields)
    model.remote_schema = checked
    model.schema_validator = validators.validator_for(checked)(checked)
    return model
