"""Tests for scripts/compare-fds.py.

Run with the peers venv (it has protobuf and grpcio-tools):

    ~/.cache/idl-peers/venv/bin/python -m unittest bench/test_compare_fds.py -v

Descriptor sets are made with protoc (grpcio-tools, in-process interpreter) from a
few files of the googleapis corpus ($IDL_PEERS/googleapis, default
~/.cache/idl-peers/googleapis); the tests are skipped when the corpus or
grpc_tools is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "compare-fds.py"
PEERS = Path(os.environ.get("IDL_PEERS", Path.home() / ".cache" / "idl-peers"))
CORPUS = PEERS / "googleapis"
FILES = [
    "google/api/http.proto",
    "google/pubsub/v1/pubsub.proto",
    "google/longrunning/operations.proto",
    "google/type/dayofweek.proto",
]

try:
    import grpc_tools  # noqa: F401

    HAVE_PROTOC = True
except ImportError:
    HAVE_PROTOC = False


def protoc(out: Path, files: list[str], source_info: bool = False) -> Path:
    args = [
        sys.executable, "-m", "grpc_tools.protoc", f"-I{CORPUS}", "--include_imports",
        f"--descriptor_set_out={out}",
    ]
    if source_info:
        args.append("--include_source_info")
    subprocess.run(args + files, check=True, capture_output=True)
    return out


def read_set(p: Path) -> descriptor_pb2.FileDescriptorSet:
    s = descriptor_pb2.FileDescriptorSet()
    s.ParseFromString(p.read_bytes())
    return s


def write_set(p: Path, s: descriptor_pb2.FileDescriptorSet) -> Path:
    p.write_bytes(s.SerializeToString())
    return p


def file_named(s: descriptor_pb2.FileDescriptorSet, name: str) -> descriptor_pb2.FileDescriptorProto:
    return next(f for f in s.file if f.name == name)


def pool_of(s: descriptor_pb2.FileDescriptorSet) -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    done: set[str] = set()
    by_name = {f.name: f for f in s.file}

    def add(n: str) -> None:
        if n in done:
            return
        for d in by_name[n].dependency:
            add(d)
        pool.Add(by_name[n])
        done.add(n)

    for n in by_name:
        add(n)
    return pool


# ---- a wire-level shuffler: rewrites every options message (and every message
# inside one, extensions included) with its fields in descending field-number order.
# Stable, so elements of one repeated field keep their order: the result means the
# same as the input, but its bytes differ wherever an options message has 2+ fields.

def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        if not x & 0x80:
            return result, i
        shift += 7


def _enc_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        x = n & 0x7F
        n >>= 7
        if n:
            out.append(x | 0x80)
        else:
            out.append(x)
            return bytes(out)


def _chunks(b: bytes):
    i = 0
    while i < len(b):
        start = i
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            _, i = _varint(b, i)
            yield num, wt, b[start:i], None
        elif wt == 1:
            i += 8
            yield num, wt, b[start:i], None
        elif wt == 5:
            i += 4
            yield num, wt, b[start:i], None
        elif wt == 2:
            n, j = _varint(b, i)
            yield num, wt, b[start:j], b[j : j + n]
            i = j + n
        else:
            raise ValueError(f"wire type {wt} not supported by the test shuffler")


class Shuffler:
    def __init__(self, pool: descriptor_pool.DescriptorPool):
        self.pool = pool
        self.reordered = 0

    def field_type(self, desc, num):
        fd = desc.fields_by_number.get(num)
        if fd is None and desc.is_extendable:
            try:
                fd = self.pool.FindExtensionByNumber(desc, num)
            except KeyError:
                fd = None
        if fd is not None and fd.message_type is not None:
            return fd.message_type
        return None

    def rewrite(self, b: bytes, desc, in_options: bool) -> bytes:
        in_options = in_options or desc.full_name.endswith("Options") and desc.full_name.startswith("google.protobuf.")
        parts = []
        for num, wt, head, payload in _chunks(b):
            sub = self.field_type(desc, num) if wt == 2 else None
            if sub is not None:
                body = self.rewrite(payload, sub, in_options)
                key, j = _varint(head, 0)
                chunk = head[:j] + _enc_varint(len(body)) + body
            else:
                chunk = head + (payload or b"")
            parts.append((num, chunk))
        if in_options:
            new = sorted(parts, key=lambda t: -t[0])
            if [n for n, _ in new] != [n for n, _ in parts]:
                self.reordered += 1
            parts = new
        return b"".join(c for _, c in parts)


def shuffled_bytes(s: descriptor_pb2.FileDescriptorSet) -> tuple[bytes, int]:
    pool = pool_of(s)
    sh = Shuffler(pool)
    fdp_desc = pool.FindMessageTypeByName("google.protobuf.FileDescriptorProto")
    out = b""
    for f in reversed(s.file):  # file order changes too
        body = sh.rewrite(f.SerializeToString(), fdp_desc, False)
        out += b"\x0a" + _enc_varint(len(body)) + body
    return out, sh.reordered


@unittest.skipUnless(HAVE_PROTOC and CORPUS.is_dir(), "needs grpc_tools and the googleapis corpus (run peers.sh)")
class CompareFdsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="compare-fds-test-")
        cls.tmp = Path(cls._tmp.name)
        cls.base = protoc(cls.tmp / "base.binpb", FILES)
        cls.base_si = protoc(cls.tmp / "base-si.binpb", FILES, source_info=True)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def run_cmp(self, a: Path, b: Path, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(SCRIPT), str(a), str(b), *extra], capture_output=True, text=True)

    def assertEqualSets(self, r: subprocess.CompletedProcess):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("; equal", r.stdout)

    def test_equal_to_itself(self):
        r = self.run_cmp(self.base, self.base)
        self.assertEqualSets(r)
        n = len(read_set(self.base).file)
        self.assertGreater(n, len(FILES))  # imports are included
        self.assertIn(f"compared {n} files", r.stdout)

    def test_json_name_tweak(self):
        s = read_set(self.base)
        f = file_named(s, "google/api/http.proto")
        self.assertEqual(f.message_type[1].field[2].name, "put")
        f.message_type[1].field[2].json_name = "x"
        r = self.run_cmp(self.base, write_set(self.tmp / "json_name.binpb", s))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('google/api/http.proto: message_type[1] (HttpRule).field[2] (put).json_name: "put" != "x"', r.stdout)
        self.assertIn("1 difference", r.stdout)

    def test_custom_option_tweak(self):
        s = read_set(self.base)
        pool = pool_of(s)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("google.protobuf.MethodOptions"))
        http = pool.FindExtensionByName("google.api.http")
        m = file_named(s, "google/pubsub/v1/pubsub.proto").service[0].method[0]
        self.assertEqual((m.name, len(s.file) > 0), ("CreateTopic", True))
        opts = cls.FromString(m.options.SerializeToString())
        old = opts.Extensions[http].put
        opts.Extensions[http].put = old + "/x"
        m.options.Clear()
        m.options.MergeFromString(opts.SerializeToString())
        r = self.run_cmp(self.base, write_set(self.tmp / "http.binpb", s))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(
            f'google/pubsub/v1/pubsub.proto: service[0] (Publisher).method[0] (CreateTopic).options.[google.api.http].put: "{old}" != "{old}/x"',
            r.stdout,
        )
        self.assertIn("1 difference", r.stdout)

    def test_builtin_option_tweak(self):
        s = read_set(self.base)
        e = file_named(s, "google/type/dayofweek.proto").enum_type[0]
        e.value[1].options.deprecated = True
        file_named(s, "google/api/http.proto").options.java_package = "com.example"
        r = self.run_cmp(self.base, write_set(self.tmp / "builtin.binpb", s))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(
            "google/type/dayofweek.proto: enum_type[0] (DayOfWeek).value[1] (MONDAY).options: <unset> != {deprecated: true}",
            r.stdout,
        )
        self.assertIn('google/api/http.proto: options.java_package: "com.google.api" != "com.example"', r.stdout)
        self.assertIn("2 differences", r.stdout)

    def test_shuffled_option_field_order_is_equal(self):
        s = read_set(self.base)
        data, reordered = shuffled_bytes(s)
        self.assertGreater(reordered, 10, "the shuffler should have reordered many options messages")
        self.assertNotEqual(data, self.base.read_bytes())
        shuffled = self.tmp / "shuffled.binpb"
        shuffled.write_bytes(data)
        # The trap: a plain descriptor_pb2 parse keeps extensions as unknown fields in wire
        # order, so naive equality says the sets differ.
        t = read_set(shuffled)
        a = {f.name: f.SerializeToString() for f in s.file}
        b = {f.name: f.SerializeToString() for f in t.file}
        self.assertNotEqual(a, b)
        self.assertEqualSets(self.run_cmp(self.base, shuffled))
        self.assertEqualSets(self.run_cmp(shuffled, self.base))

    def test_shuffled_then_tweaked_is_still_caught(self):
        s = read_set(self.base)
        data, _ = shuffled_bytes(s)
        t = descriptor_pb2.FileDescriptorSet.FromString(data)
        f = file_named(t, "google/longrunning/operations.proto")
        f.message_type[0].field[0].json_name = "nom"
        r = self.run_cmp(self.base, write_set(self.tmp / "shuffled-tweaked.binpb", t))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("1 difference", r.stdout)
        self.assertIn('google/longrunning/operations.proto: message_type[0] (Operation).field[0] (name).json_name: "name" != "nom"', r.stdout)

    def test_missing_file(self):
        s = read_set(self.base)
        keep = [f for f in s.file if f.name != "google/type/dayofweek.proto"]
        del s.file[:]
        s.file.extend(keep)
        r = self.run_cmp(self.base, write_set(self.tmp / "missing.binpb", s))
        self.assertEqual(r.returncode, 1)
        self.assertIn("google/type/dayofweek.proto: <present> != <missing> (file only in A)", r.stdout)

    def test_source_info_ignored_unless_asked(self):
        self.assertEqualSets(self.run_cmp(self.base, self.base_si))
        r = self.run_cmp(self.base, self.base_si, "--source-info")
        self.assertEqual(r.returncode, 1)
        self.assertIn("source_code_info: <unset> != {location", r.stdout)
        self.assertEqualSets(self.run_cmp(self.base_si, self.base_si, "--source-info"))

    def test_source_locations_matched_by_path(self):
        s = read_set(self.base_si)
        f = file_named(s, "google/pubsub/v1/pubsub.proto")
        locs = list(f.source_code_info.location)
        del f.source_code_info.location[:]
        f.source_code_info.location.extend(reversed(locs))
        t = write_set(self.tmp / "si-reversed.binpb", s)
        self.assertEqualSets(self.run_cmp(self.base_si, t, "--source-info"))
        f.source_code_info.location[0].span[0] += 1
        path = ",".join(map(str, f.source_code_info.location[0].path))
        r = self.run_cmp(self.base_si, write_set(self.tmp / "si-tweaked.binpb", s), "--source-info")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"google/pubsub/v1/pubsub.proto: source_code_info.location{{{path}}}", r.stdout)
        self.assertIn("1 difference", r.stdout)

    def test_ignore_file(self):
        s = read_set(self.base)
        file_named(s, "google/api/http.proto").options.java_package = "com.example"
        t = self.tmp / "ignore.binpb"
        write_set(t, s)
        self.assertEqual(self.run_cmp(self.base, t).returncode, 1)
        r = self.run_cmp(self.base, t, "--ignore-file", "google/api/*")
        self.assertEqualSets(r)
        self.assertIn("ignored: ", r.stdout)

    def test_limit(self):
        s = read_set(self.base)
        for f in s.file:
            f.options.java_package = "x"
        r = self.run_cmp(self.base, write_set(self.tmp / "many.binpb", s), "--limit", "2")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len([ln for ln in r.stdout.splitlines() if "java_package" in ln]), 2)
        self.assertIn("stopped after 2", r.stderr)


if __name__ == "__main__":
    unittest.main()
