/**
 * Bringing the lab up and down. `up` is idempotent (a healthy lab of the same shape is reused), first clears what a
 * crashed run left, records every object in the state as it makes it, and undoes a half-built lab when a step fails.
 * `down` removes exactly what the state lists, then sweeps lab-named objects a crash left unrecorded.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LabError } from '../core/errors.js';
import { hostAddress, hostNames, parseSubnet, subnetConflicts, vethName, type Subnet } from './addresses.js';
import { startAptCache } from './aptcache.js';
import { ensureBase, type BaseImage } from './base.js';
import { mapLimit } from './concurrency.js';
import { ensurePackages } from './deps.js';
import { attempt, run } from './exec.js';
import { labMounts, mountHostRoot, personalizeHost, removeFullHost, startFullHost } from './host.js';
import { startFileServer } from './http.js';
import { writeInventory } from './inventory.js';
import { prepareLightHosts, removeLightHost, removePrivsepDir, startLightHost } from './light.js';
import { addNat, createBridge, createHostNetwork, enableForwarding, removeHostNetwork, removeNetwork, sweepNetwork } from './network.js';
import { BRIDGE_NAME, HOSTS_DIR, HOSTS_PARENT_DIR, NAME_PREFIX, NAT_COMMENT, INVENTORY_FILE, KNOWN_HOSTS_FILE, LIGHT_DIR, LOG_DIR, RUN_DIR, STATE_FILE, netnsName } from './paths.js';
import { assertCanRunLab } from './preflight.js';
import { commandLine, isAlive, stopProcess, waitReaped } from './processes.js';
import { ensureRedisSource } from './redisSource.js';
import { ensureLabKey, writeKnownHosts } from './sshKeys.js';
import { readState, removeState, saveState, type HostRecord, type LabState } from './state.js';
import { probe, waitForSsh } from './wait.js';


export interface LabUpOptions {
  /** A count, or the host names. Default: the documented setup's three hosts. */
  hosts?: number | string[];
  /** Light hosts: a namespace and an sshd each, sharing the machine's file system (benchmarks at scale). */
  light?: boolean;
  /** The lab's private /24, default 10.213.37.0/24. */
  subnet?: string;
  /** Progress lines for a person (the CLI prints them); silent by default. */
  log?: (line: string) => void;
}

const SSH_WAIT_MS = 90_000;

/** Deps, base image, Redis source and the lab key: everything slow that hosts do not need to exist for. */
export async function labPrepare(log: (line: string) => void = () => {}): Promise<void> {
  assertCanRunLab();
  await ensurePackages(log);
  await Promise.all([ensureBase(log), ensureRedisSource(log), ensureLabKey()]);
}

export async function labUp(opts: LabUpOptions = {}): Promise<LabState> {
  assertCanRunLab();
  const log = opts.log ?? (() => {});
  const light = opts.light ?? false;
  const names = hostNames(opts.hosts, light);
  const subnet = parseSubnet(opts.subnet);
  const existing = readState();
  if (existing && (await isReusable(existing, names, light, subnet.cidr))) {
    log('the lab is already up with these hosts; reusing it');
    return existing;
  }
  if (existing) log('clearing the previous lab first');
  await teardown(existing);
  await assertSubnetFree(subnet);

  await ensurePackages(log);
  const [base, redis, key] = await Promise.all([light ? undefined : ensureBase(log), ensureRedisSource(log), ensureLabKey()]);
  const state: LabState = {
    version: 1,
    createdAt: new Date().toISOString(),
    light,
    subnet: subnet.cidr,
    bridge: BRIDGE_NAME,
    bridgeAddress: subnet.bridgeAddress,
    bridgeCreated: false,
    iptablesRules: [],
    sudoUser: base?.sudoUser ?? '',
    sudoPassword: base?.sudoPassword ?? '',
    keyPath: key.privateKeyPath,
    knownHostsPath: KNOWN_HOSTS_FILE,
    inventoryPath: INVENTORY_FILE,
    hosts: names.map((name, i) => {
      const address = hostAddress(subnet, i);
      return { name, address, port: 22, kind: light ? 'light' : 'full', netns: netnsName(name), veth: vethName(address) } satisfies HostRecord;
    }),
    ready: false,
  };
  saveState(state);
  try {
    await createBridge(state);
    await enableForwarding(state);
    await addNat(state);
    state.http = await startFileServer(dirname(redis.file), state.bridgeAddress);
    state.redis = { version: redis.version, file: redis.file, url: `${state.http.url}/${redis.file.split('/').pop()}` };
    saveState(state);
    if (light) await upLight(state, key.publicKey);
    else await upFull(state, base as BaseImage, key.publicKey);
    writeKnownHosts(state.knownHostsPath, state.hosts.map((h) => ({ ...h, hostKey: h.hostKey ?? '' })));
    writeInventory(state);
    state.ready = true;
    saveState(state);
    return state;
  } catch (e) {
    log('lab up failed; removing what it made');
    await teardown(state);
    throw e;
  }
}

/** After our own teardown, anything still on the lab's /24 belongs to someone else (another lab, a real network). */
async function assertSubnetFree(subnet: Subnet): Promise<void> {
  const [addrs, routes] = await Promise.all([run('ip', ['-4', '-o', 'addr', 'show']), run('ip', ['-4', 'route', 'show', 'table', 'all'])]);
  const conflicts = subnetConflicts(subnet, addrs.stdout, routes.stdout);
  if (conflicts.length > 0) {
    throw new LabError(`the lab subnet ${subnet.cidr} is already in use on this machine (${conflicts.slice(0, 2).join('; ')}${conflicts.length > 2 ? `; ${conflicts.length - 2} more` : ''}): choose another with --subnet`);
  }
}

