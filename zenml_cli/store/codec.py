"""Encode and decode manifests: deterministic bytes in, validated dicts out.

Determinism matters because manifests live in git: writing the same state twice must give
the same bytes, so a promotion shows as a one-line diff and nothing else churns. Keys keep the
order the caller built them in (records build them in one fixed order), text is UTF-8 with LF
line endings, and no timestamp is added here.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from zenml_cli.errors import CorruptManifestError
from zenml_cli.limits import MAX_NESTING, nesting_problem, too_deep
from zenml_cli.store import plain_yaml

#: The on-disk format of version, artifact, run and config manifests. Bumped only with a
#: migration.
FORMAT_VERSION = 1
#: model.yaml's format: 2 names every version it references by number *and* id (see README,
#: "The store format"). Format 1 model manifests are still read, and upgraded on their next write.
MODEL_FORMAT_VERSION = 2
#: Every format this code reads.
READABLE_FORMATS = (1, 2)
#: The key the merge driver (``zenml git install``) adds to a manifest it could not merge
#: alone (two branches' versions on one number): every read of it fails until ``zenml
#: resolve`` re-plans the merge, so a collision is never silent.
UNRESOLVED_KEY = "unresolved_merge"
MANIFEST_FORMATS = ("yaml", "json")


def encode(data: dict[str, Any], fmt: str) -> bytes:
    """Serialise one manifest. ``fmt`` is ``yaml`` or ``json``."""
    if fmt == "json":
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    text = plain_yaml.dump(data)  # PyYAML's very bytes, without importing it
    if text is None:
        text = pyyaml_dump(data)
    return text.encode("utf-8")


def pyyaml_dump(data: dict[str, Any]) -> str:
    """A manifest's YAML as PyYAML writes it (``plain_yaml.dump`` writes the same text for
    plain manifests, and is held to it by a test)."""
    import yaml  # imported here: a JSON-only store never pays for PyYAML

    text: str = yaml.dump(
        data,
        Dumper=_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold long descriptions: folding would make diffs noisy
    )
    return text


#: The keys of a version reference (``model.yaml``'s holders, archived and retired lists).
_REFERENCE_KEYS = plain_yaml.REFERENCE_KEYS


@functools.cache
def _dumper() -> Any:
    """PyYAML's safe dumper, writing a version reference ``{number, id}`` on one line, so a
    promotion stays a one-line diff in review (``staging: {number: 3, id: ...}``)."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    def mapping(dumper: Any, data: dict[str, Any]) -> Any:
        flow = tuple(data) == _REFERENCE_KEYS or None
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)

    class ManifestDumper(base):  # type: ignore[misc, valid-type]
        pass

    ManifestDumper.add_representer(dict, mapping)
    return ManifestDumper


def decode(raw: bytes, fmt: str, path: Path | str) -> dict[str, Any]:
    """Parse one manifest and check it is a mapping of a format this code understands, nested
    no deeper than ``limits.MAX_NESTING`` (the one depth limit doctor and every reader share)."""
    if has_conflict_markers(raw):
        raise CorruptManifestError(path, CONFLICT_PROBLEM)
    try:
        text = raw.decode("utf-8")
        if fmt == "json":
            data, shallow = json.loads(text), False
        else:
            data, shallow = _load_manifest_yaml(text, raw)
    except RecursionError:
        raise CorruptManifestError(path, nesting_problem()) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptManifestError(path, f"not valid {fmt.upper()} ({_first_line(exc)})") from exc
    except Exception as exc:  # yaml.YAMLError, without importing yaml at module level
        if type(exc).__module__.startswith("yaml"):
            raise CorruptManifestError(path, f"not valid YAML ({_first_line(exc)})") from exc
        raise
    if not isinstance(data, dict):
        raise CorruptManifestError(path, "expected a mapping at the top level")
    return checked(data, path, shallow=shallow)


