/**
 * Where the lab keeps its files. Three lifetimes, three places:
 *  - runtime (state, inventory, known_hosts, logs): /run, gone on reboot like the processes it describes;
 *  - per-lab host layers: /var/lib, removed by `down`;
 *  - caches (base image, Redis source, apt cache, lab SSH key): /var/cache, kept between labs so `up` is fast.
 * Nothing lives inside the repository.
 */
import { join } from 'node:path';

/**
 * RUN_PLAYBOOK_LAB_ID=1..9 runs a second, fully separate lab beside the default one (its own names, subnet,
 * bridge, state and apt cache; the base image and Redis source caches are shared), e.g. for parallel test jobs.
 */
const LAB_ID = (() => {
  const id = process.env.RUN_PLAYBOOK_LAB_ID ?? '';
  if (id !== '' && !/^[1-9]$/.test(id)) throw new Error(`RUN_PLAYBOOK_LAB_ID must be a digit 1-9, got '${id}'`);
  return id;
})();
const suffix = LAB_ID ? `-${LAB_ID}` : '';

export const RUN_DIR = process.env.RUN_PLAYBOOK_LAB_RUN_DIR ?? `/run/run-playbook-lab${suffix}`;
export const HOSTS_DIR = process.env.RUN_PLAYBOOK_LAB_HOSTS_DIR ?? `/var/lib/run-playbook-lab${suffix}/hosts`;
/** The folder the lab made around HOSTS_DIR (removed by `down` once empty); none when the caller chose HOSTS_DIR. */
export const HOSTS_PARENT_DIR: string | undefined = process.env.RUN_PLAYBOOK_LAB_HOSTS_DIR ? undefined : `/var/lib/run-playbook-lab${suffix}`;
export const CACHE_DIR = process.env.RUN_PLAYBOOK_LAB_CACHE ?? '/var/cache/run-playbook/lab';

export const STATE_FILE = join(RUN_DIR, 'state.json');
export const INVENTORY_FILE = join(RUN_DIR, 'inventory.yml');
export const KNOWN_HOSTS_FILE = join(RUN_DIR, 'known_hosts');
export const LOG_DIR = join(RUN_DIR, 'logs');
export const LIGHT_DIR = join(RUN_DIR, 'light');

export const SSH_KEY_DIR = join(CACHE_DIR, 'ssh');
export const SSH_KEY_FILE = join(SSH_KEY_DIR, 'id_ed25519');
export const REDIS_SOURCE_DIR = join(CACHE_DIR, 'redis-source');
export const APT_CACHE_DATA_DIR = join(CACHE_DIR, `apt-cacher-ng${suffix}`);

/** Every kernel object the lab names starts with this, so a sweep can never touch anything else. */
// Instance N uses 'rplN', which never starts with 'rplab' and vice versa, so one lab's sweep never touches another's.
export const NAME_PREFIX = LAB_ID ? `rpl${LAB_ID}` : 'rplab';
export const BRIDGE_NAME = `${NAME_PREFIX}0`;
export const NAT_COMMENT = `run-playbook-lab${suffix}`;

export const APT_CACHE_PORT = 13142;
export const HTTP_PORT = 18080;
export const DEFAULT_SUBNET = `10.213.${37 + Number(LAB_ID || 0)}.0/24`;
export const SUDO_USER = 'labadmin';

export function netnsName(host: string): string {
  return `${NAME_PREFIX}-${host}`;
}

export function netnsPath(host: string): string {
  return `/run/netns/${netnsName(host)}`;
}
