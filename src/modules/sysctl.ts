import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { sh } from '../core/sh.js';
import { failure, splitSections, text } from './system/remote.js';
import { editSysctlFile, fileValue, normaliseSysctlValue } from './system/sysctlFile.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'The kernel setting, dotted (vm.overcommit_memory) (alias key).' },
    value: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], description: 'The wanted value (alias val); required with state present.' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'absent removes the setting from sysctl_file (the kernel value is left as is).' },
    sysctl_file: { type: 'string', default: '/etc/sysctl.conf', description: 'The file that keeps the setting across reboots.' },
    reload: { type: 'boolean', default: true, description: 'When the file changed, also set the running kernel value (if it differs).' },
    sysctl_set: { type: 'boolean', default: false, description: 'Also set the running kernel value when it differs (sysctl -w), even if the file is already right.' },
    ignore_unwritable: { type: 'boolean', default: false, description: 'Where /proc/sys is read-only (containers), warn instead of failing and only edit the file.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

interface Current {
  kernel: string | undefined;
  writable: boolean;
  file: string;
  fileExists: boolean;
  mode: number;
}

type Step = { kind: 'file'; content: string } | { kind: 'set'; value: string };

const valueText = (v: string | number | boolean | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === 'boolean' ? (v ? '1' : '0') : normaliseSysctlValue(String(v));

export function procPath(name: string): string {
  return `/proc/sys/${name.replace(/\./g, '/')}`;
}

/** Pure. */
export function planSysctl(cur: Current, args: Args): Plan {
  const file = args.sysctl_file ?? '/etc/sysctl.conf';
  const present = (args.state ?? 'present') === 'present';
  const value = valueText(args.value);
  if (present && value === undefined) return { changes: [], fail: `sysctl ${args.name}: value is required with state present` };
  const changes: Change[] = [];
  const warnings: string[] = [];
  const after = editSysctlFile(cur.file, args.name, present ? value : undefined);
  const fileChanged = after !== cur.file;
  if (fileChanged) {
    changes.push({ summary: `${present ? 'set' : 'remove'} ${args.name} in ${file}`, detail: { kind: 'file', content: after }, diff: { path: file, before: cur.file, after } });
  }
  const kernelDiffers = present && cur.kernel !== undefined && normaliseSysctlValue(cur.kernel) !== value;
  const touchKernel = present && ((fileChanged && args.reload !== false) || (args.sysctl_set === true && kernelDiffers));
  if (touchKernel && kernelDiffers && !cur.writable) {
    const msg = `/proc/sys is read-only on this host (a container?): cannot set ${args.name} in the running kernel`;
    if (!args.ignore_unwritable) return { changes: [], fail: `${msg}; set ignore_unwritable: true to only edit ${file}` };
    warnings.push(msg);
  } else if (touchKernel && kernelDiffers) {
    changes.push({ summary: `set ${args.name} = ${value} in the running kernel`, detail: { kind: 'set', value }, diff: { before: `${args.name} = ${cur.kernel}\n`, after: `${args.name} = ${value}\n` } });
  }
  return { changes, warnings, result: { name: args.name, value: present ? value : null, file_value: fileValue(after, args.name) ?? null } };
}

export default defineModule<typeof schema, Current>({
  name: 'sysctl',
  schema,
  meta: {
    description: 'Sets kernel parameters in a sysctl file (kept across reboots) and in the running kernel.',
    ansible: 'ansible.posix.sysctl',
    example: '- sysctl:\n    name: vm.overcommit_memory\n    value: "1"\n    sysctl_set: true',
    returns: { name: 'The setting.', value: 'Its wanted value.', file_value: 'Its value in sysctl_file after the task.' },
  },
  async read(ctx, args) {
    if (args.name.split('.').some((p) => p === '' || p === '..') || args.name.includes('/')) {
      throw new ModuleError(`sysctl: "${args.name}" is not a kernel setting name`);
    }
    const file = args.sysctl_file ?? '/etc/sysctl.conf';
    const proc = procPath(args.name);
    const r = await ctx.run(
      sh`echo @@kernel; cat -- ${proc} 2>/dev/null || echo @@nokernel; if [ -w ${proc} ]; then echo @@writable; fi; echo @@mode; stat -c %a -- ${file} 2>/dev/null; echo @@file; cat -- ${file} 2>/dev/null && { echo; echo @@exists; }`,
      { capture: true, signal: ctx.signal },
    );
    const out = splitSections(text(r.stdout));
    const kernel = out['nokernel'] !== undefined ? undefined : out['kernel'];
    if (kernel === undefined && !ctx.check && (args.state ?? 'present') === 'present') {
      throw new ModuleError(`sysctl: the kernel of ${ctx.host} has no setting ${args.name} (${proc} does not exist)`);
    }
    // The echo after cat keeps the file's last newline, which splitting the output into sections drops.
    const fileText = out['exists'] !== undefined ? out['file'] ?? '' : '';
    return {
      kernel: kernel?.replace(/\n$/, ''),
      writable: out['writable'] !== undefined,
      file: fileText,
      fileExists: out['exists'] !== undefined,
      mode: parseInt((out['mode'] ?? '').trim() || '644', 8),
    };
  },
  plan: (current, args) => planSysctl(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: Current) {
    const file = args.sysctl_file ?? '/etc/sysctl.conf';
    for (const change of plan.changes) {
      const s = change.detail as Step;
      if (s.kind === 'file') {
        await ctx.conn.put(file, Buffer.from(s.content), { mode: current.mode, ...(ctx.become ? { become: ctx.become } : {}) });
      } else {
        const cmd = sh`sysctl -q -w ${`${args.name}=${s.value}`}`;
        const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
        if (r.code !== 0) throw failure(`sysctl ${args.name}`, cmd, r);
      }
    }
    return { result: plan.result ?? {} };
  },
});
