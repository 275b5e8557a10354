import type { Problem } from '../core/errors.js';
import type { Position } from '../core/position.js';
import type { GroupDecl, HostDecl, InventoryDecls } from './inventory.js';

/**
 * Ansible's INI inventory:
 *   host1 ansible_port=2222        (before any section: ungrouped)
 *   [web]  host lines  |  [web:vars]  key=value  |  [web:children]  group names
 * Comments start with `#` or `;`. Values are read the way Ansible's ini plugin reads them (ast.literal_eval):
 * on host lines and in [g:vars] alike, `2222` is a number, `True`/`False` booleans, `None` null, quoted text a
 * string without its quotes, anything else (including `true`, `yes`) stays a string.
 */
export function parseIniInventory(text: string, file: string): { decls: InventoryDecls; problems: Problem[]; yamlLike: boolean } {
  const groups = new Map<string, GroupDecl>();
  const problems: Problem[] = [];
  const references: InventoryDecls['references'] = [];
  const at = (line: number, col: number): Position => ({ file, line, col });
  const group = (name: string, pos: Position, declares: boolean): GroupDecl => {
    let g = groups.get(name);
    if (!g) {
      g = { name, pos, declared: false, vars: {}, varPos: {}, hosts: [], children: [] };
      groups.set(name, g);
    }
    // [g] and [g:children] declare a group; [g:vars] only adds to one declared elsewhere (as in Ansible).
    if (declares && !g.declared) {
      g.declared = true;
      g.pos = pos;
    }
    return g;
  };

  let current = group('ungrouped', at(1, 1), true);
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  let yamlLike = false;
  let sawContent = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const indent = raw.length - raw.trimStart().length;
    const col = indent + 1;
    const firstContent = !sawContent;
    sawContent = true;

    if (trimmed.startsWith('[')) {
      const m = /^\[([^\]:\s]+)(?::([^\]\s]*))?\]\s*(?:[#;].*)?$/.exec(trimmed);
      if (!m) {
        problems.push({ ...at(lineNo, col), message: `cannot parse section header ${JSON.stringify(trimmed)}`, hint: 'sections are [group], [group:vars] or [group:children]; group names have no spaces' });
        return;
      }
      const name = m[1]!;
      const kind = m[2];
      if (kind === undefined) {
        state = 'hosts';
        current = group(name, at(lineNo, col + 1), true);
      } else if (kind === 'vars' || kind === 'children') {
        state = kind;
        current = group(name, at(lineNo, col + 1), kind === 'children');
        if (kind === 'vars') references.push({ name, pos: at(lineNo, col + 1), what: `section [${name}:vars]` });
      } else {
        problems.push({ ...at(lineNo, col + name.length + 2), message: `unknown section type "${kind}" in [${name}:${kind}]`, hint: 'a section is [group], [group:vars] or [group:children]' });
        // Keep reading so every other problem is reported too; lines of this section go nowhere.
        state = 'hosts';
        current = { name, pos: at(lineNo, col), declared: false, vars: {}, varPos: {}, hosts: [], children: [] };
      }
      return;
    }

    // Only a file that starts as YAML is a YAML file; a YAML-ish line later on is a mistake on that line.
    if (yamlLike || (firstContent && looksLikeYaml(raw))) {
      // One problem for the file, not one per line: the whole file is in the other format.
      if (!yamlLike) {
        problems.push({
          ...at(lineNo, col),
          message: `this file is a YAML inventory (${JSON.stringify(trimmed)}), but its name makes it INI`,
          hint: 'an inventory file is one format: rename it to *.yml/*.yaml, or write it in INI form ([group], then one "host key=value" a line)',
        });
      }
      yamlLike = true;
      return;
    }

    if (state === 'children') {
      if (/\s/.test(trimmed) || trimmed.includes('=')) {
        problems.push({ ...at(lineNo, col), message: `expected a group name in [${current.name}:children], got ${JSON.stringify(trimmed)}`, hint: 'list one child group a line; hosts go in [group] sections' });
        return;
      }
      current.children.push({ name: trimmed, pos: at(lineNo, col) });
      references.push({ name: trimmed, pos: at(lineNo, col), what: `[${current.name}:children]` });
      return;
    }

    if (state === 'vars') {
      const eq = trimmed.indexOf('=');
      if (eq <= 0) {
        problems.push({ ...at(lineNo, col), message: `expected key=value in [${current.name}:vars], got ${JSON.stringify(trimmed)}`, hint: 'INI inventories write variables as key=value' });
        return;
      }
      const key = trimmed.slice(0, eq).trim();
      const value = stripTrailingComment(trimmed.slice(eq + 1).trim());
      current.vars[key] = parseIniValue(value);
      current.varPos[key] = at(lineNo, col + eq + 1);
      return;
    }

    const tokens = shellSplit(raw);
    if ('error' in tokens) {
      problems.push({ ...at(lineNo, tokens.col), message: tokens.error, hint: 'close the quote, or remove it' });
      return;
    }
    const [first, ...rest] = tokens.tokens;
    if (!first) return;
    const host: HostDecl = { pattern: first.text, pos: at(lineNo, first.col), vars: {}, varPos: {} };
    for (const t of rest) {
      const eq = t.text.indexOf('=');
      if (eq <= 0) {
        problems.push({
          ...at(lineNo, t.col),
          message: `expected key=value after host "${first.text}", got ${JSON.stringify(t.text)}`,
          hint: 'a host line is "name key=value key=value"; quote values that contain spaces: key="a b"',
        });
        continue;
      }
      const key = t.text.slice(0, eq);
      host.vars[key] = parseIniValue(t.text.slice(eq + 1));
      host.varPos[key] = at(lineNo, t.col + eq + 1);
    }
    current.hosts.push(host);
  });
  return { decls: { file, groups: [...groups.values()], references }, problems, yamlLike };
}

