"""store/plain_yaml.py writes PyYAML's exact bytes, and what it reads back is what PyYAML
reads: compared with the dumper and the strict loader codec.py uses, over odd strings
(every quoting rule), numbers, nesting and thousands of random manifests; a text edited by
hand is either read exactly as PyYAML reads it or left to PyYAML."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.store import codec, plain_yaml, yaml_resolver

#: Strings each quoting rule of PyYAML's emitter and resolver catches (and some it does not).
ODD_STRINGS = [
    *("", " ", "a", " lead", "trail ", "in side", "a  b", "a: b", "a:b", "a:", ":a", ": a"),
    *("#x", "a #b", "a#b", "a# b", "- x", "-x", "-", "--", "---", "--- x", "...", "....", "..x"),
    *("?", "? x", "?x", "a?b", "a ?", ",a", "a,b", "a, b", "[a]", "a[b", "a]b", "{a}", "a{b"),
    *("a}b", "&a", "*a", "!a", "|a", ">a", "'q'", "it's", "''", '"dq"', 'a"b', "%x", "@x", "`x"),
    *("=", "==", "<<", "<", "<<x", "~", "~x", "null", "Null", "NULL", "nULL", "none", "None"),
    *("yes", "Yes", "YES", "yEs", "no", "No", "on", "On", "off", "OFF", "y", "n", "true", "True"),
    *("TRUE", "false", "tRUE", "0", "1", "-1", "+1", "01", "017", "08", "0o17", "0b101", "0b2"),
    *("0x1F", "0xZZ", "1_000", "_1", "1__", "1.0", "1.", ".5", "-.5", "1e3", "1.0e3", "1.0e+3"),
    *("1.0e-03", "1e-3", "1.5E+10", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN"),
    *(".NAN", "inf", "nan", "12:30", "1:30:00", "190:20:30.15", "-1:30", "2026-01-01", "2026-1-1"),
    *("2026-01-01T00:00:00Z", "2026-01-01 00:00:00", "2026-01-01t00:00:00.5+01:00", "20260101"),
    *("3ee4fe73-7c61-41a9-8cbe-b2cb063be2c3", "v1", "1v", "bench", "a/b", "s3://bucket/key"),
    *("C:\\path", "x=1", "a\\b", "model-0001", "ÿ", "é", "naïve", "a\tb", "a\nb", "a\rb", "\x7f"),
    *("\x00", "\u2028", "\ufeff", "x" * 99, "x" * 101, "y" * 130, "a b " * 40),
]

NUMBERS: list[Any] = [
    *(0, 1, -1, 7, 10**30, -(10**30), True, False, None),
    *(0.0, -0.0, 0.1, 0.9, 1.0, 3.0, -2.5, 1e17, 1e16, 1e-5, 1.5e300, 123456789.123),
    *(2.0**70, 5e-324, math.inf, -math.inf),
]


def _pyyaml_load(text: str) -> Any:
    return codec._load_yaml_shallow(text, text.encode("utf-8"))[0]


def _check_dump(data: dict[str, Any]) -> str | None:
    """plain_yaml's text for ``data`` (None when it leaves it to PyYAML), held to PyYAML's."""
    expected = codec.pyyaml_dump(data)
    found = plain_yaml.dump(data)
    if found is not None:
        assert found == expected, data
        assert _pyyaml_load(found) == data
        read = plain_yaml.parse(found)
        assert read is plain_yaml.UNKNOWN or read == data, found
    return found


@pytest.mark.parametrize("text", ODD_STRINGS, ids=repr)
def test_odd_strings_as_values_keys_items_and_references(text: str) -> None:
    _check_dump({"value": text})
    _check_dump({text: 1})
    _check_dump({"list": [text, text], "nested": {"key": text}})
    _check_dump({"holder": {"number": 3, "id": text}})
    _check_dump({"holders": [{"number": text, "id": text}]})
    _check_dump({"items": [{"a": text, "b": [text]}, [text, {text: text}]]})


def test_numbers_bools_and_null() -> None:
    for value in NUMBERS:
        _check_dump({"value": value, "list": [value], "ref": {"number": value, "id": "x"}})
    assert plain_yaml.dump({"nan": math.nan}) == codec.pyyaml_dump({"nan": math.nan})


def test_what_manifests_hold_is_written_without_pyyaml() -> None:
    """A version and a model manifest as the store writes them: plain, so no import."""
    version = {
        "format": 1, "id": "18c69c51-3dd7-42fd-880b-189bc4dcffd2", "number": 12, "name": "12",
        "description": None, "tags": ["bench", "prod ready"], "created": "2026-01-01T00:00:00Z",
        "from_failed_run": False, "metadata": {"accuracy": 0.93, "epochs": 12, "note": "ok: yes"},
        "artifacts": {"data": [], "model": [{"name": "m", "version": "3"}]}, "runs": [],
    }  # fmt: skip
    model = {
        "format": 2, "id": "a1941de4", "tags": [], "save_models_to_registry": True,
        "stages": {
            "staging": None,
            "production": {"number": 10, "id": "3ee4fe73-7c61"},
            "archived": [{"number": 9, "id": "18c69c51"}, {"number": 8, "id": "0e5a"}],
        },
        "retired": [4, 5],
    }  # fmt: skip
    for manifest in (version, model):
        assert _check_dump(manifest) is not None


def _random_scalar(rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.45:
        return rng.choice(ODD_STRINGS)
    if pick < 0.7:
        alphabet = "ab -:#,?[]{}'\"!&*|>%@`=~<.0123456789_eExX+\\/tTnNyY"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
    if pick < 0.85:
        return rng.choice(NUMBERS)
    return rng.uniform(-1e6, 1e6) if rng.random() < 0.5 else rng.randint(-(10**9), 10**9)


def _random_value(rng: random.Random, depth: int) -> Any:
    pick = rng.random()
    if depth > 4 or pick < 0.55:
        return _random_scalar(rng)
    if pick < 0.65:
        return {"number": _random_scalar(rng), "id": _random_scalar(rng)}
    if pick < 0.82:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return _random_mapping(rng, depth + 1)


def _random_mapping(rng: random.Random, depth: int) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for _ in range(rng.randint(0, 4)):
        key = _random_scalar(rng)
        mapping[key if isinstance(key, str) else str(key)] = _random_value(rng, depth)
    return mapping


def test_random_manifests_match_pyyaml() -> None:
    rng = random.Random(21)
    written = 0
    for _ in range(3000):
        if _check_dump(_random_mapping(rng, 0)) is not None:
            written += 1
    assert written > 600  # most random manifests are plain enough to skip PyYAML


def _edits(text: str) -> list[str]:
    """Hand edits of a plain manifest: other spellings PyYAML reads, some to other values."""
    lines = text.splitlines(keepends=True)
    found = [
        text.replace(": ", ":  "),
        text.replace("'", '"'),
        "# a comment\n" + text,
        text + "# trailing\n",
        text.rstrip("\n"),
        text.replace("\n", "\r\n"),
        "---\n" + text,
        text + "...\n",
        text.replace("- ", "-  "),
        text.replace("- ", "  - "),
        text.replace("null", "~"),
        text.replace("true", "yes"),
        text.replace("12", "0o14"),
        text.replace("12", "1_2"),
        text.replace("bench", "'bench'"),
        text.replace("{number", "{ number"),
        text.replace("  ", "\t"),
        "".join(reversed(lines)),
    ]
    for index in range(len(lines)):
        found.append("".join(lines[:index] + lines[index + 1 :]))
        found.append("".join(lines[:index] + [" " + lines[index]] + lines[index + 1 :]))
    return found


def test_a_text_edited_by_hand_is_read_as_pyyaml_reads_it_or_left_to_it() -> None:
    base = {
        "format": 1, "name": "12", "n": 12, "tags": ["bench", "x y"], "none": None,
        "ok": True, "deep": {"list": [{"a": 1, "b": [2, 3]}, [4, {"c": "d"}]]},
        "ref": {"number": 12, "id": "bench"}, "refs": [{"number": 1, "id": "e"}],
        "q": "it is", "h": "#tag",
    }  # fmt: skip
    text = plain_yaml.dump(base)
    assert text is not None
    read = 0
    for edited in _edits(text):
        found = plain_yaml.parse(edited)
        if found is plain_yaml.UNKNOWN:
            continue
        read += 1
        assert repr(found) == repr(_pyyaml_load(edited)), edited  # the same values and types
    assert read >= 1  # the untouched lines' deletions, at least


def test_decode_reads_plain_manifests_without_pyyaml(tmp_path: Path) -> None:
    """codec.decode in a fresh interpreter: a plain manifest is read without importing
    PyYAML, one written by hand in other spellings imports it, and both read alike."""
    plain = tmp_path / "plain.yaml"
    plain.write_bytes(codec.encode({"format": 1, "n": 2, "tags": ["a"]}, "yaml"))
    edited = tmp_path / "edited.yaml"
    edited.write_text("format: 1\nn: 2\ntags: [a]\n")
    probe = (
        "import json, sys\nfrom pathlib import Path\nfrom zenml_cli.store import codec\n"
        "out = []\nfor name in sys.argv[1:]:\n"
        "    out.append(codec.decode(Path(name).read_bytes(), 'yaml', name))\n"
        "    out.append('yaml' in sys.modules)\nprint(json.dumps(out))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe, str(plain), str(edited)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = {"format": 1, "n": 2, "tags": ["a"]}
    assert json.loads(found.stdout) == [data, False, data, True]


def test_the_resolver_shortcuts_agree_with_pyyaml() -> None:
    """``resolved_tag`` answers common texts (words, digits, times, ids) without PyYAML's
    patterns: its tag must be PyYAML's resolver's for every text, odd ones and random ones."""
    import yaml

    resolver = yaml.resolver.Resolver()
    rng = random.Random(7)
    alphabet = "0123456789-+._:eEabxoOTtZ nN"
    texts = [*ODD_STRINGS, "2026-12-07T05:43:55.476050Z", "2026-12-07T05:43:55.476050", "0"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    stamp = "2026-12-07T05:43:55.476050Z"
    texts += [stamp[:i] + char + stamp[i + 1 :] for i in range(len(stamp)) for char in "0a-:.T "]
    texts += ["-\u0661", "\u0661\u0662", "\u0663.\u0665", "0.\u0665", "+\u00b2", "1e\u0661"]
    for text in texts:
        if not text.isprintable():
            continue
        expected = resolver.resolve(yaml.ScalarNode, text, (True, False))
        assert "tag:yaml.org,2002:" + yaml_resolver.resolved_tag(text) == expected, text


def test_very_long_or_very_deep_values_are_left_to_pyyaml() -> None:
    deep: dict[str, Any] = {"leaf": 1}
    for _ in range(2000):
        deep = {"a": deep}
    assert plain_yaml.dump(deep) is None  # past Python's recursion limit: not written here
    assert plain_yaml.dump({"long": "x" * 100_001}) is None
    assert _check_dump({"long": "x " * 50_000}) is not None
    text = "a:\n" + "".join(" " * (2 * i + 2) + "a:\n" for i in range(1500)) + " " * 3002 + "b: 1\n"
    assert plain_yaml.parse(text) is plain_yaml.UNKNOWN
