/**
 * The Debian mirror and release come from the machine's own apt sources (deb822 `.sources` files and the one-line
 * `sources.list`), never from a constant: a machine behind its own mirror keeps using it, and the lab's release
 * follows the machine's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
}

export interface DebianMirror {
  uri: string;
  suite: string;
}

/** Parses a deb822 `.sources` file: stanzas separated by blank lines, `Key: value`, `#` comments, continuation lines. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^[ \t]/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1].toLowerCase();
      fields.set(last, m[2].trim());
    }
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    if (words('types').length === 0 || words('uris').length === 0) continue;
    sources.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components') });
  }
  return sources;
}

/** Parses one-line `sources.list` entries: `deb [options] uri suite component...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const withoutOptions = line.replace(/\[[^\]]*\]/, ' ');
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/).filter(Boolean);
    if ((type !== 'deb' && type !== 'deb-src') || !uri || !suite) continue;
    sources.push({ types: [type], uris: [uri], suites: [suite], components });
  }
  return sources;
}

/**
 * The release mirror: the first http(s) `deb` source with a plain suite (not -updates/-security/-backports)
 * that carries `main`.
 */
export function pickDebianMirror(sources: readonly AptSource[]): DebianMirror | undefined {
  for (const s of sources) {
    if (!s.types.includes('deb') || !s.components.includes('main')) continue;
    const uri = s.uris.find((u) => /^https?:\/\//.test(u));
    const suite = s.suites.find((x) => /^[a-z]+$/.test(x));
    if (uri && suite) return { uri: uri.replace(/\/+$/, ''), suite };
  }
  return undefined;
}

export function readMachineSources(etcApt = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = [];
  const readIf = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const list = readIf(join(etcApt, 'sources.list'));
  if (list) sources.push(...parseOneLineSources(list));
  let parts: string[] = [];
  try {
    parts = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    /* no drop-in folder */
  }
  for (const name of parts) {
    const text = readIf(join(etcApt, 'sources.list.d', name));
    if (!text) continue;
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(text));
    else if (name.endsWith('.list')) sources.push(...parseOneLineSources(text));
  }
  return sources;
}

export function machineDebianMirror(etcApt = '/etc/apt'): DebianMirror {
  const mirror = pickDebianMirror(readMachineSources(etcApt));
  if (!mirror) {
    throw new LabError(
      `no Debian mirror found in ${etcApt}/sources.list or ${etcApt}/sources.list.d/: the lab builds its hosts from the machine's own Debian mirror`,
    );
  }
  return mirror;
}
