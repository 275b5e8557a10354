/** Shared setup for loader tests: a small module registry, the real template engine, temp project folders. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SourceError, type Problem } from '../../../src/core/errors.js';
import type { Playbook } from '../../../src/core/model.js';
import { defineModule, ModuleRegistry } from '../../../src/core/registry.js';
import { loadPlaybook, type LoadPlaybookOptions } from '../../../src/load/playbook.js';
import { createTemplateEngine } from '../../../src/template/index.js';

const noop = { read: async () => undefined, plan: () => ({ changes: [] }) };
const meta = (ansible?: string) => ({ description: 'test module', example: '', ...(ansible ? { ansible } : {}) });

export function testRegistry(): ModuleRegistry {
  return new ModuleRegistry([
    defineModule({
      name: 'apt',
      meta: meta('ansible.builtin.apt'),
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          state: { enum: ['present', 'absent', 'latest'] },
          update_cache: { type: 'boolean' },
          cache_valid_time: { type: 'integer' },
        },
      },
      ...noop,
    }),
    defineModule({
      name: 'command',
      freeForm: 'cmd',
      meta: meta('ansible.builtin.command'),
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: { cmd: { type: 'string' }, argv: { type: 'array', items: { type: 'string' } }, chdir: { type: 'string' }, creates: { type: 'string' }, removes: { type: 'string' } },
        anyOf: [{ required: ['cmd'] }, { required: ['argv'] }],
      },
      ...noop,
    }),
    defineModule({
      name: 'shell',
      freeForm: 'cmd',
      meta: meta('ansible.builtin.shell'),
      schema: { type: 'object', additionalProperties: false, properties: { cmd: { type: 'string' }, chdir: { type: 'string' }, creates: { type: 'string' }, executable: { type: 'string' } } },
      ...noop,
    }),
    defineModule({
      name: 'copy',
      meta: meta('ansible.builtin.copy'),
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['dest'],
        properties: { src: { type: 'string' }, content: { type: 'string' }, dest: { type: 'string' }, mode: { type: ['string', 'integer'] }, remote_src: { type: 'boolean' } },
      },
      ...noop,
    }),
    defineModule({
      name: 'template',
      meta: meta('ansible.builtin.template'),
      schema: { type: 'object', additionalProperties: false, required: ['src', 'dest'], properties: { src: { type: 'string' }, dest: { type: 'string' }, mode: { type: ['string', 'integer'] } } },
      ...noop,
    }),
    defineModule({
      name: 'service',
      aliases: ['systemd_service'],
      meta: meta('ansible.builtin.service'),
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string' }, state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] }, enabled: { type: 'boolean' } },
      },
      ...noop,
    }),
    defineModule({
      name: 'debug',
      meta: meta('ansible.builtin.debug'),
      schema: { type: 'object', additionalProperties: false, properties: { msg: {}, var: { type: 'string' } } },
      ...noop,
    }),
    defineModule({
      name: 'assert',
      expressionArgs: ['that'],
      meta: meta('ansible.builtin.assert'),
      schema: { type: 'object', additionalProperties: false, required: ['that'], properties: { that: { type: ['string', 'array'] }, fail_msg: { type: 'string' } } },
      ...noop,
    }),
    defineModule({
      name: 'set_fact',
      meta: meta('ansible.builtin.set_fact'),
      schema: { type: 'object', additionalProperties: true },
      ...noop,
    }),
  ]);
}

export const templates = createTemplateEngine();

/** Write files (path → text) under a fresh temp folder; returns the folder. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rp-load-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

export function options(cwd: string, extra: Partial<LoadPlaybookOptions> = {}): LoadPlaybookOptions {
  return { registry: testRegistry(), templates, cwd, ...extra };
}

export async function load(root: string, file = 'site.yml', extra: Partial<LoadPlaybookOptions> = {}): Promise<Playbook> {
  return loadPlaybook(join(root, file), options(root, extra));
}

/** Load expecting failure; returns the problems (fails the test if loading succeeds). */
export async function problemsOf(root: string, file = 'site.yml', extra: Partial<LoadPlaybookOptions> = {}): Promise<Problem[]> {
  try {
    await load(root, file, extra);
  } catch (e) {
    if (e instanceof SourceError) return e.problems;
    throw e;
  }
  throw new Error('expected the playbook to be refused, but it loaded');
}

/** `file:line:col: message` with the file relative to root, as a user sees it. */
export const lineOf = (root: string, p: Problem): string => `${p.file.startsWith(root + '/') ? p.file.slice(root.length + 1) : p.file}:${p.line}:${p.col}: ${p.message}`;
