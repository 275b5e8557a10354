import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { sh, Raw, type Command } from '../core/sh.js';
import { failure, splitSections, text, sleep } from './system/remote.js';
import {
  parseSpec, parseDpkgQuery, parseAptPolicy, parseSimulation, planAptSteps, cacheUpdateNeeded, aptLockBusy,
  type AptCurrent, type AptArgs, type AptStep, type PackageSpec,
} from './system/aptState.js';

const nameList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { ...nameList, description: 'Package(s): a name, a list, or a comma-separated string; `name=version` pins a version (alias pkg).' },
    pkg: { ...nameList, description: 'Alias of name.' },
    state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present', description: 'present: installed (any version unless pinned); latest: the candidate version; absent: removed.' },
    update_cache: { type: 'boolean', default: false, description: 'Run apt-get update first. Without cache_valid_time, an update that is the task\'s only change counts as one only when apt fetched new package lists (as in Ansible), so `update_cache: true` alone is ok on the next run.' },
    cache_valid_time: { type: 'integer', minimum: 0, description: 'Update the cache only when older than this many seconds (implies update_cache). The age is the mtime of /var/lib/apt/periodic/update-success-stamp, else of /var/lib/apt/lists; a host with no package lists counts as never updated. Refreshing a cache older than that counts as a change (Ansible counts it only when the lists changed); the next run within the time is ok.' },
    install_recommends: { type: 'boolean', description: 'Install recommended packages too; unset: apt\'s own default.' },
    purge: { type: 'boolean', default: false, description: 'With absent/autoremove: remove configuration files too.' },
    autoremove: { type: 'boolean', default: false, description: 'Remove packages nothing depends on any more (only a change when there are some).' },
    deb: { type: 'string', description: 'Absolute path of a .deb file on the host to install (with its dependencies).' },
    upgrade: { type: 'string', enum: ['no', 'yes', 'safe', 'full', 'dist'], default: 'no', description: 'Upgrade installed packages: yes/safe (apt-get upgrade --with-new-pkgs), full/dist (dist-upgrade). A change only when apt-get -s shows something to do.' },
    allow_downgrade: { type: 'boolean', default: false, description: 'Allow a pinned version lower than the installed one.' },
    default_release: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._+~-]*$', description: 'Prefer packages from this release (APT::Default-Release, apt-get -t), e.g. bookworm-backports.' },
    force_apt_get: { type: 'boolean', description: 'Accepted for Ansible compatibility: this module always uses apt-get.' },
    lock_timeout: { type: 'integer', minimum: 0, default: 120, description: 'Seconds to wait while another process (often apt-daily on a fresh host) holds the dpkg/apt lock.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

function specsOf(args: Args): PackageSpec[] {
  const raw = [args.name, args.pkg].flatMap((v) => (v === undefined ? [] : typeof v === 'string' ? v.split(',') : [...v]));
  const specs = raw.map((s) => s.trim()).filter((s) => s !== '').map(parseSpec);
  for (const s of specs) {
    // A leading dash would be read as an option by apt-get and dpkg-query, which know no `--`.
    if (s.name.startsWith('-')) throw new ModuleError(`apt: "${s.name}" is not a package name`);
  }
  return specs;
}

function aptArgs(args: Args): AptArgs {
  return {
    names: specsOf(args),
    state: args.state ?? 'present',
    ...(args.update_cache !== undefined ? { update_cache: args.update_cache } : {}),
    ...(args.cache_valid_time !== undefined ? { cache_valid_time: args.cache_valid_time } : {}),
    purge: args.purge ?? false,
    autoremove: args.autoremove ?? false,
    upgrade: args.upgrade ?? 'no',
  };
}

const DPKG_FORMAT = '${Package}\\t${Status}\\t${Version}\\n';
/**
 * Ends the update command's output: `same` when apt replaced no list file. As in Ansible, an update that brought
 * nothing new is not a change, so `apt: update_cache=yes` alone is ok on the next run.
 */
const LISTS_MARK = '@@apt-lists ';

/** Pure: the update output without the mark, and whether the lists changed (true when the mark is missing). */
export function listsChanged(out: string): { out: string; changed: boolean } {
  const i = out.lastIndexOf(LISTS_MARK);
  if (i < 0) return { out, changed: true };
  return { out: out.slice(0, i), changed: !out.slice(i + LISTS_MARK.length).startsWith('same') };
}
const ENV = new Raw('DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a');

type Current = AptCurrent & { warnings: string[] };

export default defineModule<typeof schema, Current>({
  name: 'apt',
  schema,
  meta: {
    description: 'Installs, upgrades and removes Debian packages with apt-get; compares installed versions (dpkg-query, one call) and changes only what differs. Waits, bounded, for the dpkg lock.',
    ansible: 'ansible.builtin.apt',
    example: '- apt:\n    name: [build-essential, tcl, pkg-config]\n    state: present\n    update_cache: true\n    cache_valid_time: 3600',
    returns: { packages: 'Packages installed, upgraded or removed.', cache_updated: 'Whether apt-get update ran.', stdout: 'apt-get output (last lines).' },
  },
  async read(ctx, rawArgs): Promise<Current> {
    const args = aptArgs(rawArgs);
    const names = args.names.map((s) => s.name);
    const warnings: string[] = [];
    const parts: Command[] = [];
    if (names.length > 0) parts.push(sh`echo @@dpkg; dpkg-query -W -f=${DPKG_FORMAT} ${names} 2>/dev/null`);
    parts.push(sh`echo @@age; if ls /var/lib/apt/lists/ 2>/dev/null | grep -q _Packages; then stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists; fi; echo @@now; date +%s`);
    if (rawArgs.deb !== undefined) parts.push(sh`echo @@deb; dpkg-deb -f ${rawArgs.deb} Package Version`);
    if (args.upgrade !== 'no') parts.push(sh`echo @@upgrade; apt-get -s -q ${args.upgrade === 'full' || args.upgrade === 'dist' ? 'dist-upgrade' : 'upgrade'} 2>/dev/null`);
    if (args.autoremove) parts.push(sh`echo @@autoremove; apt-get -s -q autoremove 2>/dev/null`);
    const script: Command = { text: parts.map((p) => p.text).join('; '), display: parts.map((p) => p.display).join('; ') };
    const r = await ctx.run(script, { capture: true, signal: ctx.signal });
    const out = splitSections(text(r.stdout));
    const ageStamp = Number((out['age'] ?? '').trim());
    const now = Number((out['now'] ?? '').trim());
    const current: Current = {
      packages: parseDpkgQuery(out['dpkg'] ?? ''),
      policy: new Map(),
      warnings,
      ...((out['age'] ?? '').trim() !== '' && Number.isFinite(ageStamp) ? { cacheAge: Math.max(0, now - ageStamp) } : {}),
      ...(out['upgrade'] !== undefined ? { upgradable: parseSimulation(out['upgrade'], 'Inst') } : {}),
      ...(out['autoremove'] !== undefined ? { autoremovable: parseSimulation(out['autoremove'], 'Remv') } : {}),
    };
    if (rawArgs.deb !== undefined) {
      const [name, version] = (out['deb'] ?? '').split('\n').map((l) => l.replace(/^\w+:\s*/, '').trim());
      if (!name || !version) {
        if (!ctx.check) throw new ModuleError(`apt: ${rawArgs.deb} is not a readable .deb file on ${ctx.host}`);
        warnings.push(`${rawArgs.deb} is not on the host yet: assumed to come from an earlier task (a real run fails if none puts it there)`);
      } else {
        current.deb = { name, version, path: rawArgs.deb };
        if (!current.packages.has(name)) {
          const q = await ctx.run(sh`dpkg-query -W -f=${DPKG_FORMAT} ${name} 2>/dev/null`, { capture: true, signal: ctx.signal });
          for (const [k, v] of parseDpkgQuery(text(q.stdout))) current.packages.set(k, v);
        }
      }
    }
    // apt-cache policy: candidates for latest, and to tell "not installed" from "unknown" (a clear error, not apt's).
    const missing = args.state === 'absent' ? [] : args.names.filter((s) => current.packages.get(s.name)?.status !== 'installed' && s.version === undefined).map((s) => s.name);
    const ask = args.state === 'latest' ? names : missing;
    if (ask.length > 0) {
      const p = await ctx.run(sh`apt-cache${releaseOption(rawArgs.default_release)} policy ${ask}`, { capture: true, signal: ctx.signal });
      current.policy = parseAptPolicy(text(p.stdout));
      const unknown = missing.filter((n) => current.policy.get(n)?.candidate === undefined);
      // After an update (planned in this task, or only planned by an earlier one under --check) they may appear.
      if (unknown.length > 0 && !cacheUpdateNeeded(args, current)) {
        const msg = `unknown package${unknown.length > 1 ? 's' : ''} (no installation candidate): ${unknown.join(', ')}`;
        if (!ctx.check) {
          throw new ModuleError(`apt: ${msg}`, { hint: 'check the name, or refresh the package lists with update_cache: true' });
        }
        warnings.push(`${msg}; an earlier apt update may add it`);
      }
    }
    return current;
  },
  plan(current, rawArgs) {
    const { steps, summaries } = planAptSteps(aptArgs(rawArgs), current);
    return {
      changes: steps.map((step, i) => ({
        summary: summaries[i]!,
        detail: step,
        ...(step.kind === 'install' || step.kind === 'remove' ? { diff: diffOf(step, current) } : {}),
      })),
      warnings: current.warnings,
      result: { cache_updated: false, packages: [] },
    };
  },
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    const lockTimeout = args.lock_timeout ?? 120;
    const deadline = Date.now() + lockTimeout * 1000;
    const base = new Raw(`-q -y -o DPkg::Lock::Timeout=${lockTimeout} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold${releaseOption(args.default_release).text}`);
    const recommends = new Raw(args.install_recommends === undefined ? '' : ` -o APT::Install-Recommends=${args.install_recommends ? 'yes' : 'no'}`);
    const downgrade = new Raw(args.allow_downgrade ? ' --allow-downgrades' : '');
    const packages: string[] = [];
    const warnings: string[] = [];
    let cacheUpdated = false;
    let listsNew = false;
    let lastOut = '';
    for (const change of plan.changes) {
      const step = change.detail as AptStep;
      const cmd = commandFor(step, base, recommends, downgrade);
      for (;;) {
        // apt itself waits for the lock (DPkg::Lock::Timeout) and says so on its output: pass that on to the user.
        const lock = lockWatcher((m) => ctx.log(`apt: ${m}; waiting (up to ${lockTimeout} s)`));
        const r = await ctx.run(cmd, { capture: true, signal: ctx.signal, env: { DEBIAN_FRONTEND: 'noninteractive' }, onOutput: lock.onOutput });
        const waited = lock.waited();
        if (waited) warnings.push(`waited ${waited.seconds} s for the dpkg/apt lock (${waited.holder})`);
        if (r.code === 0) {
          lastOut = text(r.stdout);
          break;
        }
        if (aptLockBusy(text(r.stderr)) && Date.now() < deadline) {
          ctx.log(`apt: another process holds the dpkg/apt lock; waiting (up to ${lockTimeout} s)`);
          await sleep(3000, ctx.signal);
          continue;
        }
        throw failure(`apt ${step.kind}`, cmd, r);
      }
      if (step.kind === 'update') {
        const lists = listsChanged(lastOut);
        lastOut = lists.out;
        // With cache_valid_time the update ran because the cache was old, and is recorded (the stamp): a change.
        cacheUpdated = lists.changed || args.cache_valid_time !== undefined;
        listsNew = cacheUpdated;
      }
      if (step.kind === 'install') packages.push(...step.specs);
      if (step.kind === 'remove') packages.push(...step.names);
      if (step.kind === 'deb') packages.push(step.path);
    }
    const onlyUpdate = plan.changes.every((c) => (c.detail as AptStep).kind === 'update');
    return { ...(onlyUpdate && !listsNew ? { changed: false } : {}), result: { cache_updated: cacheUpdated, packages, stdout: cleanOutput(lastOut) }, warnings };
  },
});

