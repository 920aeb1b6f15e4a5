"""Smoke tests for bench/bench.py, on a small slice of the corpus, with a stand-in idl.

    python3 -m unittest bench/test_bench.py -v

Needs buf and the googleapis corpus from peers.sh (skipped otherwise). The stand-in
idl (bench/testdata/fake-idl.sh) builds with protoc and answers "not yet available"
to everything else, which is how an unfinished idl behaves.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE / "bench.py"
FAKE = HERE / "testdata" / "fake-idl.sh"
PEERS = Path(os.environ.get("IDL_PEERS", Path.home() / ".cache" / "idl-peers"))
CORPUS = PEERS / "googleapis"
BUF = PEERS / "bin" / "buf"
PY = PEERS / "venv" / "bin" / "python"
# A self-contained slice: pubsub and what it imports (the breaking edit is in pubsub.proto),
# and vision v1 (the breaking-one-change edit is in its image_annotator.proto).
SLICE = ["google/api", "google/pubsub", "google/type", "google/rpc", "google/longrunning", "google/logging/type", "google/cloud/vision/v1"]
DROP = ["google/api/servicecontrol", "google/api/servicemanagement"]  # import things outside the slice


@unittest.skipUnless(CORPUS.is_dir() and BUF.exists(), "needs the corpus and buf from peers.sh")
class BenchSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="bench-test-")
        cls.tmp = Path(cls._tmp.name)
        cls.corpus = cls.tmp / "corpus"
        for d in SLICE:
            shutil.copytree(CORPUS / d, cls.corpus / d)
        for d in DROP:
            shutil.rmtree(cls.corpus / d, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def bench(self, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
        results = Path(tempfile.mkdtemp(dir=self.tmp))
        r = subprocess.run(
            [sys.executable, str(BENCH), "--corpus", str(self.corpus), "--buf", str(BUF), "--results", str(results), "--reps", "1", *args],
            capture_output=True, text=True,
        )
        return r, results

    def test_build_pair_and_skip_missing(self):
        extra = ["--verify", "--python", str(PY)] if PY.exists() else []
        r, results = self.bench("--idl", str(FAKE), "--skip-missing", "--only", "build,lint,breaking", *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("| build |", r.stdout)
        self.assertIn("| lint | skipped: idl: error: `idl lint` is not yet available", r.stdout)
        res = json.loads((results / "build.json").read_text())
        self.assertEqual(res["status"], "ok")
        self.assertEqual(set(res["sides"]), {"idl", "buf"})
        for side in ("idl", "buf"):
            s = res["sides"][side]["summary"]
            self.assertGreater(s["median_wall_s"], 0)
            self.assertGreater(s["median_maxrss_kib"], 1000)
            self.assertEqual(len(res["sides"][side]["runs"]), 1)
        self.assertIn("buf_over_idl_wall", res["ratios"])
        if extra:
            self.assertTrue(res["verify"]["equal"], res["verify"])
        self.assertFalse((results / "lint.json").exists())

    def test_missing_subcommand_fails_without_skip(self):
        r, _ = self.bench("--idl", str(FAKE), "--only", "lint")
        self.assertEqual(r.returncode, 1)
        self.assertIn("pass --skip-missing", r.stderr)

    def test_buf_side_only_with_breaking_repo(self):
        r, results = self.bench("--side", "buf", "--idl", "/nonexistent/idl", "--only", "breaking,lint-one")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        res = json.loads((results / "breaking.json").read_text())
        self.assertEqual(set(res["sides"]), {"buf"})
        # the head commit has one breaking change: buf must find it
        self.assertEqual(res["sides"]["buf"]["summary"]["exit_codes"], [100])
        self.assertIn("| lint-one | skipped", r.stdout)

    def test_one_change_branch_and_warm_edit(self):
        work = Path(tempfile.mkdtemp(dir=self.tmp))
        r, results = self.bench("--side", "buf", "--idl", "/nonexistent/idl", "--workdir", str(work), "--only", "breaking-one-change,lint-warm")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        one = json.loads((results / "breaking-one-change.json").read_text())
        # the branch changes one file compatibly: buf finds nothing
        self.assertEqual(one["sides"]["buf"]["summary"]["exit_codes"], [0])
        self.assertEqual(one["findings"]["buf"], 0)
        changed = subprocess.run(["git", "diff", "--name-only", "base", "HEAD"], cwd=work / "repo-one", capture_output=True, text=True, check=True)
        self.assertEqual(changed.stdout.split(), ["google/cloud/vision/v1/image_annotator.proto"])
        warm = json.loads((results / "lint-warm.json").read_text())
        self.assertEqual(warm["edited_before_each_run"], "google/pubsub/v1/pubsub.proto")
        self.assertEqual(len(warm["sides"]["buf"]["runs"]), 1)
        # the edited file is the corpus's again afterwards
        self.assertEqual((work / "corpus" / "google/pubsub/v1/pubsub.proto").read_bytes(), (self.corpus / "google/pubsub/v1/pubsub.proto").read_bytes())

    def test_unexpected_exit_code_fails(self):
        r, _ = self.bench("--idl", "/bin/false", "--only", "build")
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAILED build: idl exited 1", r.stderr)

    def test_missing_idl_binary(self):
        r, _ = self.bench("--idl", "/nonexistent/idl", "--only", "build")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--side buf", r.stderr)


if __name__ == "__main__":
    unittest.main()
