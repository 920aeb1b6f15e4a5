#!/usr/bin/env python3
"""Compare two FileDescriptorSets semantically.

    compare-fds.py A.binpb B.binpb [--source-info] [--ignore-file GLOB]... [--limit N] [--quiet]

Prints how many files were compared and every difference, one per line, as

    google/api/http.proto: message_type[0] (HttpRule).field[2] (post).json_name: "x" != "y"

Exit status: 0 when the sets are equal, 1 when they differ, 2 on a usage or
input error.

Interpreter: this needs the `protobuf` Python package (4.x or newer; tested with
7.36, upb backend). Run it with the peers venv:

    ~/.cache/idl-peers/venv/bin/python scripts/compare-fds.py A.binpb B.binpb

(`/work/shared/scripts/peers.sh`, or `$IDL_PEERS/venv/bin/python`.)

Normalisation:
  * files are matched by name (the order of files in the set is ignored);
  * `source_code_info` is ignored unless --source-info is given; with it, its
    locations are matched by path (their order in the list is not meaningful);
  * every options message (FileOptions, MessageOptions, FieldOptions,
    OneofOptions, EnumOptions, EnumValueOptions, ServiceOptions, MethodOptions,
    ExtensionRangeOptions, at every nesting level) is re-parsed with the
    dynamic class of a DescriptorPool built from set A's files, so custom
    options (extensions) become known fields. Fields are then compared by field
    number, so two compilers that serialize options in a different field order
    compare equal. Repeated fields keep their order (it is meaningful);
  * unknown fields that remain (extensions A does not define, or fields
    unknown to the descriptor.proto in use) are compared as a list sorted by
    field number (stable, so the order within one repeated field still counts).

  * --ignore-file 'google/protobuf/*' leaves out files by name (use it when the
    two compilers bundle different versions of the well-known types); A's copies
    still define options for the rest.

Everything else is compared field by field; presence counts (an explicitly set
default is not the same as unset, as in the descriptor protos themselves).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format
    from google.protobuf.descriptor import FieldDescriptor
    from google.protobuf.unknown_fields import UnknownFieldSet
except ImportError:  # pragma: no cover - depends on the interpreter
    sys.stderr.write(
        "compare-fds.py needs the protobuf Python package; run it with "
        "~/.cache/idl-peers/venv/bin/python (see /work/shared/scripts/peers.sh)\n"
    )
    sys.exit(2)

OPTIONS_TYPES = {
    "google.protobuf." + n
    for n in (
        "FileOptions",
        "MessageOptions",
        "FieldOptions",
        "OneofOptions",
        "EnumOptions",
        "EnumValueOptions",
        "ServiceOptions",
        "MethodOptions",
        "ExtensionRangeOptions",
    )
}

MISSING = object()


def is_repeated(fd: FieldDescriptor) -> bool:
    # `is_repeated` since protobuf 5.29; `label` before it (removed in 7.x).
    r = getattr(fd, "is_repeated", None)
    return bool(r) if r is not None else fd.label == FieldDescriptor.LABEL_REPEATED


class TooManyDiffs(Exception):
    pass


def load_set(path: str) -> descriptor_pb2.FileDescriptorSet:
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    return fds


def build_pool(files: list[descriptor_pb2.FileDescriptorProto]) -> tuple[descriptor_pool.DescriptorPool, list[str]]:
    """A pool with every file of the set that can be added, in dependency order.

    descriptor.proto is taken from the set when it is there (so the options
    classes match what the compiler used), from the protobuf package otherwise.
    Returns the pool and a list of warnings (files that could not be added).
    """
    by_name = {f.name: f for f in files}
    pool = descriptor_pool.DescriptorPool()
    warnings: list[str] = []
    added: set[str] = set()
    failed: set[str] = set()

    if "google/protobuf/descriptor.proto" not in by_name:
        fdp = descriptor_pb2.FileDescriptorProto()
        descriptor_pb2.DESCRIPTOR.CopyToProto(fdp)
        by_name["google/protobuf/descriptor.proto"] = fdp

    def add(name: str, stack: tuple[str, ...] = ()) -> bool:
        if name in added:
            return True
        if name in failed:
            return False
        fdp = by_name.get(name)
        if fdp is None or name in stack:
            failed.add(name)
            why = "not in the set" if fdp is None else "import cycle"
            warnings.append(f"{name}: {why}; options that need it are compared as unknown fields")
            return False
        ok = True
        for dep in fdp.dependency:
            ok = add(dep, stack + (name,)) and ok
        if ok:
            try:
                pool.Add(fdp)
            except Exception as e:  # noqa: BLE001 - the pool's errors vary by backend
                warnings.append(f"{name}: cannot be added to the descriptor pool ({e}); its options are compared as unknown fields")
                ok = False
        (added if ok else failed).add(name)
        return ok

    # descriptor.proto first: every options class comes from it.
    add("google/protobuf/descriptor.proto")
    for name in sorted(by_name):
        add(name)
    return pool, warnings


class Comparer:
    def __init__(self, pool: descriptor_pool.DescriptorPool, source_info: bool, limit: int):
        self.source_info = source_info
        self.limit = limit
        self.diffs: list[str] = []
        self.file: str | None = None  # prefix of the differences being reported
        self.options_classes = {}
        for full_name in OPTIONS_TYPES:
            try:
                desc = pool.FindMessageTypeByName(full_name)
            except KeyError:
                continue
            self.options_classes[full_name] = message_factory.GetMessageClass(desc)

    # ---- reporting -------------------------------------------------------
    def diff(self, where: str, a, b) -> None:
        prefix = f"{self.file}: " if self.file else ""
        self.diffs.append(f"{prefix}{where}: {a} != {b}")
        if self.limit and len(self.diffs) >= self.limit:
            raise TooManyDiffs

    # ---- values ----------------------------------------------------------
    @staticmethod
    def fmt_scalar(fd: FieldDescriptor, v) -> str:
        if v is MISSING:
            return "<unset>"
        if fd.type == FieldDescriptor.TYPE_ENUM:
            ev = fd.enum_type.values_by_number.get(v)
            return ev.name if ev is not None else str(v)
        if fd.type == FieldDescriptor.TYPE_STRING:
            return '"' + text_format.text_encoding.CEscape(v, as_utf8=True) + '"'
        if fd.type == FieldDescriptor.TYPE_BYTES:
            return "b\"" + text_format.text_encoding.CEscape(v, as_utf8=False) + '"'
        if fd.type == FieldDescriptor.TYPE_BOOL:
            return "true" if v else "false"
        return repr(v)

    @staticmethod
    def fmt_message(m) -> str:
        if m is MISSING:
            return "<unset>"
        s = text_format.MessageToString(m, as_one_line=True, print_unknown_fields=True)
        if len(s) > 200:
            s = s[:197] + "..."
        return "{" + s + "}"

    @staticmethod
    def label(m) -> str:
        """' (name)' for descriptor elements that have a name."""
        d = m.DESCRIPTOR
        if "name" in d.fields_by_name and d.fields_by_name["name"].type == FieldDescriptor.TYPE_STRING:
            try:
                if m.HasField("name"):
                    return f" ({m.name})"
            except ValueError:
                pass
        return ""

    # ---- messages --------------------------------------------------------
    def reparse_options(self, m):
        cls = self.options_classes.get(m.DESCRIPTOR.full_name)
        if cls is None or isinstance(m, cls):
            return m
        out = cls()
        out.ParseFromString(m.SerializeToString())
        return out

    def compare_message(self, path: str, a, b) -> None:
        full_name = a.DESCRIPTOR.full_name
        if full_name in OPTIONS_TYPES:
            a = self.reparse_options(a)
            b = self.reparse_options(b)
        fa = {fd.number if not fd.is_extension else ("ext", fd.full_name): (fd, v) for fd, v in a.ListFields()}
        fb = {fd.number if not fd.is_extension else ("ext", fd.full_name): (fd, v) for fd, v in b.ListFields()}

        def order(k):
            fd = (fa.get(k) or fb.get(k))[0]
            return (fd.number, fd.full_name)

        for key in sorted(set(fa) | set(fb), key=order):
            fd = (fa.get(key) or fb.get(key))[0]
            if fd.name == "source_code_info" and full_name == "google.protobuf.FileDescriptorProto" and not self.source_info:
                continue
            name = f"[{fd.full_name}]" if fd.is_extension else fd.name
            sub = f"{path}.{name}" if path else name
            va = fa[key][1] if key in fa else MISSING
            vb = fb[key][1] if key in fb else MISSING
            self.compare_field(sub, fd, va, vb)
        self.compare_unknown(path, a, b)

    def compare_field(self, path: str, fd: FieldDescriptor, va, vb) -> None:
        is_msg = fd.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP)
        if is_repeated(fd):
            if fd.full_name == "google.protobuf.SourceCodeInfo.location":
                self.compare_locations(path, [] if va is MISSING else list(va), [] if vb is MISSING else list(vb))
            elif is_msg and fd.message_type.GetOptions().map_entry:
                self.compare_map(path, fd, va, vb)
            else:
                self.compare_repeated(path, fd, [] if va is MISSING else list(va), [] if vb is MISSING else list(vb))
            return
        if is_msg:
            if va is MISSING or vb is MISSING:
                self.diff(path, self.fmt_message(va), self.fmt_message(vb))
            else:
                self.compare_message(path, va, vb)
        elif va is MISSING or vb is MISSING or va != vb:
            self.diff(path, self.fmt_scalar(fd, va), self.fmt_scalar(fd, vb))

    def compare_map(self, path: str, fd: FieldDescriptor, va, vb) -> None:
        vfd = fd.message_type.fields_by_name["value"]
        kfd = fd.message_type.fields_by_name["key"]
        da = {} if va is MISSING else dict(va)
        db = {} if vb is MISSING else dict(vb)
        for k in sorted(set(da) | set(db)):
            sub = f"{path}[{self.fmt_scalar(kfd, k)}]"
            x, y = da.get(k, MISSING), db.get(k, MISSING)
            if vfd.type == FieldDescriptor.TYPE_MESSAGE:
                if x is MISSING or y is MISSING:
                    self.diff(sub, self.fmt_message(x), self.fmt_message(y))
                else:
                    self.compare_message(sub, x, y)
            elif x is MISSING or y is MISSING or x != y:
                self.diff(sub, self.fmt_scalar(vfd, x), self.fmt_scalar(vfd, y))

    def compare_repeated(self, path: str, fd: FieldDescriptor, la: list, lb: list) -> None:
        is_msg = fd.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP)
        if not is_msg:
            if la != lb:
                fa = "[" + ", ".join(self.fmt_scalar(fd, v) for v in la) + "]"
                fb = "[" + ", ".join(self.fmt_scalar(fd, v) for v in lb) + "]"
                self.diff(path, fa, fb)
            return
        names_a = [self.label(m) for m in la]
        names_b = [self.label(m) for m in lb]
        named = (
            all(names_a)
            and all(names_b)
            and len(set(names_a)) == len(names_a)
            and len(set(names_b)) == len(names_b)
        )
        if names_a == names_b or not named:
            for i in range(min(len(la), len(lb))):
                self.compare_message(f"{path}[{i}]{names_a[i] or names_b[i]}", la[i], lb[i])
            for i in range(len(lb), len(la)):
                self.diff(f"{path}[{i}]{names_a[i]}", self.fmt_message(la[i]), "<missing>")
            for i in range(len(la), len(lb)):
                self.diff(f"{path}[{i}]{names_b[i]}", "<missing>", self.fmt_message(lb[i]))
            return
        # Named elements that differ in order or membership: say so once, then match by name.
        ia = {n: i for i, n in enumerate(names_a)}
        ib = {n: i for i, n in enumerate(names_b)}
        common_a = [n.strip(" ()") for n in names_a if n in ib]
        common_b = [n.strip(" ()") for n in names_b if n in ia]
        if common_a != common_b:
            self.diff(f"{path} (order)", "[" + ", ".join(common_a) + "]", "[" + ", ".join(common_b) + "]")
        for n in names_a:
            if n in ib:
                self.compare_message(f"{path}[{ia[n]}]{n}", la[ia[n]], lb[ib[n]])
            else:
                self.diff(f"{path}[{ia[n]}]{n}", "<present>", "<missing>")
        for n in names_b:
            if n not in ia:
                self.diff(f"{path}[{ib[n]}]{n}", "<missing>", "<present>")

    def compare_locations(self, path: str, la: list, lb: list) -> None:
        """Source locations are matched by path (the order of the list is not meaningful);
        several locations with one path are matched in span order."""

        def keyed(locs):
            groups: dict[tuple, list] = {}
            for loc in sorted(locs, key=lambda l: (tuple(l.path), tuple(l.span))):
                groups.setdefault(tuple(loc.path), []).append(loc)
            return {(p, i): loc for p, g in groups.items() for i, loc in enumerate(g)}

        ka, kb = keyed(la), keyed(lb)
        for key in sorted(set(ka) | set(kb)):
            p, i = key
            sub = f"{path}{{{','.join(map(str, p))}}}" + (f"#{i}" if i else "")
            if key not in kb:
                self.diff(sub, self.fmt_message(ka[key]), "<missing>")
            elif key not in ka:
                self.diff(sub, "<missing>", self.fmt_message(kb[key]))
            else:
                self.compare_message(sub, ka[key], kb[key])

    @staticmethod
    def unknowns(m) -> list[tuple[int, int, object]]:
        try:
            fs = UnknownFieldSet(m)
        except Exception:  # noqa: BLE001
            return []
        out = []
        for f in fs:
            data = f.data
            if isinstance(data, UnknownFieldSet):  # a group
                data = repr([(g.field_number, g.wire_type, g.data) for g in data])
            out.append((f.field_number, f.wire_type, data))
        out.sort(key=lambda t: t[0])  # stable: order within one field number is kept
        return out

    def compare_unknown(self, path: str, a, b) -> None:
        ua, ub = self.unknowns(a), self.unknowns(b)
        if ua == ub:
            return
        nums = sorted({t[0] for t in ua} | {t[0] for t in ub})
        for n in nums:
            xa = [t[2] for t in ua if t[0] == n]
            xb = [t[2] for t in ub if t[0] == n]
            if xa != xb:
                sub = f"{path}.<unknown {n}>" if path else f"<unknown {n}>"
                self.diff(sub, repr(xa) if xa else "<unset>", repr(xb) if xb else "<unset>")


def without_source_info(f: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    g = descriptor_pb2.FileDescriptorProto()
    g.CopyFrom(f)
    g.ClearField("source_code_info")
    return g


def compare_sets(
    a: descriptor_pb2.FileDescriptorSet,
    b: descriptor_pb2.FileDescriptorSet,
    source_info: bool = False,
    limit: int = 0,
    ignore: tuple[str, ...] = (),
):
    """Returns (number of files compared, list of differences, list of warnings).

    Files whose name matches a pattern of `ignore` (fnmatch) are not compared, but A's
    still define options for the others."""
    pool, warnings = build_pool(list(a.file))
    cmp = Comparer(pool, source_info, limit)
    fa: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    fb: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for which, s, d in (("A", a, fa), ("B", b, fb)):
        for f in s.file:
            if any(fnmatch.fnmatchcase(f.name, p) for p in ignore):
                continue
            if f.name in d:
                warnings.append(f"{f.name}: appears more than once in {which}; the last one is compared")
            d[f.name] = f
    compared = 0
    try:
        for name in sorted(set(fa) | set(fb)):
            if name not in fb:
                cmp.diff(name, "<present>", "<missing> (file only in A)")
                continue
            if name not in fa:
                cmp.diff(name, "<missing> (file only in B)", "<present>")
                continue
            compared += 1
            x, y = fa[name], fb[name]
            if not source_info and (x.HasField("source_code_info") or y.HasField("source_code_info")):
                x, y = without_source_info(x), without_source_info(y)
            if x.SerializeToString() == y.SerializeToString():
                continue  # byte-equal: nothing to look at (the common case for identical compilers)
            cmp.file = name
            cmp.compare_message("", x, y)
            cmp.file = None
    except TooManyDiffs:
        warnings.append(f"stopped after {limit} differences (--limit)")
    return compared, cmp.diffs, warnings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Compare two FileDescriptorSets semantically (see the module docstring).")
    ap.add_argument("a", help="first FileDescriptorSet (binary); its files define the custom options")
    ap.add_argument("b", help="second FileDescriptorSet (binary)")
    ap.add_argument("--source-info", action="store_true", help="also compare source_code_info")
    ap.add_argument("--limit", type=int, default=0, metavar="N", help="stop after N differences (default: report all)")
    ap.add_argument(
        "--ignore-file",
        action="append",
        default=[],
        metavar="PATTERN",
        help="do not compare files whose name matches PATTERN (fnmatch; repeatable), e.g. 'google/protobuf/*' "
        "when the two compilers bundle different versions of the well-known types",
    )
    ap.add_argument("--quiet", "-q", action="store_true", help="print only the summary line")
    ap.add_argument("--time", action="store_true", help="print how long loading and comparing took (stderr)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    try:
        a, b = load_set(args.a), load_set(args.b)
    except (OSError, Exception) as e:  # noqa: BLE001 - DecodeError and friends
        print(f"compare-fds: cannot read input: {e}", file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    compared, diffs, warnings = compare_sets(a, b, args.source_info, args.limit, tuple(args.ignore_file))
    t2 = time.perf_counter()
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not args.quiet:
        for d in diffs:
            print(d)
    def kept(s):
        return {f.name for f in s.file if not any(fnmatch.fnmatchcase(f.name, p) for p in args.ignore_file)}

    only = len(kept(a) ^ kept(b))
    ignored = len({f.name for f in a.file} | {f.name for f in b.file}) - len(kept(a) | kept(b))
    print(
        f"compared {compared} files (A: {len(a.file)}, B: {len(b.file)}, in one set only: {only}"
        + (f", ignored: {ignored}" if ignored else "")
        + "); "
        + ("equal" if not diffs else f"{len(diffs)} difference{'s' if len(diffs) != 1 else ''}")
    )
    if args.time:
        print(f"load {t1 - t0:.2f}s, compare {t2 - t1:.2f}s", file=sys.stderr)
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