def checked(data: dict[str, Any], path: Path | str, *, shallow: bool = False) -> dict[str, Any]:
    """``data`` once it passes what ``decode`` checks after parsing (depth, no unresolved
    merge, a readable format); CorruptManifestError naming ``path`` otherwise. ``shallow``:
    the parser already checked the depth (``_load_yaml_shallow``)."""
    if not shallow and too_deep(data):
        raise CorruptManifestError(path, nesting_problem())
    if UNRESOLVED_KEY in data:
        raise CorruptManifestError(
            path,
            f"unresolved merge: {data[UNRESOLVED_KEY]}; run 'zenml resolve' (see 'git status')",
        )
    version = data.get("format")
    if type(version) is not int or version not in READABLE_FORMATS:
        raise CorruptManifestError(
            path,
            f"unknown format version {version!r} (this zenml-cli reads formats 1 and 2; "
            "upgrade zenml-cli or restore the file)",
        )
    return data


#: What a manifest that git left mid-merge is said to be (DESIGN section 11).
CONFLICT_PROBLEM = (
    "has unresolved merge conflict markers (<<<<<<< ======= >>>>>>>): a git merge, rebase, "
    "cherry-pick or stash pop stopped here; see 'git status', then run 'zenml resolve' "
    "(or keep one side by hand) and 'git add' the file"
)


def has_conflict_markers(raw: bytes) -> bool:
    """True when a line starts with git's ``<<<<<<<`` or ``>>>>>>>``. zenml never writes such a
    line: YAML text it writes is indented or quoted there, JSON escapes newlines."""
    return any(
        raw.startswith(marker) or b"\n" + marker in raw for marker in (b"<<<<<<<", b">>>>>>>")
    )


_LOADERS: dict[bool, type] = {}


def _load_manifest_yaml(text: str, raw: bytes) -> tuple[Any, bool]:
    """``_load_yaml_shallow`` for a manifest: the YAML zenml writes is read by
    ``plain_yaml.parse`` (exactly as PyYAML reads it, without importing PyYAML); anything
    else by PyYAML. A text with ``&`` or ``*`` may hold anchors: PyYAML refuses them."""
    if b"&" not in raw and b"*" not in raw:
        found = plain_yaml.parse(text)
        if found is not plain_yaml.UNKNOWN:
            return found, True  # (the reader refuses to nest deeper than MAX_NESTING)
    return _load_yaml_shallow(text, raw)


def load_yaml(text: str) -> Any:
    """Parse YAML (or JSON, which is YAML) from outside the store with the manifests' strict
    loader: no anchors or aliases (a few hundred bytes could expand without bound), no
    duplicate keys, dates stay text. yaml.YAMLError or RecursionError when it is not."""
    return _load_yaml(text, text.encode("utf-8", "surrogatepass"))


def _load_yaml(text: str, raw: bytes) -> Any:
    """Parse manifest YAML with a strict safe loader (see ``_strict_loader``). Text without
    ``&`` or ``*`` can hold no anchor or alias, so it takes the fast C parser; anything else
    goes through the Python composer, which sees anchors and refuses them."""
    return _load_yaml_shallow(text, raw)[0]


def _load_yaml_shallow(text: str, raw: bytes) -> tuple[Any, bool]:
    """``_load_yaml``, and whether the value is already known to nest no deeper than
    ``MAX_NESTING`` (the fast constructor measured it), so ``too_deep`` need not walk it."""
    import yaml  # imported here: a JSON-only store never pays for PyYAML

    may_alias = b"&" in raw or b"*" in raw
    loader_class = _LOADERS.get(may_alias)
    if loader_class is None:
        loader_class = _LOADERS[may_alias] = _strict_loader(yaml, python=may_alias)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, True
        if not may_alias:
            try:
                return _plain_value(loader, node, 0), True
            except _Unusual:
                pass  # the full constructor decides (and names what is wrong)
        return loader.construct_document(node), False
    finally:
        loader.dispose()


