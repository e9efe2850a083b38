"""The contracts as the generator reads them: descriptors with their .proto comments.

The committed descriptor set (gen/) carries no source info, so the protos are compiled again
here with it; the descriptors come from that fresh compile, never from the generated modules.
"""

import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

# The option extensions must be registered before the descriptors' options are parsed.
from buf.validate import validate_pb2  # noqa: F401
from google.api import annotations_pb2, field_behavior_pb2  # noqa: F401
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_tools import protoc

from services.tools import protogen

# Where each kind of element sits in a FileDescriptorProto (descriptor.proto's field numbers).
MESSAGES, ENUMS, SERVICES = 4, 5, 6
FIELDS, NESTED_MESSAGES, NESTED_ENUMS = 2, 3, 4
ENUM_VALUES, METHODS = 2, 2


@dataclass(frozen=True)
class Contracts:
    pool: descriptor_pool.DescriptorPool
    # Leading comment of each message, field, enum, enum value, service and method by full name.
    comments: dict[str, str]
    services: list[str]

    def comment(self, full_name: str) -> str:
        return self.comments.get(full_name, "")


def compile_with_comments() -> descriptor_pb2.FileDescriptorSet:
    with tempfile.TemporaryDirectory(prefix="openapi-") as scratch:
        out = Path(scratch) / "contracts.pb"
        args = [
            "protoc",
            f"-I{protogen.PROTO}",
            f"-I{files('grpc_tools') / '_proto'}",
            f"--descriptor_set_out={out}",
            "--include_imports",
            "--include_source_info",
            *protogen.sources(),
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def _clean(comment: str) -> str:
    return "\n".join(line.strip() for line in comment.strip().splitlines())


def _names(file: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    """Source-info paths of every element in a file, with the element's full name."""
    names: dict[tuple[int, ...], str] = {}

    def enum(path: tuple[int, ...], scope: str, proto: descriptor_pb2.EnumDescriptorProto):
        names[path] = f"{scope}.{proto.name}"
        for i, value in enumerate(proto.value):
            # Enum values are scoped beside their enum, as protobuf does.
            names[(*path, ENUM_VALUES, i)] = f"{scope}.{proto.name}.{value.name}"

    def message(path: tuple[int, ...], scope: str, proto: descriptor_pb2.DescriptorProto):
        name = names[path] = f"{scope}.{proto.name}"
        for i, field in enumerate(proto.field):
            names[(*path, FIELDS, i)] = f"{name}.{field.name}"
        for i, nested in enumerate(proto.nested_type):
            message((*path, NESTED_MESSAGES, i), name, nested)
        for i, nested in enumerate(proto.enum_type):
            enum((*path, NESTED_ENUMS, i), name, nested)

    for i, proto in enumerate(file.message_type):
        message((MESSAGES, i), file.package, proto)
    for i, proto in enumerate(file.enum_type):
        enum((ENUMS, i), file.package, proto)
    for i, service in enumerate(file.service):
        name = names[(SERVICES, i)] = f"{file.package}.{service.name}"
        for j, method in enumerate(service.method):
            names[(SERVICES, i, METHODS, j)] = f"{name}.{method.name}"
    return names


def load() -> Contracts:
    """Compile proto/ and index what the OpenAPI description needs from it."""
    files_set = compile_with_comments()
    pool = descriptor_pool.DescriptorPool()
    comments: dict[str, str] = {}
    services: list[str] = []
    for file in files_set.file:
        pool.Add(file)
        if not file.package.startswith("crm."):
            continue
        names = _names(file)
        for location in file.source_code_info.location:
            name = names.get(tuple(location.path))
            if name and location.leading_comments:
                comments[name] = _clean(location.leading_comments)
        services += [f"{file.package}.{service.name}" for service in file.service]
    return Contracts(pool, comments, sorted(services))
