"""The fast reader of the YAML zenml writes (``store/plain_yaml.py``, issue 21.3) against
PyYAML: for manifests as ``codec.encode`` writes them, full of words YAML types specially, and
for those bytes edited at random (a space, a tab, a comment, another indent...), ``decode``
with the fast reader gives exactly what it gives without it: the same values of the same
types in the same order, or the same error."""

from __future__ import annotations

import random
from typing import Any

import pytest

from zenml_cli.errors import CorruptManifestError
from zenml_cli.limits import MAX_NESTING
from zenml_cli.store import codec, plain_yaml

#: Words the YAML resolver types (or refuses), text that needs quoting, odd characters.
WORDS = [
    "null", "Null", "NULL", "~", "true", "True", "yes", "No", "on", "OFF", "y", "n",
    "0", "-0", "+1", "017", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30", "1e3",
    "1.5e-3", "6.8523015e+5", ".5", "-.inf", ".Inf", ".NaN", "+.inf", "1.", "1.0", "-1",
    "3.14", "2026-01-01", "2026-01-01T00:00:00Z", "12:30", "a b", "a  b", " lead", "trail ",
    "x#y", "x #y", "a: b", "a:b", "- x", "-x", "'q'", '"d"', "it's", "", "[", "]", "{}",
    "{a: b}", "a, b", "ü", "日本語", "tab\there", "new\nline", "é\u2028x", "nel\x85x",
    "bell\x07", "\ufeffbom", "<<", "=", "!tag", "&anchor", "*alias", "%x", "@x", "`x",
    "?", "? x", "|", ">", "...", "---", "a...b", "(x)", "/path/to", "v1.0+build", "a_b-c.d",
    "7201d85a-4cfb-49e1-8365-cf065a0e26bc", "bench model 1", "x" * 1100, "y" * 70,
]  # fmt: skip


#: Words the fast reader takes as they are written (no ``#``, ``:``, quote, comma, control
#: or line-breaking character, none too long), so many manifests are read by it alone.
EVERYDAY = [
    w for w in WORDS if not set(w) & set("#:'\",-\t\n\u2028\x85\x07\ufeff") and len(w) < 999
]


def decoded(raw: bytes) -> tuple[str, Any]:
    """What ``codec.decode`` makes of ``raw``: its value (as ``repr``, so ``1`` and ``True``
    and ``1.0`` differ) or its error."""
    try:
        return "value", repr(codec.decode(raw, "yaml", "m.yaml"))
    except CorruptManifestError as exc:
        return "error", str(exc)