class _Unusual(Exception):
    """A node ``_plain_value`` leaves to PyYAML's own constructor."""


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_STR, _NULL, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


def _plain_value(loader: Any, node: Any, depth: int) -> Any:
    """What the strict loader's constructor builds from ``node``, for the plain nodes every
    manifest is made of (mappings with scalar keys, sequences, str/int/float/bool/null
    scalars), several times faster: the generic constructor's bookkeeping (alias tracking,
    generators, merge keys) is what decoding 100,000 manifests spent most of its time on.
    Anything else (another tag, a merge key, a non-scalar or duplicate key, deep nesting, a
    scalar its constructor refuses) raises ``_Unusual``, and the generic constructor builds
    the whole document instead, so the result and every error stay exactly PyYAML's."""
    tag, kind = node.tag, node.id
    if tag == _STR and kind == "scalar":
        return node.value
    if tag == _MAP and kind == "mapping":
        if depth >= MAX_NESTING:  # too deep for ``too_deep``: let it say so
            raise _Unusual
        mapping: dict[Any, Any] = {}
        seen = set()
        for key_node, value_node in node.value:
            if key_node.id != "scalar" or key_node.tag not in _SCALARS:
                raise _Unusual
            if (key_node.tag, key_node.value) in seen:
                raise _Unusual
            seen.add((key_node.tag, key_node.value))
            mapping[_plain_value(loader, key_node, depth)] = _plain_value(
                loader, value_node, depth + 1
            )
        return mapping
    if tag == _SEQ and kind == "sequence":
        if depth >= MAX_NESTING:
            raise _Unusual
        return [_plain_value(loader, item, depth + 1) for item in node.value]
    if tag not in _SCALARS or kind != "scalar":
        raise _Unusual
    try:
        return loader.yaml_constructors[tag](loader, node)
    except Exception:
        raise _Unusual from None


_SCALARS = frozenset((_STR, _NULL, _BOOL, _INT, _FLOAT))


def _strict_loader(yaml: Any, *, python: bool) -> type:
    """A SafeLoader that refuses what no manifest needs and what makes YAML dangerous or
    ambiguous: anchors and aliases (a ~400-byte "billion laughs" expands without bound),
    duplicate keys (the last one would silently win), and implicit dates (``2026-01-01``
    stays text, so metadata round-trips through JSON and CSV)."""
    from yaml.constructor import ConstructorError

    base = yaml.SafeLoader if python else getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        #: Tags of short scalars already resolved: manifests repeat the same keys and words
        #: (``format``, ``id``, ``null``, ``bench`` ...), and matching each against the
        #: implicit resolvers' regular expressions was a tenth of decoding. The tag depends
        #: only on the node kind, the text and ``implicit`` (this loader has no path
        #: resolvers), so a remembered tag is the tag.
        _tags: dict[tuple[Any, str, Any], str] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if type(value) is not str or len(value) > 64:
                return super().resolve(kind, value, implicit)
            key = (kind, value, implicit)
            tag = self._tags.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._tags) < 4096:
                    # A copy of the text: the value itself goes into the decoded manifest, and
                    # a second reference to it would change how marshal writes the caches
                    # built from it (the same data must always give the same bytes).
                    self._tags[(kind, (value + " ")[:-1], implicit)] = tag
            return tag

        def compose_node(self, parent: Any, index: Any) -> Any:  # Python composer only
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise ConstructorError(None, None, "aliases are not allowed", event.start_mark)
            event = self.peek_event()
            if getattr(event, "anchor", None) is not None:
                raise ConstructorError(None, None, "anchors are not allowed", event.start_mark)
            return super().compose_node(parent, index)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node in self.constructed_objects:  # a node reached twice is an alias
                raise ConstructorError(None, None, "aliases are not allowed", node.start_mark)
            return super().construct_object(node, deep=deep)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = (key_node.tag, key_node.value) if isinstance(key_node.value, str) else None
                if key is not None and key in seen:
                    raise ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
