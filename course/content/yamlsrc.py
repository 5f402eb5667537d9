"""YAML read into dicts and lists that remember the source line of every key and item."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    """YAML that cannot be read, with the 1-based line where the reader gave up."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class LineDict(dict):
    """A YAML mapping: `line` where it starts, `key_lines` per key, `raw` source of scalars."""

    __slots__ = ("line", "key_lines", "raw")


class LineList(list):
    """A YAML sequence: `line` where it starts, `lines` and `raw` source per item."""

    __slots__ = ("line", "lines", "raw")


def parse_yaml(text: str, line_offset: int = 0, problems: list | None = None) -> object:
    """Parse one YAML document; duplicate keys are appended to `problems` as (line, message)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        converter = _Converter(loader, line_offset, problems if problems is not None else [])
        return converter.convert(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise YamlProblem(line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1 + line_offset, f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()


class _Converter:
    """Walks composed nodes; scalars go through PyYAML's own safe constructors."""

    def __init__(self, loader: _Loader, line_offset: int, problems: list) -> None:
        self.loader = loader
        self.offset = line_offset + 1
        self.problems = problems
        self.active: set[int] = set()

    def convert(self, node: yaml.Node) -> object:
        if isinstance(node, ScalarNode):
            if node.tag == _STR_TAG:
                return node.value
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.active:
            raise YamlProblem(node.start_mark.line + self.offset, "malformed YAML: recursive alias")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self._sequence(node)
            return self._mapping(node)
        finally:
            self.active.discard(id(node))

    def _sequence(self, node: SequenceNode) -> LineList:
        result = LineList(self.convert(item) for item in node.value)
        result.line = node.start_mark.line + self.offset
        result.lines = [item.start_mark.line + self.offset for item in node.value]
        result.raw = [item.value if isinstance(item, ScalarNode) else None for item in node.value]
        return result

    def _mapping(self, node: MappingNode) -> LineDict:
        merges = any(key.tag == _MERGE_TAG for key, _ in node.value)
        if merges:
            self.loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + self.offset
        result.key_lines, result.raw = {}, {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + self.offset
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(line, "malformed YAML: a key must be a plain value")
            key = self.convert(key_node)
            # Merged keys may be overridden on purpose; anywhere else a repeat is a mistake.
            if key in result and not merges:
                first = result.key_lines[key]
                self.problems.append((line, f"duplicate key '{key}' (first on line {first})"))
            result[key] = self.convert(value_node)
            result.key_lines[key] = line
            if isinstance(value_node, ScalarNode):
                result.raw[key] = value_node.value
        return result


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split `---` YAML `---` from the body: (yaml text, body, line number where body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise YamlProblem(
            1,
            "front matter missing: the file must start with a '---' line, "
            "then the lesson's fields, then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise YamlProblem(1, "front matter not closed: add a '---' line after the last field")
