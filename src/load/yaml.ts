import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type ScalarTag, type YAMLMap } from 'yaml';

/** The tag list type of the yaml package's customTags option. */
type Tags = Exclude<Parameters<typeof parseDocument>[1], undefined> extends { customTags?: infer T } ? Extract<T, unknown[]> : never;
import type { Problem } from '../core/errors.js';
import type { Position } from '../core/position.js';
import { decodeSource } from '../core/sourceText.js';

/** A path into parsed YAML: map keys and sequence indexes, e.g. [0, 'tasks', 3, 'apt']. */
export type YamlPath = ReadonlyArray<string | number>;

/** Parsed YAML plus where every key and value was written, so any later check can point at the source. */
export interface YamlFile {
  file: string;
  data: unknown;
  /** Where the value at path starts (nearest ancestor when the path does not exist). */
  valuePos(path: YamlPath): Position;
  /** Where the key of the entry at path was written (the value's position for sequence items). */
  keyPos(path: YamlPath): Position;
  /** Where the text of the string at path starts: inside the quotes, or on the first line of a | or > block. */
  textPos(path: YamlPath): Position;
  /** The raw text of the file (code frames). */
  text: string;
}

/**
 * Beyond this a file is refused up front: no playbook, role or inventory file is this big, and the YAML parser
 * needs about a second per megabyte, so a huge generated file would stall the run before it says anything.
 */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
/** Alias expansion cap (YAML bombs): far above any real playbook's use of anchors. */
export const MAX_ALIAS_COUNT = 1000;

export class YamlError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  }
}

/** Read and parse one YAML file; throws YamlError carrying every syntax problem with its position. */
export function readYamlFile(file: string): YamlFile {
  const size = statSync(file).size;
  if (size > MAX_YAML_BYTES) {
    throw new YamlError([
      {
        file,
        line: 1,
        col: 1,
        message: `file is too large to load: ${(size / 1048576).toFixed(1)} MB (the limit is ${MAX_YAML_BYTES / 1048576} MB)`,
        hint: 'split it into roles and included task files, or keep bulk data out of YAML',
      },
    ]);
  }
  const decoded = decodeSource(readFileSync(file), file);
  if ('problem' in decoded) throw new YamlError([decoded.problem]);
  return parseYaml(decoded.text, file);
}

export function parseYaml(source: string, file: string): YamlFile {
  // A byte-order mark is not content (PyYAML skips it); left in, the parser reads it as a scalar before the play.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const lineCounter = new LineCounter();
  // YAML 1.1 like Ansible's PyYAML: `become: yes` is a boolean and `mode: 0644` is octal (420), so ported
  // roles mean the same thing; `<<` merge keys work. Timestamps stay strings: vars must be plain data.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    version: '1.1',
    merge: true,
    customTags: ansibleTags,
  });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems: Problem[] = [];
  const duplicates = doc.errors.some((e) => e.code === 'DUPLICATE_KEY') ? duplicateKeyOffsets(doc) : [];
  for (const err of doc.errors) {
    // the parser reports a duplicate at the first pair's end, which can be the line before; point at the repeat
    const offset = err.code === 'DUPLICATE_KEY' ? (duplicates.shift() ?? err.pos[0]) : err.pos[0];
    const pos = at(offset);
    problems.push({ ...pos, message: yamlMessage(err.code, err.message, text, offset), ...hintFor(err.code) });
  }
  // The yaml package only warns about a tag it does not know and then reads the node as plain data: `!vault`
  // would silently become its ciphertext, `!unsafe` (Ansible: never templated) would be rendered after all, and
  // `!!python/object/apply:…` would pass as a list. None of them may change meaning silently: refuse them.
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') problems.push({ ...at(warning.pos[0]), ...unknownTag(text.slice(warning.pos[0], warning.pos[1])) });
  }
  if (problems.length > 0) throw new YamlError(problems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unresolved = firstUnresolvedAlias(doc);
    if (unresolved) {
      throw new YamlError([{ ...at(unresolved.offset), message: `YAML alias "*${unresolved.name}" refers to no anchor defined before it`, hint: `define "&${unresolved.name}" on a value above this line, or fix the alias name` }]);
    }
    throw new YamlError([{ file, line: 1, col: 1, message: `YAML alias expansion refused: ${message}`, hint: 'anchors/aliases expand to too much data (a "YAML bomb"?)' }]);
  }

  // Positions are found on demand by following the path through the parsed node tree: walking every node of a
  // large file up front cost more than parsing it.
  const mapIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairsOf = (map: YAMLMap): Map<string, Pair> => {
    let index = mapIndex.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (!index.has(k)) index.set(k, item);
      }
      mapIndex.set(map, index);
    }
    return index;
  };
  /** The deepest node (and the key node leading to it) along path; `exact` tells whether the whole path was found. */
  const locate = (path: YamlPath): { node: Node | undefined; keyNode: Node | undefined; exact: boolean } => {
    let node = doc.contents as Node | null | undefined;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
      const seg = path[i]!;
      let next: Node | undefined;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair = pairsOf(node).get(String(seg));
        if (pair) {
          nextKey = (pair.key as Node | null) ?? undefined;
          next = (pair.value as Node | null) ?? undefined;
          if (!next || !next.range) next = nextKey;
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = (node.items[seg] as Node | undefined) ?? undefined;
      }
      if (!next) return { node: node ?? undefined, keyNode, exact: false };
      node = next;
      keyNode = nextKey ?? (next as Node);
    }
    return { node: node ?? undefined, keyNode, exact: true };
  };
  const start = (node: Node | undefined): Position => (node && node.range ? at(node.range[0]) : { file, line: 1, col: 1 });
  return {
    file,
    data,
    text,
    valuePos: (path) => start(locate(path).node),
    keyPos: (path) => {
      const found = locate(path);
      return start(found.exact && path.length > 0 ? found.keyNode : found.node);
    },
    textPos: (path) => {
      const { node, exact } = locate(path);
      if (exact && isScalar(node) && node.range && node.type && node.type !== 'PLAIN') return at(textStart(text, node.range[0], node.type));
      return start(node);
    },
  };
}