def without_fast_reader(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    with monkeypatch.context() as patched:
        patched.setattr(plain_yaml, "parse", lambda text: plain_yaml.UNKNOWN)
        return decoded(raw)


def value(rng: random.Random, depth: int, pool: list[str]) -> Any:
    roll = rng.random()
    if depth < 4 and roll < 0.15:
        return {word(rng, pool): value(rng, depth + 1, pool) for _ in range(rng.randrange(0, 4))}
    if depth < 4 and roll < 0.25:
        return [value(rng, depth + 1, pool) for _ in range(rng.randrange(0, 4))]
    if roll < 0.3:
        return {"number": rng.randrange(100), "id": word(rng, pool)}  # one line of flow
    if roll < 0.4:
        return rng.choice([None, True, False, rng.randrange(-5, 10**6), rng.random() * 10])
    return word(rng, pool)


def word(rng: random.Random, pool: list[str] = WORDS) -> str:
    if rng.random() < 0.7:
        return rng.choice(pool)
    return (
        rng.choice(pool)
        + rng.choice(["", " ", "-", ".", "_", ":"][: 6 if pool is WORDS else 5])
        + rng.choice(pool)
    )


def manifest(rng: random.Random) -> dict[str, Any]:
    """Half of them of everyday words (and joined by no ``:``), half of any."""
    pool = EVERYDAY if rng.random() < 0.5 else WORDS
    data: dict[str, Any] = {"format": 1, "id": word(rng, pool)}
    for _ in range(rng.randrange(1, 8)):
        data[word(rng, pool)] = value(rng, 1, pool)
    return data


def edited(rng: random.Random, raw: bytes) -> bytes:
    text = raw.decode("utf-8")
    at = rng.randrange(len(text) + 1)
    edit = rng.choice([" ", "  ", "\t", "#", " #c", "\n", "\n\n", "- ", ": ", "'", "&", "\r"])
    if rng.random() < 0.3:
        return (text[:at] + text[at + 1 :]).encode("utf-8")  # a character gone
    return (text[:at] + edit + text[at:]).encode("utf-8")


def test_manifests_zenml_writes_decode_as_pyyaml_decodes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(21)
    fast = 0
    for _ in range(1500):
        raw = codec.encode(manifest(rng), "yaml")
        expected = without_fast_reader(raw, monkeypatch)
        assert decoded(raw) == expected, raw
        fast += plain_yaml.parse(raw.decode("utf-8")) is not plain_yaml.UNKNOWN
    assert fast > 300  # many took the fast reader, so it was what was compared


def test_edited_bytes_decode_or_fail_as_pyyaml_says(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    for _ in range(1500):
        raw = edited(rng, codec.encode(manifest(rng), "yaml"))
        assert decoded(raw) == without_fast_reader(raw, monkeypatch), raw


@pytest.mark.parametrize("word", WORDS)
def test_words_written_by_hand_are_typed_as_pyyaml_types_them(
    word: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain, unquoted, as a person (or another tool) would write them: ``yes``, ``0x1F``,
    ``1:20``, ``~``... as a value, a key, an item and in a flow mapping."""
    for text in (
        f"format: 1\nk: {word}\n",
        f"format: 1\n{word}: 1\n",
        f"format: 1\nl:\n- {word}\n- x\n",
        f"format: 1\nf: {{number: 1, id: {word}}}\n",
        f"format: 1\nk: '{word}'\n",
    ):
        raw = text.encode("utf-8")
        assert decoded(raw) == without_fast_reader(raw, monkeypatch), raw


@pytest.mark.parametrize("depth", [MAX_NESTING - 2, MAX_NESTING - 1, MAX_NESTING, MAX_NESTING + 1])
def test_nesting_at_the_limit_is_decided_as_before(
    depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for leaf in ({}, [], "x", {"a": 1}, [1]):
        data: Any = leaf
        for level in range(depth):
            data = {"k": data} if level % 3 else [data]
        raw = codec.encode({"format": 1, "deep": data}, "yaml")
        assert decoded(raw) == without_fast_reader(raw, monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "format: 1\na: 1\na: 2\n",  # a duplicate key
        "format: 1\na: 1\n'a': 2\n",  # the same key, once quoted
        "format: 1\nx: 1 # a comment\n",
        "format: 1\nx: one\n  two\n",  # a plain scalar over two lines
        "format: 1\nx:\n",  # a null written as nothing
        "format: 1\nx: !!str 1\n",
        "format: 1\nx: [1, 2]\n",
        'format: 1\nx: "quoted\\tescape"\n',
        "format: 1\n<<: {a: 1}\n",
        "format: 1\nx: 1\n---\ny: 2\n",
        "format: 1\n" + "k" * 1100 + ": 1\n",  # a key longer than YAML allows
        "\ufeffformat: 1\n",
        "format: 1\nl:\n- a: 1\n  b: 2\n- c\n",
    ],
)
def test_shapes_it_does_not_vouch_for_go_to_pyyaml(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = text.encode("utf-8")
    assert decoded(raw) == without_fast_reader(raw, monkeypatch)


def test_it_reads_a_model_manifest_without_pyyaml() -> None:
    raw = (
        "format: 2\nid: 7201d85a\nlicense: null\ntags:\n- bench\nsave_models_to_registry: true\n"
        "created: '2026-01-01T00:00:00.000000Z'\nstages:\n"
        "  staging: {number: 3, id: 1b6f}\n  archived: []\nretired: []\n"
    )
    found = plain_yaml.parse(raw)
    assert found == {
        "format": 2,
        "id": "7201d85a",
        "license": None,
        "tags": ["bench"],
        "save_models_to_registry": True,
        "created": "2026-01-01T00:00:00.000000Z",
        "stages": {"staging": {"number": 3, "id": "1b6f"}, "archived": []},
        "retired": [],
    }
