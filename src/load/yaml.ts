import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem } from '../core/errors.js';
import type { Position } from '../core/position.js';

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
  /** The raw text of the file (code frames). */
  text: string;
}

/** Beyond this a file is refused up front: no playbook is this big, and parsing it would only burn time. */
export const MAX_YAML_BYTES = 32 * 1024 * 1024;
/** Alias expansion cap (YAML bombs): far above any real playbook's use of anchors. */
export const MAX_ALIAS_COUNT = 1000;

const key = (path: YamlPath): string => path.map(String).join('\u0000');

export class YamlError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  }
}

/** Read and parse one YAML file; throws YamlError carrying every syntax problem with its position. */
export function readYamlFile(file: string): YamlFile {
  const size = statSync(file).size;
  if (size > MAX_YAML_BYTES) {
    throw new YamlError([{ file, line: 1, col: 1, message: `file is ${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_YAML_BYTES / 1048576} MB` }]);
  }
  return parseYaml(readFileSync(file, 'utf8'), file);
}

export function parseYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems: Problem[] = [];
  for (const err of doc.errors) {
    const pos = at(err.pos[0]);
    problems.push({ ...pos, message: yamlMessage(err.code, err.message, text, err.pos[0]), ...hintFor(err.code) });
  }
  if (problems.length > 0) throw new YamlError(problems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new YamlError([{ file, line: 1, col: 1, message: `YAML alias expansion refused: ${message}`, hint: 'anchors/aliases expand to too much data (a "YAML bomb"?)' }]);
  }

  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (!node) return;
    if (node.range) values.set(key(path), at(node.range[0]));
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const childPath = [...path, k];
        const kn = item.key as Node | null;
        if (kn && kn.range) keys.set(key(childPath), at(kn.range[0]));
        const vn = item.value as Node | null;
        if (vn && vn.range) walk(vn, childPath);
        else if (kn && kn.range) values.set(key(childPath), at(kn.range[0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    }
  };
  walk(doc.contents as Node | null, []);

  const nearest = (map: Map<string, Position>, path: YamlPath): Position => {
    for (let n = path.length; n >= 0; n--) {
      const hit = map.get(key(path.slice(0, n))) ?? (map === keys ? values.get(key(path.slice(0, n))) : undefined);
      if (hit) return hit;
    }
    return { file, line: 1, col: 1 };
  };
  return {
    file,
    data,
    text,
    valuePos: (path) => nearest(values, path),
    keyPos: (path) => nearest(keys, path),
  };
}

function yamlMessage(code: string, message: string, text: string, offset: number): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return 'duplicate key: ' + firstLine.replace(/^Map keys must be unique.*$/, 'a key appears twice in the same mapping');
  if (text[offset] === '\t' || /\t/.test(text.slice(text.lastIndexOf('\n', offset) + 1, offset + 1))) {
    return `YAML does not allow tabs for indentation (${firstLine})`;
  }
  return `YAML syntax error: ${firstLine}`;
}

function hintFor(code: string): { hint?: string } {
  if (code === 'DUPLICATE_KEY') return { hint: 'the later value would silently replace the earlier one; keep one' };
  if (code === 'TAB_AS_INDENT') return { hint: 'indent with spaces' };
  return {};
}