/** ` -o APT::Default-Release=X` (the schema's pattern keeps X free of shell and apt syntax), or nothing. */
function releaseOption(release: string | undefined): Raw {
  // A templated value is only known at run time, after the load-time schema check: check it again here.
  if (release !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/.test(release)) throw new ModuleError(`apt: "${release}" is not a release name`);
  return new Raw(release === undefined ? '' : ` -o APT::Default-Release=${release}`);
}

/** Watches apt's output for "Waiting for cache lock: <who holds it>" and measures how long that lasted. */
function lockWatcher(onFirst: (message: string) => void): {
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  waited(): { seconds: number; holder: string } | undefined;
} {
  let firstAt: number | undefined;
  let lastAt = 0;
  let holder = '';
  const pending = { stdout: '', stderr: '' };
  return {
    onOutput(stream, chunk) {
      // A message may arrive split across chunks: only complete lines count.
      const lines = (pending[stream] + chunk.toString('utf8')).split(/\r?\n|\r/);
      pending[stream] = (lines.pop() ?? '').slice(-1000);
      const m = lines.map((l) => /Waiting for cache lock: (.*)$/.exec(l)).filter((x) => x !== null).pop();
      if (!m) return;
      lastAt = Date.now();
      holder = m[1]!.replace(/\.+$/, '').trim();
      if (firstAt === undefined) {
        firstAt = lastAt;
        onFirst(holder);
      }
    },
    // apt repeats its message about once a second while it waits.
    waited: () => (firstAt === undefined ? undefined : { seconds: Math.max(1, Math.round((lastAt - firstAt) / 1000) + 1), holder }),
  };
}

