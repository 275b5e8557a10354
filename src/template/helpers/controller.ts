import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { define, expectString, HelperError, type HelperSpec } from './spec.js';

/**
 * Values read on the controller (the machine running run-playbook), never on a host:
 * Ansible's lookup('env', …) and lookup('file', …).
 */
export const controllerHelpers: HelperSpec[] = [
  // An unset variable reads as "" (as Ansible's env lookup does) unless a fallback is given.
  define('env', 'env NAME [FALLBACK]', [1, 2], ([name, fallback]) => {
    const value = process.env[expectString('env', name)];
    return value ?? fallback ?? '';
  }),
  // Relative to the working directory; trailing whitespace is dropped like Ansible's file lookup (rstrip).
  define('file', 'file PATH', [1, 1], ([path]) => {
    const full = resolve(process.cwd(), expectString('file', path));
    try {
      return readFileSync(full, 'utf8').replace(/\s+$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new HelperError(`file: cannot read "${full}" (${code})`);
    }
  }),
];
