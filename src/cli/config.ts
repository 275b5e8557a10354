import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readYamlFile, YamlError } from '../load/yaml.js';
import { SourceError } from '../core/errors.js';
import { describeErrors, validatorFor } from '../core/ajv.js';

/** run-playbook.yml / .run-playbook.yml: project defaults, overridden by flags. */
export const projectConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inventory: { description: 'Inventory file(s) or folder(s), relative to the config file', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    forks: { description: 'Hosts worked on at once', type: 'integer', minimum: 1 },
    roles_path: { description: 'Extra folders to look for roles in', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    remote_user: { description: 'Default SSH user', type: 'string' },
    private_key_file: { description: 'Default SSH private key', type: 'string' },
    host_key_checking: { description: 'strict, accept-new or off', enum: ['strict', 'accept-new', 'off', true, false] },
    known_hosts: { description: 'Extra known_hosts files', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    timeout: { description: 'SSH connect timeout in seconds', type: 'number', minimum: 1 },
    command_timeout: { description: 'Per-command timeout in seconds', type: 'number', minimum: 1 },
  },
} as const;

export interface ProjectConfig {
  file: string;
  inventory?: string[];
  forks?: number;
  rolesPath?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  knownHosts?: string[];
  timeoutSeconds?: number;
  commandTimeoutSeconds?: number;
}

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The nearest config file from cwd upwards, as tools like ESLint and Prettier find theirs. */
export function findProjectConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of ['run-playbook.yml', '.run-playbook.yml', 'run-playbook.yaml', '.run-playbook.yaml']) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadProjectConfig(file: string): ProjectConfig {
  let parsed;
  try {
    parsed = readYamlFile(file);
  } catch (e) {
    if (e instanceof YamlError) throw new SourceError(e.problems);
    throw e;
  }
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  const validate = validatorFor(projectConfigSchema);
  if (!validate(data)) {
    throw new SourceError(
      (validate.errors ?? []).map((err, i) => {
        const path = err.instancePath.split('/').slice(1);
        const key = (err.params as { additionalProperty?: string }).additionalProperty;
        const pos = key ? parsed.keyPos([key]) : parsed.valuePos(path);
        return { ...pos, message: describeErrors([err], data)[0] ?? `invalid setting (${i})` };
      }),
    );
  }
  const base = dirname(file);
  const hkc = data.host_key_checking;
  return {
    file,
    ...(data.inventory !== undefined ? { inventory: list(data.inventory)!.map((p) => resolve(base, p)) } : {}),
    ...(typeof data.forks === 'number' ? { forks: data.forks } : {}),
    ...(data.roles_path !== undefined ? { rolesPath: list(data.roles_path)!.map((p) => resolve(base, p)) } : {}),
    ...(typeof data.remote_user === 'string' ? { remoteUser: data.remote_user } : {}),
    ...(typeof data.private_key_file === 'string' ? { privateKeyFile: resolve(base, data.private_key_file) } : {}),
    ...(hkc !== undefined ? { hostKeyChecking: hkc === true ? 'strict' : hkc === false ? 'off' : (hkc as 'strict' | 'accept-new' | 'off') } : {}),
    ...(data.known_hosts !== undefined ? { knownHosts: list(data.known_hosts)!.map((p) => resolve(base, p)) } : {}),
    ...(typeof data.timeout === 'number' ? { timeoutSeconds: data.timeout } : {}),
    ...(typeof data.command_timeout === 'number' ? { commandTimeoutSeconds: data.command_timeout } : {}),
  };
}
