#!/usr/bin/env python3
"""Writes buf/validate/validate.proto from the descriptor embedded in PyPI's
`protovalidate` wheel (Apache-2.0, Buf Technologies), for lint fixtures.

    pip download protovalidate==2.1.0 --no-deps -d /tmp/pv && unzip -q /tmp/pv/*.whl -d /tmp/pv/whl
    python3 testdata/protovalidate/regenerate.py \
        /tmp/pv/whl/protovalidate/_gen/buf/validate/validate_pb.py > testdata/protovalidate/buf/validate/validate.proto

The registry packages carry no .proto source, only the serialized
FileDescriptorProto; this prints it back as proto2 source. Comments are lost;
declarations, numbers, options and the standard rules' CEL (`predefined`) are
kept, which is all a compiler and linter need. Needs the `protobuf` package.
"""

import ast
import json
import sys

from google.protobuf import descriptor_pb2

FDP = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    FDP.TYPE_DOUBLE: "double", FDP.TYPE_FLOAT: "float", FDP.TYPE_INT64: "int64", FDP.TYPE_UINT64: "uint64",
    FDP.TYPE_INT32: "int32", FDP.TYPE_FIXED64: "fixed64", FDP.TYPE_FIXED32: "fixed32", FDP.TYPE_BOOL: "bool",
    FDP.TYPE_STRING: "string", FDP.TYPE_BYTES: "bytes", FDP.TYPE_UINT32: "uint32", FDP.TYPE_SFIXED32: "sfixed32",
    FDP.TYPE_SFIXED64: "sfixed64", FDP.TYPE_SINT32: "sint32", FDP.TYPE_SINT64: "sint64",
}
LABELS = {FDP.LABEL_OPTIONAL: "optional", FDP.LABEL_REQUIRED: "required", FDP.LABEL_REPEATED: "repeated"}
PREDEFINED = 1160  # buf.validate.predefined, a FieldOptions extension of type PredefinedRules
MAX_FIELD = 536870912


def descriptor_bytes(path):
    src = open(path, encoding="utf-8").read()
    start = src.index("b'", src.index("_DESC = file_desc("))
    end = src.index("',\n", start)
    return ast.literal_eval(src[start : end + 1])


def varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def length_delimited(data):
    """(field number, bytes) of every length-delimited field of a message."""
    pos, out = 0, []
    while pos < len(data):
        key, pos = varint(data, pos)
        if key & 7 != 2:
            raise ValueError(f"unexpected wire type {key & 7}")
        size, pos = varint(data, pos)
        out.append((key >> 3, data[pos : pos + size]))
        pos += size
    return out


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def predefined_options(options):
    """`(predefined).cel = {...}` for each Rule in the PredefinedRules extension."""
    out = []
    data = options.SerializeToString()
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = varint(data, pos)
            continue
        if wire != 2:
            raise ValueError(f"unexpected wire type {wire} in options")
        size, pos = varint(data, pos)
        payload = data[pos : pos + size]
        pos += size
        if number != PREDEFINED:
            continue
        for rules_field, rule in length_delimited(payload):
            assert rules_field == 1, rules_field
            parts = {1: "id", 2: "message", 3: "expression"}
            body = " ".join(f"{parts[n]}: {quote(v.decode())}" for n, v in length_delimited(rule))
            out.append(f"(predefined).cel = {{{body}}}")
    return out


def field_type(field):
    if field.type in SCALARS:
        return SCALARS[field.type]
    return field.type_name


def field_options(field, in_oneof):
    options = []
    if field.options.HasField("deprecated"):
        options.append(f"deprecated = {str(field.options.deprecated).lower()}")
    options += predefined_options(field.options)
    return options


def print_field(field, indent, in_oneof):
    label = "" if in_oneof else LABELS[field.label] + " "
    line = f"{indent}{label}{field_type(field)} {field.name} = {field.number}"
    options = field_options(field, in_oneof)
    if options:
        line += " [\n" + ",\n".join(f"{indent}  {o}" for o in options) + f"\n{indent}]"
    return line + ";"


def reserved(ranges, names, indent, exclusive_end):
    lines = []
    for r in ranges:
        end = r.end - 1 if exclusive_end else r.end
        lines.append(f"{indent}reserved {r.start};" if r.start == end else f"{indent}reserved {r.start} to {end};")
    for name in names:
        lines.append(f"{indent}reserved {quote(name)};")
    return lines


def print_message(message, indent):
    lines = [f"{indent}message {message.name} {{"]
    inner = indent + "  "
    for option, value in message.options.ListFields():
        lines.append(f"{inner}option {option.name} = {str(value).lower()};")
    emitted_oneofs = set()
    for field in message.field:
        if field.HasField("oneof_index"):
            index = field.oneof_index
            if index in emitted_oneofs:
                continue
            emitted_oneofs.add(index)
            lines.append(f"{inner}oneof {message.oneof_decl[index].name} {{")
            for member in message.field:
                if member.HasField("oneof_index") and member.oneof_index == index:
                    lines.append(print_field(member, inner + "  ", True))
            lines.append(f"{inner}}}")
        else:
            lines.append(print_field(field, inner, False))
    for nested in message.nested_type:
        lines += print_message(nested, inner)
    for enum in message.enum_type:
        lines += print_enum(enum, inner)
    for r in message.extension_range:
        end = "max" if r.end == MAX_FIELD else str(r.end - 1)
        lines.append(f"{inner}extensions {r.start} to {end};")
    lines += reserved(message.reserved_range, message.reserved_name, inner, True)
    lines.append(f"{indent}}}")
    return lines


def print_enum(enum, indent):
    lines = [f"{indent}enum {enum.name} {{"]
    for value in enum.value:
        lines.append(f"{indent}  {value.name} = {value.number};")
    lines += reserved(enum.reserved_range, enum.reserved_name, indent + "  ", False)
    lines.append(f"{indent}}}")
    return lines


def main():
    fd = descriptor_pb2.FileDescriptorProto.FromString(descriptor_bytes(sys.argv[1]))
    out = [
        "// Copyright 2023-2026 Buf Technologies, Inc. Licensed under the Apache License, Version 2.0.",
        "// Generated by testdata/protovalidate/regenerate.py from the FileDescriptorProto",
        "// embedded in PyPI protovalidate 2.1.0 (comments are not part of it). Do not edit.",
        "",
        'syntax = "proto2";',
        "",
        f"package {fd.package};",
        "",
    ]
    out += [f"import {quote(dep)};" for dep in fd.dependency]
    out.append("")
    for option, value in fd.options.ListFields():
        rendered = str(value).lower() if isinstance(value, bool) else quote(value)
        out.append(f"option {option.name} = {rendered};")
    out.append("")
    for ext in fd.extension:
        out.append(f"extend {ext.extendee} {{")
        out.append(f"  {LABELS[ext.label]} {field_type(ext)} {ext.name} = {ext.number};")
        out.append("}")
        out.append("")
    for enum in fd.enum_type:
        out += print_enum(enum, "")
        out.append("")
    for message in fd.message_type:
        out += print_message(message, "")
        out.append("")
    sys.stdout.write("\n".join(out).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
