#!/usr/bin/env python3
"""Share of a perf profile's samples per compile/lint phase.

  perf record -F 250 --call-graph dwarf,16384 -o lint.data target/release/idl lint
  bench/profile-buckets.py lint.data [more.data ...]

Each sample's stack is put in the first bucket one of its frames matches (the
order below: the serial link before the loading that feeds it, and so on), so
the shares add up to 100 %. These are shares of CPU samples over all threads,
not of wall time: `IDL_TIMINGS=1` gives the wall time per phase.
"""

import collections
import subprocess
import sys

BUCKETS = [
    ("link (prost-reflect DescriptorPool, serial)", "decode_file_descriptor_set"),
    ("load: read, parse, lower, encode (parallel)", "load_in_chunks"),
    ("option locations", "remap_option_locations"),
    ("post-link checks", "post_link"),
    ("lint file rules", "walk_file"),
    ("lint package/workspace rules", "check_package"),
    ("lint package/workspace rules", "check_workspace"),
    ("comment ignores", "ignore::directives"),
    ("report", "Reporter::report"),
    ("discovery", "discover_workspace"),
]
OTHER = "other (kernel, allocator, start-up and exit)"


def stacks(data: str) -> list[list[str]]:
    """The symbol names of each sample's stack, innermost first."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "tid,ip,sym"], capture_output=True, text=True, check=True)
    result, current = [], None
    for line in out.stdout.split("\n"):
        if not line.strip():
            if current:
                result.append(current)
            current = None
        elif not line.startswith("\t"):
            current = []  # a sample's header line
        elif current is not None:
            parts = line.strip().split(" ", 1)
            current.append(parts[1] if len(parts) > 1 else "?")
    if current:
        result.append(current)
    return result


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for data in sys.argv[1:]:
        samples = stacks(data)
        counts: collections.Counter[str] = collections.Counter()
        for stack in samples:
            bucket = next((name for name, key in BUCKETS if any(key in frame for frame in stack)), OTHER)
            counts[bucket] += 1
        print(f"{data}: {len(samples)} samples")
        for name, count in counts.most_common():
            print(f"  {100 * count / max(len(samples), 1):5.1f} %  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