/** The last lines of apt's output without its lock-wait and progress noise (`\r`-rewritten lines). */
function cleanOutput(out: string): string {
  return out
    .split('\n')
    .map((l) => l.replace(/\r$/, '').split('\r').pop() ?? '')
    .filter((l) => !l.startsWith('Waiting for cache lock:'))
    .slice(-20)
    .join('\n');
}

function commandFor(step: AptStep, base: Raw, recommends: Raw, downgrade: Raw): Command {
  switch (step.kind) {
    case 'update':
      // cache_valid_time reads this stamp: apt-get leaves /var/lib/apt/lists' mtime alone when nothing changed, and
      // on Debian only apt.systemd.daily writes the stamp, so without this every run would update again.
      // The lists folder's mtime before and after tells whether the update brought anything new (see LISTS_MARK).
      return sh`l0=$(stat -c %y /var/lib/apt/lists 2>/dev/null); ${ENV} apt-get ${base} update && { mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp; } && echo "${new Raw(LISTS_MARK)}$([ "$l0" = "$(stat -c %y /var/lib/apt/lists 2>/dev/null)" ] && echo same || echo new)"`;
    case 'install':
      return sh`${ENV} apt-get ${base}${recommends}${downgrade} install ${step.specs}`;
    case 'deb':
      return sh`${ENV} apt-get ${base}${recommends} install ${step.path}`;
    case 'remove':
      return sh`${ENV} apt-get ${base} ${step.purge ? 'purge' : 'remove'} ${step.names}`;
    case 'autoremove':
      return sh`${ENV} apt-get ${base} autoremove${new Raw(step.purge ? ' --purge' : '')}`;
    case 'upgrade':
      return step.mode === 'full' || step.mode === 'dist' ? sh`${ENV} apt-get ${base} dist-upgrade` : sh`${ENV} apt-get ${base} upgrade --with-new-pkgs`;
  }
}

function diffOf(step: AptStep, current: AptCurrent): { before: string; after: string } {
  const names = step.kind === 'install' ? step.specs.map((s) => parseSpec(s)) : step.kind === 'remove' ? step.names.map((n) => ({ name: n, version: undefined })) : [];
  const before = names.map((s) => `${s.name} ${current.packages.get(s.name)?.status === 'installed' ? current.packages.get(s.name)!.version : '(not installed)'}`);
  const after = names.map((s) => `${s.name} ${step.kind === 'remove' ? '(removed)' : s.version ?? current.policy.get(s.name)?.candidate ?? '(installed)'}`);
  return { before: before.join('\n') + '\n', after: after.join('\n') + '\n' };
}
