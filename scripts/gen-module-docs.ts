/**
 * Writes docs/modules.md from the modules themselves: their JSON Schemas (arguments, types, defaults), their
 * meta (description, Ansible counterpart, example, result fields) and the notes in ./module-docs/notes.ts.
 * Run: node --import tsx scripts/gen-module-docs.ts
 * test/unit/docs/modules-doc.test.ts regenerates it in memory and fails when the file differs, so the
 * reference cannot drift from the schemas.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyModule } from '../src/core/registry.js';
import { fileModules } from '../src/modules/fileModules.js';
import { builtinModules } from '../src/modules/index.js';
import { ansibleForm } from './module-docs/ansibleForm.js';
import { checkSkippedWhen, diffShows, noAnsibleBecause } from './module-docs/notes.js';

/** The subset of JSON Schema the module schemas use. */
export interface PropertySchema {
  type?: string | string[];
  enum?: readonly unknown[];
  anyOf?: readonly PropertySchema[];
  items?: PropertySchema;
  additionalProperties?: boolean | PropertySchema;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
}
interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
  required?: readonly string[];
  additionalProperties?: boolean | PropertySchema;
}

export const schemaOf = (m: AnyModule): ObjectSchema => m.schema as ObjectSchema;

const CATEGORIES = ['Files and commands', 'System', 'Control', 'Redis and Sentinel'] as const;
function categoryOf(m: AnyModule): (typeof CATEGORIES)[number] {
  if (m.local) return 'Control';
  if (/^(redis|sentinel)_/.test(m.name)) return 'Redis and Sentinel';
  return fileModules.includes(m) ? 'Files and commands' : 'System';
}

/** A property that only exists as another name of one (`dest` → `path`): its target. */
export function aliasTarget(prop: PropertySchema): string | undefined {
  return /^Alias of (\w+)\.?$/.exec(prop.description ?? '')?.[1];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string): string => `\`${text}\``;
const firstSentence = (text: string): string => /^.*?(?<!\be\.g|\bi\.e)[.!?](?=\s|$)/s.exec(text)?.[0] ?? text;

