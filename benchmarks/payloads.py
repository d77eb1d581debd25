"""Payload cost against the disk's own floor (issue 21, item 6): ``save_artifact`` and
``load_artifact`` of a large numpy array in the default local store and in an S3 store (moto's
server on 127.0.0.1), and of a folder of many small files, each against the plain copy of the
same bytes measured in the same run:

- an array's save and load against ``shutil.copyfile`` + ``fsync`` of its ``.npy`` file
  (target: at most 2x each, with at most one extra in-memory copy of the data);
- a folder's save and (cold) load against ``shutil.copytree`` of the folder (target: 1.5x);
- for S3, also the raw transfer of the same file with s3fs (``put_file`` / ``get_file``):
  moto's server is pure Python, so it, not the disk, is the floor there.

Each case's floors run just before it, and its ratio is the median of the paired ratios, so a
disk that other work slows down slows both. S3 loads are cold (the payload cache is emptied
first: the download is part of the load); local folder loads unpack for the first time.

    python benchmarks/payloads.py                    # 1 GiB array, 10,000 files, 3 rounds
    python benchmarks/payloads.py --mib 256 --files 2000 --rounds 1 --no-s3

Every case runs in a fresh child process, so its peak RSS (``VmHWM``, which unlike
``getrusage``'s ``ru_maxrss`` does not carry the parent's peak across ``exec``) is its own:
"extra" is the peak beyond what the case must hold anyway (the array it saves or returns),
reported in MiB and as copies of the array. The project is a git repository (so the ledger of
payloads this machine wrote is in use, as in a real clone). Reported: medians of the rounds.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Runs in a child: the case named by argv[1]; prints {"seconds", "base_mib", "peak_mib"}.
CHILD = r"""
import json, os, resource, shutil, sys, time
from pathlib import Path

case, work = sys.argv[1], Path(sys.argv[2])
# moto joins the parts of a 1 GiB upload in Python: on a busy machine that outlasts botocore's
# 60 s read timeout, and the retry finds the upload already completed
SLOW_SERVER = {"read_timeout": 600}
peak = None
def peak_mib():
    # VmHWM, not getrusage's ru_maxrss: that one keeps the parent's peak across the exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

import numpy as np
from zenml_cli import load_artifact, save_artifact
base = peak_mib()
if case == "copy+fsync":
    start = time.perf_counter()
    shutil.copyfile(work / "array.npy", work / "copy.npy")
    with open(work / "copy.npy", "rb+") as handle:
        os.fsync(handle.fileno())
    seconds = time.perf_counter() - start
    os.unlink(work / "copy.npy")
elif case == "copytree":
    start = time.perf_counter()
    shutil.copytree(work / "folder", work / "tree-copy")
    seconds = time.perf_counter() - start
    shutil.rmtree(work / "tree-copy")
elif case in ("s3-put", "s3-get"):
    import s3fs

    fs = s3fs.S3FileSystem(skip_instance_cache=True, config_kwargs=SLOW_SERVER)
    start = time.perf_counter()
    if case == "s3-put":
        fs.put_file(str(work / "array.npy"), "bench/floor/array.npy", max_concurrency=1)
    else:
        fs.get_file("bench/floor/array.npy", str(work / "got.npy"))
    seconds = time.perf_counter() - start
elif case.startswith("save-array"):
    array = np.load(work / "array.npy")
    base = peak_mib()  # the array itself is not the save's cost
    start = time.perf_counter()
    save_artifact(array, case)
    seconds = time.perf_counter() - start
elif case.startswith("load-array"):
    start = time.perf_counter()
    array = load_artifact(case.replace("load", "save"))
    seconds = time.perf_counter() - start
    peak = peak_mib()  # before the check below maps the file in
    base += array.nbytes / 2**20  # the array returned is not the load's cost
    expected = np.load(work / "array.npy", mmap_mode="r")
    assert array.shape == expected.shape and bool((array[::4099] == expected[::4099]).all())
elif case.startswith("save-folder"):
    start = time.perf_counter()
    save_artifact(work / "folder", case)
    seconds = time.perf_counter() - start
elif case.startswith("load-folder"):
    start = time.perf_counter()
    path = load_artifact(case.replace("load", "save"))
    seconds = time.perf_counter() - start
    assert len(os.listdir(path)) == len(os.listdir(work / "folder"))
