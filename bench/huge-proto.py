#!/usr/bin/env python3
"""Writes one huge .proto file for the peak-memory figures of docs/reliability.md.

    python3 bench/huge-proto.py 10M /tmp/huge/10mb.proto
    bench/peak-memory.sh target/release/idl /tmp/huge/10mb.proto

The file is one package of commented messages (scalar, repeated, map and
message fields, a nested enum, a oneof, field options) and a service, the shape
of a generated API; the same size always gives the same bytes.
"""

import sys

HEADER = """syntax = "proto3";

// A generated API of one huge file.
package huge.v1;

import "google/protobuf/timestamp.proto";

option go_package = "example.com/huge/v1;hugev1";

"""

MESSAGE = """// Record{i} is message number {i}: it refers to the previous one, so the
// file links as a chain, and each field has a comment as generators write them.
message Record{i} {{
  // The record's name, unique among its siblings.
  string name = 1;
  // When the record was created.
  google.protobuf.Timestamp create_time = 2;
  // Labels, as key and value.
  map<string, string> labels = 3;
  // The record before this one.
  Record{prev} previous = 4 [deprecated = true];
  // Tags, in the order they were added.
  repeated string tags = 5;
  // Where the record is in its life cycle.
  State state = 6;
  oneof payload {{
    // The payload as text.
    string text = 7;
    // The payload as bytes.
    bytes data = 8;
  }}

  // The life cycle of a record.
  enum State {{
    // Not set.
    STATE_UNSPECIFIED = 0;
    // Being written.
    STATE_ACTIVE = 1;
    // Kept for reference only.
    STATE_ARCHIVED = 2;
  }}
}}

"""

SERVICE = """// Reads records.
service RecordService {{
{methods}}}
"""

METHOD = """  // Gets record {i}.
  rpc GetRecord{i}(Record{i}) returns (Record{i});
"""


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1].upper() in units:
        return int(float(text[:-1]) * units[text[-1].upper()])
    return int(text)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    size, path = parse_size(sys.argv[1]), sys.argv[2]
    parts = [HEADER]
    written = len(HEADER)
    i = 0
    # Leave room for the service (one method per 100 messages).
    while written < size - (i // 100 + 1) * 80 - 40:
        part = MESSAGE.format(i=i, prev=max(i - 1, 0))
        parts.append(part)
        written += len(part)
        i += 1
    methods = "".join(METHOD.format(i=j) for j in range(0, i, 100))
    parts.append(SERVICE.format(methods=methods))
    with open(path, "w", encoding="utf-8") as out:
        out.write("".join(parts))
    print(f"{path}: {sum(map(len, parts))} bytes, {i} messages", file=sys.stderr)


if __name__ == "__main__":
    main()
