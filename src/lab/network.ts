/**
 * The lab's network: one bridge owning the lab /24, one network namespace per host joined to it by a veth pair,
 * NAT from the bridge to the outside (so apt inside a host reaches Debian), and ip_forward, restored by `down`.
 * Every object is named with the lab prefix and every rule carries the lab comment, so cleanup touches nothing else.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { attempt, must, run } from './exec.js';
import { BRIDGE_NAME, NAME_PREFIX, NAT_COMMENT, netnsName } from './paths.js';
import { saveState, type HostRecord, type LabState } from './state.js';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export async function createBridge(state: LabState): Promise<void> {
  state.bridgeCreated = true;
  saveState(state);
  await must('ip', ['link', 'add', state.bridge, 'type', 'bridge']);
  await must('ip', ['addr', 'add', `${state.bridgeAddress}/24`, 'dev', state.bridge]);
  await must('ip', ['link', 'set', state.bridge, 'up']);
}

export async function enableForwarding(state: LabState): Promise<void> {
  const before = readFileSync(IP_FORWARD, 'utf8').trim();
  if (before === '1') return;
  state.ipForwardBefore = before;
  saveState(state);
  writeFileSync(IP_FORWARD, '1\n');
}

/** NAT out of the lab, and FORWARD accepts in case the machine's FORWARD policy drops (as Docker sets it). */
export async function addNat(state: LabState): Promise<void> {
  const tag = ['-m', 'comment', '--comment', NAT_COMMENT];
  const rules: string[][] = [
    ['nat', 'POSTROUTING', '-s', state.subnet, '!', '-o', state.bridge, ...tag, '-j', 'MASQUERADE'],
    ['filter', 'FORWARD', '-i', state.bridge, ...tag, '-j', 'ACCEPT'],
    ['filter', 'FORWARD', '-o', state.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'],
  ];
  for (const rule of rules) {
    const [table, chain, ...spec] = rule;
    state.iptablesRules.push(rule);
    saveState(state);
    await must('iptables', ['-w', '-t', table, '-I', chain, ...spec]);
  }
}

export async function createHostNetwork(state: LabState, host: HostRecord): Promise<void> {
  await must('ip', ['netns', 'add', host.netns]);
  await must('ip', ['link', 'add', host.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns]);
  await must('ip', ['link', 'set', host.veth, 'master', state.bridge, 'up']);
  const inNs = (args: string[]): Promise<string> => must('ip', ['-n', host.netns, ...args]);
  await inNs(['addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
  await inNs(['link', 'set', 'eth0', 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['route', 'add', 'default', 'via', state.bridgeAddress]);
}

/** Cut or restore a host's cable: packets to it vanish (a timeout, like a real network failure), nothing is refused. */
export async function setHostLink(host: HostRecord, up: boolean): Promise<void> {
  await must('ip', ['link', 'set', host.veth, up ? 'up' : 'down']);
}

export async function removeHostNetwork(host: HostRecord): Promise<string[]> {
  const problems: string[] = [];
  if (await linkExists(host.veth)) push(problems, await attempt('ip', ['link', 'del', host.veth]));
  if (existsSync(`/run/netns/${host.netns}`)) push(problems, await attempt('ip', ['netns', 'del', host.netns]));
  return problems;
}

export async function removeNetwork(state: LabState): Promise<string[]> {
  const problems: string[] = [];
  for (const rule of [...state.iptablesRules].reverse()) {
    const [table, chain, ...spec] = rule;
    const check = await run('iptables', ['-w', '-t', table, '-C', chain, ...spec]);
    if (check.code === 0) push(problems, await attempt('iptables', ['-w', '-t', table, '-D', chain, ...spec]));
  }
  state.iptablesRules = [];
  if (state.bridgeCreated && (await linkExists(state.bridge))) push(problems, await attempt('ip', ['link', 'del', state.bridge]));
  if (state.ipForwardBefore !== undefined) {
    try {
      writeFileSync(IP_FORWARD, `${state.ipForwardBefore}\n`);
    } catch (e) {
      problems.push(`restoring net.ipv4.ip_forward: ${(e as Error).message}`);
    }
  }
  return problems;
}

/**
 * Removes lab objects no state file describes (a crash before the state was written): namespaces and links carrying
 * the lab prefix, iptables rules carrying the lab comment. Only lab-named objects can match.
 */
export async function sweepNetwork(): Promise<string[]> {
  const problems: string[] = [];
  const netns = (await run('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${NAME_PREFIX}-`));
  for (const n of netns) push(problems, await attempt('ip', ['netns', 'del', n]));
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && (n.startsWith(`${NAME_PREFIX}-`) || n === BRIDGE_NAME));
  for (const l of links) push(problems, await attempt('ip', ['link', 'del', l]));
  for (const [table, chain] of [['nat', 'POSTROUTING'], ['filter', 'FORWARD']] as const) {
    const listed = await run('iptables', ['-w', '-t', table, '-S', chain]);
    for (const line of listed.stdout.split('\n')) {
      if (!isLabRule(line)) continue;
      const spec = splitRule(line.replace(/^-A \S+ /, ''));
      push(problems, await attempt('iptables', ['-w', '-t', table, '-D', chain, ...spec]));
    }
  }
  return problems;
}

/**
 * The comment must match as a whole word: the default lab's `run-playbook-lab` is a prefix of lab 4's
 * `run-playbook-lab-4`, and a substring test made the default lab's sweep delete the other labs' NAT rules.
 */
export function isLabRule(line: string, comment: string = NAT_COMMENT): boolean {
  return splitRule(line).some((word, i, words) => word === comment && words[i - 1] === '--comment');
}

/** `iptables -S` quotes comments containing spaces; ours has none, so whitespace splitting is exact for lab rules. */
function splitRule(text: string): string[] {
  return text.trim().split(/\s+/).map((w) => w.replace(/^"(.*)"$/, '$1'));
}

export async function linkExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', name])).code === 0;
}

export function netnsExists(host: string): boolean {
  return existsSync(`/run/netns/${netnsName(host)}`);
}

function push(problems: string[], problem: string | undefined): void {
  if (problem) problems.push(problem);
}
