"""Typed field access over a decoded manifest, shared by every record's ``from_manifest``:
a field of the wrong type raises CorruptManifestError naming the file and the field."""

from __future__ import annotations

from typing import Any

from zenml_cli.errors import CorruptManifestError


class ManifestChecker:
    """Typed field access over a decoded manifest; a wrong type names the file and field."""

    def __init__(self, data: dict[str, Any], path: str, prefix: str = "") -> None:
        self.data, self.path, self.prefix = data, path, prefix

    def _fail(self, key: str, expected: str) -> CorruptManifestError:
        got = type(self.data.get(key)).__name__
        return CorruptManifestError(
            self.path, f"field '{self.prefix}{key}' must be {expected}, not {got}"
        )

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value):
            raise self._fail(key, "non-empty text" if required else "text")
        return value

    def number(self, key: str, required: bool = False) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self._fail(key, "a positive whole number")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._fail(key, "a mapping")
        return value

    def text_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "a list of text")
        return value

    def ref(self, key: str, ids: dict[int, str | None]) -> int | None:
        """A format 2 version reference ``{number, id}`` (or null); its id goes into ``ids``."""
        value = self.data.get(key)
        if value is None:
            return None
        return self._one_ref(value, key, ids)

    def ref_list(self, key: str, ids: dict[int, str | None]) -> list[int]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list of {number, id} references")
        return [self._one_ref(item, key, ids) for item in value]

    def _one_ref(self, value: object, key: str, ids: dict[int, str | None]) -> int:
        if not isinstance(value, dict) or not set(value).issubset({"number", "id"}):
            raise self._fail(key, "a {number, id} reference")
        check = ManifestChecker(value, self.path, f"{self.prefix}{key}.")
        number = check.number("number", required=True) or 0
        version_id = check.text("id")
        known = ids.get(number)
        if known is not None and version_id is not None and known != version_id:
            raise CorruptManifestError(
                self.path,
                f"version {number} is named with two ids ({known} and {version_id}): two "
                "branches' versions collided in a merge; run 'zenml resolve'",
            )
        ids[number] = version_id if version_id is not None else known
        return number

    def number_list(self, key: str) -> list[int]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
        ):
            raise self._fail(key, "a list of positive whole numbers")
        return value