if peak is None:
    peak = peak_mib()
print(json.dumps({"seconds": seconds, "base_mib": base, "peak_mib": peak}))
"""

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="array size (MiB)")
    parser.add_argument("--files", type=int, default=10_000, help="files in the folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-s3", action="store_true", help="skip the S3 store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zenml-payload-bench-") as tmp:
        work = Path(tmp)
        _make_inputs(work, args.mib, args.files)
        stores = {"local": ".zenml/artifact_store"}
        server = None
        if not args.no_s3:
            server, endpoint = _moto()
            stores["s3"] = _bucket(endpoint)
        samples: dict[str, list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            for label, url in stores.items():
                project = _project(work / f"{label}-{round_}", url)
                for what in ("array", "folder"):
                    for step in ("save", "load"):
                        case = f"{step}-{what}-{label}"
                        if label == "s3" and step == "load":  # cold: from the bucket
                            shutil.rmtree(project / ".git/zenml/payloads/cache", ignore_errors=True)
                        for floor in FLOORS[case[: -len(label) - 1]] + S3_FLOORS.get(case, ()):
                            sample = _child(floor, work, None)
                            samples.setdefault(f"{case} floor {floor}", []).append(sample)
                        samples.setdefault(case, []).append(_child(case, project, work))
        if server is not None:
            server.stop()
        report(samples, args.mib)


#: The floor each case is measured against, run just before it (so a busy disk slows both).
FLOORS = {
    "save-array": ("copy+fsync",),
    "load-array": ("copy+fsync",),
    "save-folder": ("copytree",),
    "load-folder": ("copytree",),
}
#: For the S3 store, also the raw transfer of the same bytes to the same server (s3fs).
S3_FLOORS = {"save-array-s3": ("s3-put",), "load-array-s3": ("s3-get",)}


def _make_inputs(work: Path, mib: int, files: int) -> None:
    import numpy as np

    array = np.random.default_rng(7).integers(0, 2**63, size=mib * 2**17, dtype=np.int64)
    np.save(work / "array.npy", array)
    del array
    folder = work / "folder"
    for index in range(files):
        sub = folder / f"part-{index % 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"file-{index:05d}.txt").write_bytes(os.urandom(64 + index % 4000))


def _moto() -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update({**S3_ENV, "AWS_ENDPOINT_URL": endpoint})
    return server, endpoint


def _bucket(endpoint: str) -> str:
    import s3fs

    s3fs.S3FileSystem(skip_instance_cache=True).mkdir("bench")
    return "s3://bench/zenml"


def _project(root: Path, artifact_store: str) -> Path:
    (root / ".zenml").mkdir(parents=True)
    options = "artifact_store_options: {config_kwargs: {read_timeout: 600}}\n"  # see CHILD
    config = f"format: 1\nartifact_store: {artifact_store}\n"
    (root / ".zenml" / "config.yaml").write_text(
        config + (options if "://" in artifact_store else "")
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _child(case: str, cwd: Path, work: Path | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env.update({"ZENML_PROJECT_DIR": str(cwd), "ZENML_ACTOR": "bench"})
    done = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(work or cwd)],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{case} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def report(samples: dict[str, list[dict[str, float]]], mib: int) -> None:
    def seconds(case: str) -> list[float]:
        return [sample["seconds"] for sample in samples[case]]

    print(f"{'case (median)':16} {'seconds':>8} {'floor':>12} {'floor s':>8} {'ratio':>6} "
          f"{'extra MiB':>10} {'copies':>7}")  # fmt: skip
    for case in (c for c in samples if " floor " not in c):
        extra = statistics.median(s["peak_mib"] - s["base_mib"] for s in samples[case])
        copies = f"{extra / mib:7.2f}" if "array" in case else ""
        for floor in (c for c in samples if c.startswith(f"{case} floor ")):
            ratio = statistics.median(
                a / b for a, b in zip(seconds(case), seconds(floor), strict=True)
            )
            print(
                f"{case:16} {statistics.median(seconds(case)):8.3f} {floor.split()[-1]:>12} "
                f"{statistics.median(seconds(floor)):8.3f} {ratio:6.2f} {extra:10.0f} {copies}"
            )


if __name__ == "__main__":
    main()
