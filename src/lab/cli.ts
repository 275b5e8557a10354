/**
 * `run-playbook lab up|down|status|inventory|prepare`, also runnable alone: `node --import tsx src/lab/main.ts up`.
 * labMain returns the exit code; only the direct entry below sets process.exitCode.
 */
import { readFileSync } from 'node:fs';
import { LabError } from '../core/errors.js';
import { labDown, labPrepare, labUp } from './lifecycle.js';
import { ensurePackages } from './deps.js';
import { labInventoryPath, labStatus } from './operate.js';

const USAGE = `usage: run-playbook lab <command> [options]
commands:
  up          build and start the lab (idempotent), print its hosts and inventory path
  down        stop the lab and remove everything it made
  status      show the lab's hosts and whether each answers on SSH
  inventory   print the lab's inventory (YAML)
  deps        install the Debian packages the lab and the tests need
  prepare     install what the lab needs and build its caches (base image, Redis source); no hosts
options (up):
  --hosts N          number of hosts (default 3: redismaster, redisslave1, redisslave2)
  --names a,b,c      host names instead of a count
  --light            light hosts: a namespace and an sshd each, sharing this machine's files (benchmarks)
  --subnet CIDR      the lab's private /24 (default 10.213.37.0/24)`;

interface ParsedArgs {
  command: string;
  hosts?: number | string[];
  light: boolean;
  subnet?: string;
}

export function parseLabArgs(argv: readonly string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const parsed: ParsedArgs = { command, light: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new LabError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--hosts': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new LabError(`--hosts needs a number, got '${v}' (use --names for names)`);
        parsed.hosts = Number(v);
        break;
      }
      case '--names':
        parsed.hosts = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--light':
        parsed.light = true;
        break;
      case '--subnet':
        parsed.subnet = value();
        break;
      default:
        throw new LabError(`unknown option '${arg}'\n${USAGE}`);
    }
  }
  return parsed;
}

export async function labMain(argv: string[]): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`lab: ${line}\n`);
  try {
    const args = parseLabArgs(argv);
    switch (args.command) {
      case 'up': {
        const started = Date.now();
        const state = await labUp({ hosts: args.hosts, light: args.light, subnet: args.subnet, log });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(`lab up in ${seconds} s: ${state.hosts.length} ${state.light ? 'light' : 'full'} host(s) on ${state.subnet}\n`);
        for (const h of state.hosts) process.stdout.write(`  ${h.name.padEnd(14)} ${h.address}\n`);
        process.stdout.write(`inventory: ${state.inventoryPath}\n`);
        return 0;
      }
      case 'down': {
        const started = Date.now();
        await labDown();
        process.stdout.write(`lab down in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return 0;
      }
      case 'status': {
        const status = await labStatus();
        if (!status.state) {
          process.stdout.write('lab: down\n');
          return 1;
        }
        process.stdout.write(`lab: ${status.up ? 'up' : 'degraded'} (${status.state.light ? 'light' : 'full'}, ${status.state.subnet})\n`);
        for (const h of status.hosts) {
          process.stdout.write(`  ${h.name.padEnd(14)} ${h.address.padEnd(15)} ${h.reachable ? 'reachable' : !h.running ? 'stopped' : !h.netns ? 'running, network namespace gone (run `lab up` to rebuild)' : 'running, ssh not answering'}\n`);
        }
        return status.up ? 0 : 1;
      }
      case 'inventory': {
        try {
          process.stdout.write(readFileSync(labInventoryPath(), 'utf8'));
          return 0;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EACCES') {
            throw new LabError(`cannot read ${labInventoryPath()}: permission denied (the lab belongs to root; run this with sudo)`);
          }
          throw new LabError('no lab inventory: the lab is down (run `run-playbook lab up`)');
        }
      }
      case 'deps': {
        await ensurePackages(log);
        return 0;
      }
      case 'prepare': {
        const started = Date.now();
        await labPrepare(log);
        process.stdout.write(`lab prepared in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new LabError(`unknown lab command '${args.command}'\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof LabError) {
      process.stderr.write(`lab: error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
