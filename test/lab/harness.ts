/**
 * Lab tests' entry to the lab: one lab per test file (or per suite, when scripts/test.mjs shares one across files
 * with RUN_PLAYBOOK_LAB_SHARED=1), always torn down — also when a test fails or the run is interrupted.
 * If the lab cannot be built, useLab throws: lab tests fail loudly, they never skip.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  labCutNetwork,
  labExec,
  labRestoreNetwork,
  labStartHost,
  labStopHost,
  labUp,
  type LabState,
} from '../../src/lab/index.js';

export interface LabHost {
  name: string;
  address: string;
  port: number;
}

export interface LabHandle {
  inventoryPath: string;
  hosts: LabHost[];
  keyPath: string;
  knownHostsPath: string;
  sudoUser: string;
  sudoPassword: string;
  redisUrl: string;
  /** run a command inside a host from outside (nsenter into the container / light sshd's namespace) */
  exec(host: string, command: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stopHost(host: string): Promise<void>;
  startHost(host: string): Promise<void>;
  cutNetwork(host: string): Promise<void>;
  restoreNetwork(host: string): Promise<void>;
}

const LAB_CLI = fileURLToPath(new URL('../../src/lab/main.ts', import.meta.url));
let teardownRegistered = false;

/** Synchronous on purpose: 'exit' handlers cannot await, and a signal must not leave the lab behind. */
function tearDownNow(): void {
  spawnSync(process.execPath, ['--import', 'tsx', LAB_CLI, 'down'], { stdio: 'inherit' });
}

function registerTeardown(): void {
  if (teardownRegistered || process.env.RUN_PLAYBOOK_LAB_SHARED === '1') return;
  teardownRegistered = true;
  process.on('exit', tearDownNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.off('exit', tearDownNow);
      tearDownNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export async function useLab(opts: { hosts?: number | string[]; light?: boolean } = {}): Promise<LabHandle> {
  registerTeardown();
  // labUp reuses a healthy lab with the same hosts, so files sharing one lab pay for it once.
  const state: LabState = await labUp({ hosts: opts.hosts, light: opts.light });
  return {
    inventoryPath: state.inventoryPath,
    hosts: state.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port })),
    keyPath: state.keyPath,
    knownHostsPath: state.knownHostsPath,
    sudoUser: state.sudoUser,
    sudoPassword: state.sudoPassword,
    redisUrl: state.redis?.url ?? '',
    exec: (host, command) => labExec(host, command),
    stopHost: (host) => labStopHost(host),
    startHost: (host) => labStartHost(host),
    cutNetwork: (host) => labCutNetwork(host),
    restoreNetwork: (host) => labRestoreNetwork(host),
  };
}
