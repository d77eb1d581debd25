"""Payload throughput: ``save_artifact`` + ``load_artifact`` of a 100 MB ``bytes`` value to the
default local store, against a plain ``shutil.copyfile`` of a 100 MB file (issue 9's target:
at least 50% of the copy's throughput, hashing included).

    python benchmarks/payloads.py             # 5 interleaved rounds
    python benchmarks/payloads.py --mb 20 --rounds 3

Each round saves fresh random bytes (so nothing deduplicates), loads them back (size and
sha256 checked), and copies a file of the same size; the three run back to back, so load
from elsewhere on the machine hits them alike. Throughput is MB over median seconds.
Saving includes hashing, writing and fsync (a payload is durable before its manifest is
written); the copy does not fsync. Both are reported, with a copy+fsync column for scale.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _timed(call: object) -> float:
    start = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    size = args.mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="zenml-payload-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        os.environ["ZENML_PROJECT_DIR"] = str(root)
        from zenml_cli import load_artifact, save_artifact

        source = Path(tmp) / "source.bin"
        samples: dict[str, list[float]] = {"save": [], "load": [], "copy": [], "copy+fsync": []}
        for round_ in range(args.rounds):
            data = os.urandom(size)
            source.write_bytes(data)
            samples["save"].append(_timed(lambda: save_artifact(data, "blob")))  # noqa: B023
            loaded: list[bytes] = []
            samples["load"].append(_timed(lambda: loaded.append(load_artifact("blob"))))  # noqa: B023
            assert loaded[0] == data
            target = Path(tmp) / f"copy{round_}.bin"
            samples["copy"].append(_timed(lambda: shutil.copyfile(source, target)))  # noqa: B023
            synced = Path(tmp) / f"synced{round_}.bin"
            samples["copy+fsync"].append(_timed(lambda: _copy_fsync(source, synced)))  # noqa: B023
            loaded.clear()  # free 100 MB before the next round allocates more
        report(samples, args.mb)


def _copy_fsync(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def report(samples: dict[str, list[float]], mb: int) -> None:
    median = {case: statistics.median(values) for case, values in samples.items()}
    both = statistics.median(s + lo for s, lo in zip(samples["save"], samples["load"], strict=True))
    print(f"{'case (median)':28} {'seconds':>8} {'MB/s':>8}")
    for case, seconds in median.items():
        print(f"{case:28} {seconds:8.3f} {mb / seconds:8.0f}")
    print(f"{'save + load':28} {both:8.3f} {mb / both:8.0f}")
    ratio = median["copy"] / both
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"save+load throughput / copyfile throughput: {ratio:.2f} (target >= 0.50: {verdict})")
    print(f"save+load throughput / copyfile+fsync throughput: {median['copy+fsync'] / both:.2f}")


if __name__ == "__main__":
    main()
