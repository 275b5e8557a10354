import { ModuleError } from '../core/errors.js';
import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { editedPathProperties, validatedFileProperties } from './support/attributeSchema.js';
import { expandTemplate, pythonRegex } from './support/pythonRegex.js';
import { applyTextEdit, planTextEdit, readTextFile, type TextEditOutcome, type TextFileState } from './support/textFile.js';
import { pathOf } from './file.js';
import { checkFileArgs } from './template.js';

const schema = {
  type: 'object',
  properties: {
    ...editedPathProperties,
    regexp: { type: 'string', description: 'Python-style regular expression, searched in the whole file in multiline mode (^ and $ match at each line); every match is replaced. (?P<name>…) groups work.' },
    replace: { type: 'string', description: "What each match becomes; empty (the default) deletes it. \\1, \\g<1> and \\g<name> refer to regexp groups; \\n is a newline." },
    after: { type: 'string', description: 'Only replace in the text after the first match of this regular expression (dot matches newlines).' },
    before: { type: 'string', description: 'Only replace in the text before the last match of this regular expression (with after: the first match after it).' },
    backup: { type: 'boolean', description: 'Keep a timestamped copy of the file before changing it (default false).' },
    encoding: { type: 'string', description: "The file's character encoding; only utf-8 (the default) and its subset ascii are supported." },
    ...validatedFileProperties,
  },
  required: ['regexp'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/** Aliases folded into the Ansible names, so the rest of the module sees one spelling. */
export function replaceArgs(args: Args) {
  const path = args.path ?? args.dest ?? args.destfile ?? args.name;
  if (!path) throw new ModuleError('replace: path is required (or its aliases dest, destfile, name)');
  return { ...args, path: pathOf({ path }), replace: args.replace ?? '' };
}

/** Files are read and written as UTF-8: any other encoding would be changed silently, so it is refused up front. */
function checkEncoding(encoding: string | undefined): void {
  if (encoding === undefined || /^(utf-?8|ascii|us-ascii)$/i.test(encoding)) return;
  throw new ModuleError(`replace: encoding ${encoding} is not supported (files are read and written as UTF-8)`);
}

/**
 * Python's re.subn: every non-overlapping match replaced, the template expanded per match. Returns the new text
 * and the number of matches. An empty match advances one character, as JavaScript's replaceAll does.
 */
export function pythonSubn(re: RegExp, template: string, text: string): [string, number] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let out = '';
  let last = 0;
  let count = 0;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    out += text.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    count++;
    if (m[0].length === 0) g.lastIndex++;
  }
  return [out + text.slice(last), count];
}

/** Ansible's replace.py main(): the section between after/before, then re.subn in MULTILINE mode. Pure. */
export function replaceText(content: string, args: { regexp: string; replace?: string | undefined; after?: string | undefined; before?: string | undefined }): TextEditOutcome & { count: number } {
  let pattern = '';
  if (args.after && args.before) pattern = `${args.after}(?P<subsection>.*?)${args.before}`;
  else if (args.after) pattern = `${args.after}(?P<subsection>.*)`;
  else if (args.before) pattern = `(?P<subsection>.*)${args.before}`;
  let section = content;
  let start = 0;
  let end = content.length;
  if (pattern) {
    // 'd' gives the group's offsets (Python's match.start('subsection')), 's' is Python's re.DOTALL
    const m = pythonRegex(pattern, 'sd').exec(content);
    const span = m?.indices?.groups?.subsection;
    if (!m || !span) return { content, changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}`, count: 0 };
    [start, end] = span;
    section = content.slice(start, end);
  }
  const [replaced, count] = pythonSubn(pythonRegex(args.regexp, 'gm'), args.replace ?? '', section);
  if (count === 0 || replaced === section) return { content, changed: false, msg: '', count };
  return { content: content.slice(0, start) + replaced + content.slice(end), changed: true, msg: `${count} replacements made`, count };
}

export function planReplace(current: TextFileState, args: Args): Plan {
  const a = replaceArgs(args);
  // Ansible fails on a missing file (rc 257); under --check it may be one an earlier task only planned
  if (!current.state.exists && !current.check) throw new ModuleError(`Path ${current.path} does not exist !`, { rc: 257 });
  let outcome: TextEditOutcome | undefined;
  const edit = (text: string | undefined): TextEditOutcome => {
    try {
      return (outcome = replaceText(text ?? '', a));
    } catch (e) {
      // an invalid after/before pattern is the task's fault, not an internal error
      throw new ModuleError(`replace: ${(e as Error).message}`);
    }
  };
  const plan = planTextEdit(current, { ...a, create: false }, edit, { absentIsNoop: false, module: 'replace' });
  const kinds = plan.changes.map((c) => (c.detail as { kind?: string } | undefined)?.kind);
  const content = kinds.includes('content');
  const attrs = kinds.includes('attributes');
  // check_file_attrs: attribute changes are appended to the replacement message, as Ansible words it
  if (outcome && content && attrs) plan.result = { ...plan.result, msg: `${outcome.msg} and ownership, perms or SE linux context changed` };
  else if (outcome && !outcome.changed && !attrs) plan.result = { ...plan.result, msg: outcome.msg };
  // Ansible's replace always returns rc 0 on success
  plan.result = { rc: 0, ...plan.result };
  return plan;
}

export default defineModule<typeof schema, TextFileState>({
  name: 'replace',
  schema,
  meta: {
    description: "Replaces every match of a regular expression in a file (Python's re.sub in multiline mode), optionally only between the after and before markers.",
    ansible: 'ansible.builtin.replace',
    example: '- name: Listen on every address\n  replace:\n    path: /etc/redis/redis.conf\n    regexp: \'^bind (?P<addr>\\S+)$\'\n    replace: \'bind 0.0.0.0 # was \\g<addr>\'\n    backup: true',
    returns: { rc: '0 (as Ansible returns it).', msg: "'N replacements made', '' when nothing matched, or why the before/after section was not found.", backup_file: 'The backup copy, when backup made one.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<TextFileState> {
    const a = replaceArgs(args);
    checkFileArgs(a);
    checkEncoding(a.encoding);
    try {
      pythonRegex(a.regexp);
    } catch (e) {
      throw new ModuleError(`replace: ${(e as Error).message}`);
    }
    return readTextFile(ctx, a.path);
  },
  plan: (current: TextFileState, args: Args) => planReplace(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: TextFileState) {
    const { backup, ...result } = await applyTextEdit(ctx, plan, current, replaceArgs(args));
    return { result: { ...result, ...(backup ? { backup_file: backup } : {}) } };
  },
});
