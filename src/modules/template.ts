import { readFileSync, statSync } from 'node:fs';
import { ModuleError } from '../core/errors.js';
import { defineModule, type ModuleContext, type Change, type FromSchema, type Plan } from '../core/registry.js';
import { attributeProperties, sourceModeProperty } from './support/attributeSchema.js';
import { applyFileChanges, fileResult, planContentTarget, readContentTarget, type ContentTarget } from './support/contentFile.js';
import { modeProblem } from './support/fileMode.js';
import { findLocalSource } from './support/localSource.js';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: "Handlebars template on the controller; a relative path is looked up in the role's templates/, then the playbook's." },
    dest: { type: 'string', description: 'Where the rendered file goes on the host.' },
    ...attributeProperties,
    ...sourceModeProperty,
    backup: { type: 'boolean', description: 'Keep a timestamped copy of the file being replaced (default false).' },
    force: { type: 'boolean', description: 'Replace a file whose content differs (default true); false only creates a missing file.' },
    validate: { type: 'string', description: "A command run on the rendered temp file before it replaces dest; %s is its path: 'visudo -cf %s'." },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export function checkFileArgs(args: { mode?: string | number | undefined }, opts: { preserve?: boolean } = {}): void {
  if (args.mode === 'preserve') {
    if (opts.preserve) return;
    throw new ModuleError("mode 'preserve' only works with copy and template (the source file's mode); give an octal or symbolic mode");
  }
  const problem = args.mode !== undefined ? modeProblem(args.mode) : undefined;
  if (problem) throw new ModuleError(problem);
}

/** `mode: preserve` (copy, template) means the source file's own mode, as in Ansible. */
export function withSourceMode<A extends { mode?: string | number | undefined }>(args: A, srcMode: number | undefined): A {
  if (args.mode !== 'preserve') return args;
  return { ...args, mode: (srcMode ?? 0o644).toString(8).padStart(4, '0') };
}

export function planTemplate(current: ContentTarget, args: Args): Plan {
  if (current.state.exists && current.state.type === 'directory') {
    throw new ModuleError(`dest ${args.dest} is a directory; give the full path of the file to write`);
  }
  const a = withSourceMode(args, current.srcMode);
  const changes: Change[] = planContentTarget(current, { owner: a.owner, group: a.group, mode: a.mode }, { force: a.force });
  return { changes, result: fileResult(a.dest, current.state, current.data, a) };
}

export default defineModule<typeof schema, ContentTarget>({
  name: 'template',
  schema,
  meta: {
    description: 'Renders a Handlebars template on the controller and writes it to the host atomically; sends nothing when the content hash already matches.',
    ansible: 'ansible.builtin.template',
    example: '- name: Configure Redis\n  template:\n    src: redis.conf.hbs\n    dest: /etc/redis/redis.conf\n    owner: redis\n    mode: "0640"\n    backup: true\n  notify: restart redis',
    returns: {
      dest: 'Path of the file on the host.',
      checksum: 'sha1 of the rendered content.',
      size: 'Size in bytes.',
      mode: 'Mode of the file, e.g. 0640.',
      owner: 'Owner of the file.',
      group: 'Group of the file.',
      backup_file: 'The backup copy, when backup made one.',
    },
  },
  async read(ctx: ModuleContext, args: Args): Promise<ContentTarget> {
    checkFileArgs(args, { preserve: true });
    const file = findLocalSource(args.src, ctx.searchPaths.templates, 'template');
    const rendered = ctx.renderTemplate(readFileSync(file, 'utf8'), file);
    const target = await readContentTarget(ctx, args.dest, Buffer.from(rendered, 'utf8'));
    return args.mode === 'preserve' ? { ...target, srcMode: statSync(file).mode & 0o7777 } : target;
  },
  plan: (current: ContentTarget, args: Args) => planTemplate(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: ContentTarget) {
    const out = await applyFileChanges(ctx, plan.changes, current.state, withSourceMode(args, current.srcMode));
    return { result: { ...plan.result, ...out } };
  },
});
