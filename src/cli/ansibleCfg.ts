/**
 * A ported project's ansible.cfg, read when it has no run-playbook.yml: the [defaults] a repository relies on
 * (inventory, roles_path, remote_user, private_key_file, host_key_checking, forks, timeout), so `run-playbook
 * site.yml` in an Ansible repository finds what `ansible-playbook site.yml` finds. Only the project's own file
 * (ANSIBLE_CONFIG, else ./ansible.cfg) is read, never ~/.ansible.cfg or /etc/ansible: a machine-wide Ansible
 * setting must not change what run-playbook does behind the user's back. Other keys are ignored.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { SourceError, type Problem } from '../core/errors.js';
import type { ProjectConfig } from './config.js';

export function findAnsibleCfg(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv) {
    // Ansible takes a folder here too and reads the ansible.cfg inside it.
    const named = resolve(cwd, fromEnv);
    return isDirectory(named) ? join(named, 'ansible.cfg') : named;
  }
  const local = join(cwd, 'ansible.cfg');
  return existsSync(local) ? local : undefined;
}

const isDirectory = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

const TRUE = new Set(['true', 'yes', 'on', '1', 't', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'f', 'n']);

export function loadAnsibleCfg(file: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SourceError([{ file, line: 1, col: 1, message: `cannot read the Ansible config ${file} (ANSIBLE_CONFIG?)` }]);
  }
  const base = dirname(file);
  // Ansible expands ~ and makes relative paths relative to the config file's folder.
  const path = (p: string): string => resolve(base, p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);
  const problems: Problem[] = [];
  const config: ProjectConfig = { file };
  let section = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      return;
    }
    const kv = /^([A-Za-z_][\w]*)\s*[=:]\s*(.*)$/.exec(line);
    if (section !== 'defaults' || !kv) return;
    const [, key, rawValue] = kv as unknown as [string, string, string];
    const value = rawValue.replace(/\s+[#;].*$/, '').replace(/^(['"])(.*)\1$/, '$2');
    // The value ends the trimmed line; raw.indexOf(rawValue) would find it inside the key (`forks = or`).
    const valueCol = raw.length - raw.trimStart().length + line.length - rawValue.length + 1;
    const at = (message: string): void => void problems.push({ file, line: index + 1, col: valueCol, message });
    const count = (what: string): number | undefined => {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1) return n;
      at(`${key} must be a whole number of at least 1 (${what}), got "${value}"`);
      return undefined;
    };
    switch (key) {
      case 'inventory':
      case 'hostfile':
        config.inventory = value.split(',').map((p) => p.trim()).filter(Boolean).map(path);
        break;
      case 'roles_path':
        config.rolesPath = value.split(':').map((p) => p.trim()).filter(Boolean).map(path);
        break;
      case 'remote_user':
        config.remoteUser = value;
        break;
      case 'private_key_file':
        config.privateKeyFile = path(value);
        break;
      case 'host_key_checking': {
        const v = value.toLowerCase();
        if (TRUE.has(v)) config.hostKeyChecking = 'strict';
        else if (FALSE.has(v)) config.hostKeyChecking = 'off';
        else at(`host_key_checking must be true or false, got "${value}"`);
        break;
      }
      case 'forks': {
        const n = count('hosts at once');
        if (n !== undefined) config.forks = n;
        break;
      }
      case 'timeout': {
        const n = count('seconds');
        if (n !== undefined) config.timeoutSeconds = n;
        break;
      }
    }
  });
  if (problems.length > 0) throw new SourceError(problems);
  return config;
}