/** `all:`, `  hosts:`, `web1: {…}`, `- web1`: YAML mapping keys and list items, which INI never has. */
function looksLikeYaml(raw: string): boolean {
  return /^\s*-\s/.test(raw) || /^\s*[\w.\-]+:(\s|$)/.test(raw);
}

/** Anything after an unquoted ` #` or ` ;` is a comment (Ansible keeps it in the value; nobody means that). */
function stripTrailingComment(value: string): string {
  let quote = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ((c === '#' || c === ';') && i > 0 && /\s/.test(value[i - 1]!)) return value.slice(0, i).trimEnd();
  }
  return value;
}

/** Python's ast.literal_eval as Ansible applies it to INI values, for the literals that occur in inventories. */
export function parseIniValue(v: string): unknown {
  if (/^[-+]?(0|[1-9]\d*)$/.test(v)) return Number(v);
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$/.test(v)) return Number(v);
  if (v === 'True') return true;
  if (v === 'False') return false;
  if (v === 'None') return null;
  const q = /^(['"])(.*)\1$/s.exec(v);
  if (q) return q[2];
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v.replace(/'/g, '"').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null')) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

interface Token {
  text: string;
  col: number;
}

/** POSIX shell-like split (Ansible's shlex with comments): quotes group words and are removed; `#` starts a comment. */
export function shellSplit(line: string): { tokens: Token[] } | { error: string; col: number } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const c = line[i]!;
      if (c === "'" || c === '"') {
        const close = line.indexOf(c, i + 1);
        if (close < 0) return { error: `unterminated ${c === '"' ? 'double' : 'single'} quote`, col: i + 1 };
        text += c === '"' ? line.slice(i + 1, close).replace(/\\(["\\$`])/g, '$1') : line.slice(i + 1, close);
        i = close + 1;
      } else if (c === '\\' && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    tokens.push({ text, col: start + 1 });
  }
  return { tokens };
}
