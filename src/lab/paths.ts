/**
 * Where the lab keeps its files. Three lifetimes, three places:
 *  - runtime (state, inventory, known_hosts, logs): /run, gone on reboot like the processes it describes;
 *  - per-lab host layers: /var/lib, removed by `down`;
 *  - caches (base image, Redis source, apt cache, lab SSH key): /var/cache, kept between labs so `up` is fast.
 * Nothing lives inside the repository.
 */
import { join } from 'node:path';

export const RUN_DIR = process.env.RUN_PLAYBOOK_LAB_RUN_DIR ?? '/run/run-playbook-lab';
export const HOSTS_DIR = process.env.RUN_PLAYBOOK_LAB_HOSTS_DIR ?? '/var/lib/run-playbook-lab/hosts';
export const CACHE_DIR = process.env.RUN_PLAYBOOK_LAB_CACHE ?? '/var/cache/run-playbook/lab';

export const STATE_FILE = join(RUN_DIR, 'state.json');
export const INVENTORY_FILE = join(RUN_DIR, 'inventory.yml');
export const KNOWN_HOSTS_FILE = join(RUN_DIR, 'known_hosts');
export const LOG_DIR = join(RUN_DIR, 'logs');
export const LIGHT_DIR = join(RUN_DIR, 'light');

export const SSH_KEY_DIR = join(CACHE_DIR, 'ssh');
export const SSH_KEY_FILE = join(SSH_KEY_DIR, 'id_ed25519');
export const REDIS_SOURCE_DIR = join(CACHE_DIR, 'redis-source');
export const APT_CACHE_DATA_DIR = join(CACHE_DIR, 'apt-cacher-ng');

/** Every kernel object the lab names starts with this, so a sweep can never touch anything else. */
export const NAME_PREFIX = 'rplab';
export const BRIDGE_NAME = 'rplab0';
export const NAT_COMMENT = 'run-playbook-lab';

export const APT_CACHE_PORT = 13142;
export const HTTP_PORT = 18080;
export const DEFAULT_SUBNET = '10.213.37.0/24';
export const SUDO_USER = 'labadmin';

export function netnsName(host: string): string {
  return `${NAME_PREFIX}-${host}`;
}

export function netnsPath(host: string): string {
  return `/run/netns/${netnsName(host)}`;
}