function joinOr(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function range(s: PropertySchema): string {
  if (s.minimum !== undefined && s.maximum !== undefined) return ` ${s.minimum}–${s.maximum}`;
  if (s.minimum !== undefined) return ` ≥ ${s.minimum}`;
  return '';
}

/** A schema as a person reads it: `present` / `absent`, string or list of strings, integer 1–65535. */
export function typeOf(s: PropertySchema | undefined): string {
  if (!s) return 'any';
  if (s.enum) return s.enum.map((v) => code(String(v))).join(' / ');
  if (s.anyOf) return joinOr(s.anyOf.map(typeOf));
  if (Array.isArray(s.type)) return joinOr(s.type.map((t) => typeOf({ ...s, type: t })));
  switch (s.type) {
    case 'array':
      return `list of ${plural(typeOf(s.items))}`;
    case 'object':
      return typeof s.additionalProperties === 'object' ? `map of ${plural(typeOf(s.additionalProperties))}` : 'map';
    case 'integer':
    case 'number':
      return `${s.type}${range(s)}`;
    case undefined:
      return 'any';
    default:
      return s.type;
  }
}

function plural(type: string): string {
  if (/^\w+$/.test(type)) return `${type}s`;
  return type.includes('`') ? type : `(${type})`;
}

/**
 * The default: the schema's, else what the description says: "(default 10)", "Default: …." or "present (default)".
 * `said` is the text that said it, left out of the description cell so the table does not repeat itself.
 */
export function defaultOf(s: PropertySchema): { value: string; said?: string } {
  const d = s.description ?? '';
  const parenthesised = /\s*\((?:default|Default):? ([^)]*)\)/.exec(d);
  // "Default policy for …" opens a description without stating a default: at the start, only "Default:" counts.
  const sentence = /(?:^[Dd]efault: |(?<=[.;] )[Dd]efault:? )(.+?)\.(?=\s|$)/.exec(d);
  const marked = /([\w./-]+) \(default\)/.exec(d);
  if (s.default !== undefined) {
    const value = code(typeof s.default === 'string' ? s.default : JSON.stringify(s.default));
    return parenthesised ? { value, said: parenthesised[0] } : { value };
  }
  const match = parenthesised ?? sentence;
  const found = match?.[1] ?? marked?.[1];
  if (found === undefined) return { value: '' };
  const said = match?.[0];
  if (found.length > 40) return { value: 'see description' };
  const literal = /^(['"]).*\1$/.test(found) || /^[\w./-]+$/.test(found);
  return { value: literal ? code(found.replace(/^'(.*)'$/, '$1')) : found, ...(said ? { said } : {}) };
}

function argumentTable(m: AnyModule): string[] {
  const s = schemaOf(m);
  const props = Object.entries(s.properties ?? {});
  if (props.length === 0 && s.additionalProperties !== true) return ['No arguments.'];
  const aliases = new Map<string, string[]>();
  for (const [name, p] of props) {
    const target = aliasTarget(p);
    if (target) aliases.set(target, [...(aliases.get(target) ?? []), name]);
  }
  const rows = ['| argument | type | required | default | description |', '|---|---|---|---|---|'];
  for (const [name, p] of props) {
    if (aliasTarget(p)) continue;
    const names = [code(name), ...(aliases.get(name) ?? []).map((a) => `alias ${code(a)}`)].join('<br>');
    const freeForm = m.freeForm === name ? 'free form' : '';
    const required = (s.required ?? []).includes(name) ? ['yes', freeForm].filter(Boolean).join(', ') : freeForm;
    const extra = [
      m.secretArgs?.includes(name) && !/masked/.test(p.description ?? '') ? 'Secret: masked in every output.' : '',
      m.expressionArgs?.includes(name) ? 'Evaluated per host as a condition, not rendered up front.' : '',
    ].filter(Boolean);
    const def = defaultOf(p);
    const description = (def.said ? (p.description ?? '').replace(def.said, ' ').replace(/\s{2,}/g, ' ').replace(/ ([.,;])/g, '$1').replace(/\s*[;,]\s*$/, '.') : (p.description ?? '')).trim();
    rows.push(`| ${names} | ${cell(typeOf(p))} | ${required} | ${cell(def.value)} | ${cell([description, ...extra].join(' '))} |`);
  }
  if (s.additionalProperties === true) rows.push('| *any other key* | any | | | See the description above. |');
  return rows;
}

function checkMode(m: AnyModule): string {
  if (m.local) return 'Runs fully under --check: it never contacts the host.';
  if (!m.apply) return 'Runs fully under --check: it only looks and changes nothing.';
  return checkSkippedWhen[m.name] ?? 'Supported: under --check it reports `changed` exactly where a real run would change, with what it would do, and changes nothing.';
}

function moduleSection(m: AnyModule): string[] {
  const names = [m.name, ...(m.aliases ?? []), ...(m.meta.ansible ? [m.meta.ansible] : [])];
  const out = [`## ${m.name}`, '', m.meta.description, ''];
  out.push(m.meta.ansible ? `**Ansible:** ${code(m.meta.ansible)}` : `**Ansible:** no equivalent. ${noAnsibleBecause[m.name] ?? ''}`.trimEnd(), '');
  out.push(`**Names:** ${names.map(code).join(', ')}`, '');
  if (m.freeForm) out.push(`**Free form:** ${code(`${m.name}: …`)} sets ${code(m.freeForm)}.`, '');
  out.push('**Arguments**', '', ...argumentTable(m), '');
  const returns = Object.entries(m.meta.returns ?? {});
  out.push('**Returns** (besides `changed` and `failed`)', '');
  if (returns.length === 0) out.push('Nothing else.', '');
  else out.push('| field | description |', '|---|---|', ...returns.map(([k, v]) => `| ${code(k)} | ${cell(v)} |`), '');
  out.push(`**--check:** ${checkMode(m)}`, '');
  out.push(`**--diff:** ${m.apply ? (diffShows[m.name] ?? '') : 'Nothing: it changes nothing.'}`, '');
  out.push('**Example**', '', '```yaml', m.meta.example, '```', '');
  if (m.meta.ansible) {
    const ansible = ansibleForm(m, builtinModules);
    if (ansible.text === undefined) out.push(`**In Ansible:** the same task runs unchanged under ansible-playbook (${code(m.name)} is ${code(m.meta.ansible)} there).`, '');
    else out.push('**In Ansible** (Jinja)', '', '```yaml', ansible.text, '```', '');
    if (ansible.note) out.push(ansible.note, '');
  }
  return out;
}

export function renderModuleDocs(modules: readonly AnyModule[]): string {
  const out = [
    '# Module reference',
    '',
    '<!-- Generated by scripts/gen-module-docs.ts from the module schemas and meta. Do not edit: run',
    '     `node --import tsx scripts/gen-module-docs.ts` (test/unit/docs/modules-doc.test.ts fails when this file is stale). -->',
    '',
    'Every module takes its arguments as a YAML mapping, validated against its schema when the playbook loads, before any host',
    'is contacted. A module answers to its Ansible name too (`ansible.builtin.apt`), so ported tasks keep working; argument',
    'aliases are Ansible\'s. Templates in arguments are Handlebars ([templating](templating.md)); each example below also',
    'shows the task as an Ansible user writes it in Jinja where the two differ.',
    '',
    'Every result, under `register`, has `changed` and `failed` besides the fields listed per module; a failed one has `msg`,',
    'a skipped one `skipped: true`. Under `--check`, a task that would change lists what it would do in `changes`; a target',
    'that an earlier task only planned (a user, a unit, a file not created yet) counts as a planned change, not a failure.',
    '',
    '## Contents',
    '',
  ];
  for (const category of CATEGORIES) {
    const members = modules.filter((m) => categoryOf(m) === category);
    if (members.length === 0) continue;
    out.push(`### ${category}`, '', '| module | what it does | Ansible |', '|---|---|---|');
    for (const m of members) out.push(`| [${m.name}](#${m.name}) | ${cell(firstSentence(m.meta.description))} | ${m.meta.ansible ? code(m.meta.ansible) : 'none'} |`);
    out.push('');
  }
  for (const category of CATEGORIES) for (const m of modules.filter((x) => categoryOf(x) === category)) out.push(...moduleSection(m));
  return `${out.join('\n').trimEnd()}\n`;
}

export const docsPath = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'modules.md');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(docsPath, renderModuleDocs(builtinModules));
  console.log(`wrote ${docsPath} (${builtinModules.length} modules)`);
}
