/** Pure parsing and planning for apt: tested as tables, no host. */

export interface PackageSpec {
  name: string;
  /** From `name=version`. */
  version?: string;
}

export function parseSpec(spec: string): PackageSpec {
  const i = spec.indexOf('=');
  return i > 0 ? { name: spec.slice(0, i), version: spec.slice(i + 1) } : { name: spec };
}

export interface Installed {
  /** dpkg's status word: installed, config-files, half-installed, not-installed, ... */
  status: string;
  version: string;
}

/** `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'` → name → state. Lines for unknown names never appear. */
export function parseDpkgQuery(out: string): Map<string, Installed> {
  const map = new Map<string, Installed>();
  for (const line of out.split('\n')) {
    const [pkg, status, version] = line.split('\t');
    if (!pkg || status === undefined) continue;
    // "install ok installed" → the last word is the state.
    const word = status.trim().split(/\s+/).pop() ?? '';
    const prev = map.get(pkg);
    // Multi-arch packages appear once per architecture; any installed one counts.
    if (!prev || word === 'installed') map.set(pkg, { status: word, version: version ?? '' });
  }
  return map;
}

export interface Policy {
  installed?: string;
  candidate?: string;
}

/** `apt-cache policy a b` → name → {installed, candidate}; "(none)" means absent. Unknown names are simply missing. */
export function parseAptPolicy(out: string): Map<string, Policy> {
  const map = new Map<string, Policy>();
  let current: Policy | undefined;
  for (const line of out.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      current = {};
      map.set(head[1]!, current);
      continue;
    }
    const field = /^\s+(Installed|Candidate):\s*(.*)$/.exec(line);
    if (field && current) {
      const value = field[2]!.trim();
      if (value !== '(none)' && value !== '') current[field[1] === 'Installed' ? 'installed' : 'candidate'] = value;
    }
  }
  return map;
}

export interface AptCurrent {
  packages: Map<string, Installed>;
  /** Only filled when needed: state latest, or packages not installed. */
  policy: Map<string, Policy>;
  /** Seconds since apt's last successful update; undefined when never updated. */
  cacheAge?: number;
  /** A .deb given with deb: its package name and version. */
  deb?: { name: string; version: string; path: string };
  /** Packages `apt-get -s upgrade` would change. */
  upgradable?: string[];
  /** Packages `apt-get -s autoremove` would remove. */
  autoremovable?: string[];
}

export interface AptArgs {
  names: PackageSpec[];
  state: 'present' | 'absent' | 'latest';
  update_cache?: boolean;
  cache_valid_time?: number;
  purge?: boolean;
  autoremove?: boolean;
  upgrade?: 'no' | 'yes' | 'safe' | 'full' | 'dist';
}

export type AptStep =
  | { kind: 'update' }
  | { kind: 'install'; specs: string[] }
  | { kind: 'remove'; names: string[]; purge: boolean }
  | { kind: 'autoremove'; purge: boolean }
  | { kind: 'upgrade'; mode: 'yes' | 'safe' | 'full' | 'dist' }
  | { kind: 'deb'; path: string };

export function cacheUpdateNeeded(args: AptArgs, cur: AptCurrent): boolean {
  if (args.cache_valid_time !== undefined) return cur.cacheAge === undefined || cur.cacheAge > args.cache_valid_time;
  return args.update_cache === true;
}

const isInstalled = (i: Installed | undefined): boolean => i?.status === 'installed';

/** Pure: what to do. Unknown packages are reported by read(), which can tell them apart from not-installed ones. */
export function planAptSteps(args: AptArgs, cur: AptCurrent): { steps: AptStep[]; summaries: string[] } {
  const steps: AptStep[] = [];
  const summaries: string[] = [];
  if (cacheUpdateNeeded(args, cur)) {
    steps.push({ kind: 'update' });
    summaries.push(cur.cacheAge === undefined ? 'update the apt cache (never updated)' : `update the apt cache (${Math.round(cur.cacheAge / 60)} min old)`);
  }
  if (cur.deb) {
    const have = cur.packages.get(cur.deb.name);
    if (!isInstalled(have) || have!.version !== cur.deb.version) {
      steps.push({ kind: 'deb', path: cur.deb.path });
      summaries.push(`install ${cur.deb.name} ${cur.deb.version} from ${cur.deb.path}`);
    }
  }
  if (args.state === 'absent') {
    const remove = args.names
      .filter((s) => {
        const have = cur.packages.get(s.name);
        return isInstalled(have) || (args.purge === true && have?.status === 'config-files');
      })
      .map((s) => s.name);
    if (remove.length > 0) {
      steps.push({ kind: 'remove', names: remove, purge: args.purge === true });
      summaries.push(`${args.purge ? 'purge' : 'remove'} ${remove.join(', ')}`);
    }
  } else {
    const install: string[] = [];
    for (const s of args.names) {
      const have = cur.packages.get(s.name);
      if (s.version !== undefined) {
        if (!isInstalled(have) || have!.version !== s.version) install.push(`${s.name}=${s.version}`);
      } else if (!isInstalled(have)) install.push(s.name);
      else if (args.state === 'latest') {
        const candidate = cur.policy.get(s.name)?.candidate;
        if (candidate !== undefined && candidate !== have!.version) install.push(s.name);
      }
    }
    if (install.length > 0) {
      steps.push({ kind: 'install', specs: install });
      summaries.push(`install ${install.join(', ')}`);
    }
  }
  if (args.upgrade && args.upgrade !== 'no' && (cur.upgradable === undefined || cur.upgradable.length > 0)) {
    steps.push({ kind: 'upgrade', mode: args.upgrade });
    summaries.push(cur.upgradable ? `upgrade ${cur.upgradable.length} packages: ${cur.upgradable.slice(0, 10).join(', ')}${cur.upgradable.length > 10 ? ', …' : ''}` : 'upgrade packages');
  }
  const removing = steps.some((s) => s.kind === 'remove');
  if (args.autoremove && (removing || cur.autoremovable === undefined || cur.autoremovable.length > 0)) {
    steps.push({ kind: 'autoremove', purge: args.purge === true });
    summaries.push('remove packages no longer needed (autoremove)');
  }
  return { steps, summaries };
}

/** `apt-get -s upgrade|autoremove` lines `Inst name [old] (new ...)` / `Remv name [old]` → names. */
export function parseSimulation(out: string, verb: 'Inst' | 'Remv'): string[] {
  const re = new RegExp(`^${verb} (\\S+)`);
  return out.split('\n').map((l) => re.exec(l)?.[1]).filter((n): n is string => n !== undefined);
}

export function aptLockBusy(stderr: string): boolean {
  return /Could not get lock|Unable to lock|is another process using it|Unable to acquire the dpkg frontend lock/i.test(stderr);
}
