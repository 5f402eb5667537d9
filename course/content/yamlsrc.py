"""YAML read into dicts and lists that remember the source line of every key and item."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):
    """The safe loader with tag resolution cut to what safe YAML uses: a third of its time."""

    _implicit = dict(_BaseLoader.yaml_implicit_resolvers)

    def descend_resolver(self, current_node, current_index):
        """Do nothing: path resolvers are never registered for course files."""

    def ascend_resolver(self):
        """Do nothing: path resolvers are never registered for course files."""

    def resolve(self, kind, value, implicit):
        """Return the tag of an untagged node, as the safe loader would."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self._implicit.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


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
        message = exc.problem or exc.context
        # "while parsing a ..." says nothing an author can use; other contexts do.
        if exc.problem and exc.context and not exc.context.startswith("while"):
            message = f"{exc.context}, {exc.problem}"
        raise YamlProblem(line, f"malformed YAML: {message}") from None
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
        offset = self.offset
        result = LineList()
        result.line = node.start_mark.line + offset
        result.lines, result.raw = [], []
        for item in node.value:
            # Strings are most of a course: taken directly, without a constructor call.
            scalar = type(item) is ScalarNode
            result.append(item.value if scalar and item.tag == _STR_TAG else self.convert(item))
            result.lines.append(item.start_mark.line + offset)
            result.raw.append(item.value if scalar else None)
        return result

    def _mapping(self, node: MappingNode) -> LineDict:
        merges = any(key.tag == _MERGE_TAG for key, _ in node.value)
        if merges:
            self.loader.flatten_mapping(node)
        offset = self.offset
        result = LineDict()
        result.line = node.start_mark.line + offset
        result.key_lines = key_lines = {}
        result.raw = raw = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + offset
            if type(key_node) is not ScalarNode:
                raise YamlProblem(line, "malformed YAML: a key must be a plain value")
            key = key_node.value if key_node.tag == _STR_TAG else self.convert(key_node)
            # Merged keys may be overridden on purpose; anywhere else a repeat is a mistake.
            if key in key_lines and not merges:
                first = key_lines[key]
                self.problems.append((line, f"duplicate key '{key}' (first on line {first})"))
            if type(value_node) is ScalarNode:
                raw[key] = value = value_node.value
                result[key] = value if value_node.tag == _STR_TAG else self.convert(value_node)
            else:
                result[key] = self.convert(value_node)
            key_lines[key] = line
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