async function upFull(state: LabState, base: BaseImage, publicKey: string): Promise<void> {
  state.aptCache = await startAptCache(state.bridgeAddress);
  saveState(state);
  const setup = { baseDir: base.dir, authorizedKey: publicKey, sudoUser: base.sudoUser, aptProxyUrl: state.aptCache.url, peers: state.hosts };
  await mapLimit(state.hosts, 8, async (host) => {
    await createHostNetwork(state, host);
    await mountHostRoot(state, host, base.dir);
    await personalizeHost(host, setup);
    host.pid = startFullHost(host);
    saveState(state);
  });
  await mapLimit(state.hosts, 16, (host) => waitForSsh(host.address, host.port, SSH_WAIT_MS, `lab host ${host.name}`, () => host.pid !== undefined && isAlive(host.pid)));
}

async function upLight(state: LabState, publicKey: string): Promise<void> {
  prepareLightHosts(state, publicKey);
  saveState(state);
  await mapLimit(state.hosts, 8, async (host) => {
    await createHostNetwork(state, host);
    host.pid = await startLightHost(host);
  });
  saveState(state);
  await mapLimit(state.hosts, 25, (host) => waitForSsh(host.address, host.port, SSH_WAIT_MS, `light host ${host.name}`, () => host.pid !== undefined && isAlive(host.pid)));
}

async function isReusable(state: LabState, names: string[], light: boolean, subnet: string): Promise<boolean> {
  if (!state.ready || state.light !== light || state.subnet !== subnet) return false;
  if (state.hosts.map((h) => h.name).join(',') !== names.join(',')) return false;
  return (await labHealth(state)).every((h) => h.reachable);
}

export interface HostHealth {
  name: string;
  address: string;
  running: boolean;
  /** False when the host's /run/netns entry is gone: assertLabTarget refuses it, so it is not usable either. */
  netns: boolean;
  reachable: boolean;
}

export async function labHealth(state: LabState): Promise<HostHealth[]> {
  return mapLimit(state.hosts, 25, async (h) => {
    const running = h.pid !== undefined && isAlive(h.pid);
    // Without this, status said "reachable" and `up` reused a lab whose every run the guard then refused.
    const netns = existsSync(`/run/netns/${h.netns}`);
    // a second look before calling a host down: a busy machine can miss one banner, and "down" means a full rebuild
    const banner = running && netns ? ((await probe(h.address, h.port, 2000)) ?? (await probe(h.address, h.port, 4000))) : undefined;
    return { name: h.name, address: h.address, running, netns, reachable: !!banner?.startsWith('SSH-') };
  });
}

export async function labDown(): Promise<void> {
  assertCanRunLab();
  const problems = await teardown(readState());
  if (problems.length > 0) throw new LabError(`lab down could not remove everything:\n${problems.join('\n')}`);
}

/** Removes what `state` records, then anything lab-named left behind; returns what could not be removed. */
async function teardown(state: LabState | undefined): Promise<string[]> {
  const problems: string[] = [];
  const stopped: number[] = [];
  if (state) {
    const ours = (pid: number | undefined, expect: string): void => {
      if (pid !== undefined && isAlive(pid) && commandLine(pid).includes(expect)) stopped.push(pid);
    };
    for (const h of state.hosts) ours(h.pid, h.kind === 'full' ? 'systemd-nspawn' : 'sshd');
    ours(state.http?.pid, `${NAT_COMMENT}-http`);
    ours(state.aptCache?.pid, 'apt-cacher-ng');
    await mapLimit(state.hosts, 16, async (host) => {
      problems.push(...(host.kind === 'full' ? await removeFullHost(host) : await removeLightHost(host)));
      problems.push(...(await removeHostNetwork(host)));
    });
    for (const [service, expect] of [
      [state.http, `${NAT_COMMENT}-http`],
      [state.aptCache, 'apt-cacher-ng'],
    ] as const) {
      const p = await stopProcess(service?.pid, expect);
      if (p) problems.push(p);
    }
    problems.push(...(await removeNetwork(state)));
    removePrivsepDir(state);
  }
  problems.push(...(await sweepProcesses(stopped)));
  for (const mount of labMounts()) {
    const failed = await attempt('umount', [mount]);
    if (failed) problems.push(failed);
  }
  problems.push(...(await sweepNetwork()));
  for (const f of [STATE_FILE, INVENTORY_FILE, KNOWN_HOSTS_FILE]) rmSync(f, { force: true });
  rmSync(LIGHT_DIR, { recursive: true, force: true });
  rmSync(join(RUN_DIR, 'apt-cacher-ng'), { recursive: true, force: true });
  rmSync(LOG_DIR, { recursive: true, force: true });
  removeState();
  // the parent too: `down` left an empty /var/lib/run-playbook-lab-N behind
  for (const dir of [RUN_DIR, HOSTS_DIR, HOSTS_PARENT_DIR]) if (dir) removeIfEmpty(dir);
  await waitReaped(stopped);
  return problems;
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* not empty or absent */
  }
}

/** Lab processes a crash left unrecorded, recognised by lab-only markers in their command line. */
async function sweepProcesses(stopped: number[]): Promise<string[]> {
  const markers = [`--network-namespace-path=/run/netns/${NAME_PREFIX}-`, `${LIGHT_DIR}/`, `${RUN_DIR}/apt-cacher-ng`, `${NAT_COMMENT}-http`];
  const problems: string[] = [];
  const found: { pid: number; marker: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    const marker = markers.find((m) => cmd.includes(m));
    if (marker) {
      found.push({ pid, marker });
      stopped.push(pid);
    }
  }
  await Promise.all(
    found.map(async ({ pid, marker }) => {
      const p = await stopProcess(pid, marker, 10_000);
      if (p) problems.push(p);
    }),
  );
  return problems;
}
