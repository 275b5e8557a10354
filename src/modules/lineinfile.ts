import { ModuleError } from '../core/errors.js';
import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { createBackupProperties, editedPathProperties, validatedFileProperties } from './support/attributeSchema.js';
import { editLines, lineEditProblem } from './support/lineEdit.js';
import { applyTextEdit, planTextEdit, readTextFile, type TextFileState } from './support/textFile.js';
import { pathOf } from './file.js';
import { checkFileArgs } from './template.js';

const schema = {
  type: 'object',
  properties: {
    ...editedPathProperties,
    line: { type: 'string', description: 'The line that should be there (state present); with backrefs, \\1 and \\g<name> refer to regexp groups.' },
    value: { type: 'string', description: 'Alias of line.' },
    regexp: { type: 'string', description: 'Python-style regular expression: the LAST matching line is replaced (state present) or every matching line removed (absent). It must also match the new line, or each run adds the line again.' },
    regex: { type: 'string', description: 'Alias of regexp.' },
    search_string: { type: 'string', description: 'Literal text instead of regexp.' },
    state: { type: 'string', enum: ['present', 'absent'], description: 'present (default) or absent.' },
    insertafter: { type: 'string', description: 'When nothing matches: insert after the last line matching this regexp, or EOF (default) / BOF.' },
    insertbefore: { type: 'string', description: 'When nothing matches: insert before the last line matching this regexp, or BOF.' },
    ...createBackupProperties,
    backrefs: { type: 'boolean', description: 'Expand regexp groups in line; when regexp does not match, change nothing (default false).' },
    firstmatch: { type: 'boolean', description: 'Use the first match of regexp/insertafter/insertbefore instead of the last (default false).' },
    ...validatedFileProperties,
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/** Aliases folded into the Ansible names, so the rest of the module sees one spelling. */
export function lineArgs(args: Args) {
  return { ...args, path: pathOf({ path: args.path ?? args.destfile, dest: args.dest, name: args.name }), line: args.line ?? args.value, regexp: args.regexp ?? args.regex };
}

export function planLineinfile(current: TextFileState, args: Args): Plan {
  const a = lineArgs(args);
  const problem = lineEditProblem(a);
  if (problem) throw new ModuleError(problem);
  return planTextEdit(current, a, (content) => editLines(content ?? '', a), { absentIsNoop: a.state === 'absent', module: 'lineinfile' });
}

export default defineModule<typeof schema, TextFileState>({
  name: 'lineinfile',
  schema,
  meta: {
    description: "Ensures one line is in a file (or absent), with Ansible's exact semantics: the last match of regexp is replaced, otherwise the line is inserted.",
    ansible: 'ansible.builtin.lineinfile',
    example: '- name: Let Redis overcommit memory\n  lineinfile:\n    path: /etc/sysctl.conf\n    regexp: "^vm.overcommit_memory"\n    line: "vm.overcommit_memory = 1"',
    returns: { msg: "'line added', 'line replaced', 'N line(s) removed' or ''.", backup: 'The backup copy, when backup made one.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<TextFileState> {
    const a = lineArgs(args);
    checkFileArgs(a);
    const problem = lineEditProblem(a);
    if (problem) throw new ModuleError(problem);
    return readTextFile(ctx, a.path);
  },
  plan: (current: TextFileState, args: Args) => planLineinfile(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: TextFileState) {
    return { result: await applyTextEdit(ctx, plan, current, lineArgs(args)) };
  },
});