/** The first alias (in document order) whose anchor is not set above it: the yaml package reports it without a position. */
function firstUnresolvedAlias(doc: Document): { name: string; offset: number } | undefined {
  const anchors = new Set<string>();
  let found: { name: string; offset: number } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        found = { name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
    } else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return found;
}

/**
 * YAML 1.1 as PyYAML reads it: yes/no/on/off/true/false are booleans but a bare y/n stays a string (`y: 2` is a
 * key named "y"), and timestamps stay strings.
 */
function ansibleTags(tags: Tags): Tags {
  const bool = (value: boolean, test: RegExp): ScalarTag => ({
    identify: (v) => v === value,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test,
    resolve: () => value,
  });
  const kept = tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.tag !== 'tag:yaml.org,2002:bool'));
  return [bool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/), bool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/), ...kept];
}

/** Skip the opening quote, or the `|`/`>` header line, so template positions count from the string's first character. */
function textStart(text: string, offset: number, type: string): number {
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') return offset + 1;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return offset;
    let i = nl + 1;
    while (text[i] === ' ') i++;
    return i;
  }
  return offset;
}

/** Where each repeated key of a mapping was written, in document order (the parser's DUPLICATE_KEY order). */
function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key) && isScalar(pair.key) && pair.key.range) offsets.push(pair.key.range[0]);
        seen.add(key);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}

function yamlMessage(code: string, message: string, text: string, offset: number): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'MULTIPLE_DOCS') return 'a second YAML document starts here; this file must hold exactly one';
  if (code === 'DUPLICATE_KEY') return 'duplicate key: ' + firstLine.replace(/^Map keys must be unique.*$/, 'a key appears twice in the same mapping');
  if (text[offset] === '\t' || /\t/.test(text.slice(text.lastIndexOf('\n', offset) + 1, offset + 1))) {
    return `YAML does not allow tabs for indentation (${firstLine})`;
  }
  return `YAML syntax error: ${firstLine}`;
}

function unknownTag(written: string): { message: string; hint: string } {
  const tag = written.trim().split(/\s/)[0] ?? written;
  if (tag === '!vault') {
    return { message: 'this value is encrypted with Ansible Vault (!vault)', hint: 'run-playbook does not decrypt Ansible Vault; decrypt it (ansible-vault decrypt) and pass secrets in a file only you can read, e.g. -e @secrets.yml' };
  }
  if (tag === '!unsafe') {
    return { message: 'the !unsafe tag is not supported', hint: 'write literal braces as \\{{ or wrap the text in {{{{raw}}}}…{{{{/raw}}}} (docs/templating.md); data from hosts is never rendered anyway' };
  }
  return { message: `unknown YAML tag ${tag}`, hint: 'only plain YAML data is read (strings, numbers, booleans, lists, mappings); remove the tag' };
}

function hintFor(code: string): { hint?: string } {
  if (code === 'DUPLICATE_KEY') return { hint: 'the later value would silently replace the earlier one; keep one' };
  if (code === 'TAB_AS_INDENT') return { hint: 'indent with spaces' };
  // PyYAML refuses this too ("expected a single document in the stream").
  if (code === 'MULTIPLE_DOCS') return { hint: 'remove this `---` line (a `---` on the first line is fine), or move what follows into its own file' };
  return {};
}
