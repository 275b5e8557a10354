import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { createBackupProperties, editedPathProperties, validatedFileProperties } from './support/attributeSchema.js';
import { editBlock } from './support/blockEdit.js';
import { applyTextEdit, planTextEdit, readTextFile, type TextFileState } from './support/textFile.js';
import { pathOf } from './file.js';
import { checkFileArgs } from './template.js';

const schema = {
  type: 'object',
  properties: {
    ...editedPathProperties,
    block: { type: 'string', description: 'The text between the markers; empty removes the block.' },
    content: { type: 'string', description: 'Alias of block.' },
    marker: { type: 'string', description: "Marker line template; {mark} becomes marker_begin/marker_end (default '# {mark} ANSIBLE MANAGED BLOCK')." },
    marker_begin: { type: 'string', description: "What {mark} is in the first marker (default 'BEGIN')." },
    marker_end: { type: 'string', description: "What {mark} is in the last marker (default 'END')." },
    state: { type: 'string', enum: ['present', 'absent'], description: 'present (default) or absent (remove the block).' },
    insertafter: { type: 'string', description: 'Where a new block goes: after the last line matching this regexp, or EOF (default).' },
    insertbefore: { type: 'string', description: 'Where a new block goes: before the last line matching this regexp, or BOF.' },
    ...createBackupProperties,
    append_newline: { type: 'boolean', description: 'Add a blank line after the block when the next line is not blank (default false).' },
    prepend_newline: { type: 'boolean', description: 'Add a blank line before the block when the previous line is not blank (default false).' },
    ...validatedFileProperties,
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export function blockArgs(args: Args) {
  return { ...args, path: pathOf({ path: args.path ?? args.destfile, dest: args.dest, name: args.name }), block: args.block ?? args.content ?? '' };
}

export function planBlockinfile(current: TextFileState, args: Args): Plan {
  const a = blockArgs(args);
  return planTextEdit(current, a, (content) => editBlock(content, a), { absentIsNoop: a.state === 'absent', module: 'blockinfile' });
}

export default defineModule<typeof schema, TextFileState>({
  name: 'blockinfile',
  schema,
  meta: {
    description: 'Ensures a block of lines between two marker lines is in a file (or removed); text outside the markers is left alone.',
    ansible: 'ansible.builtin.blockinfile',
    example: '- name: Sentinel hosts\n  blockinfile:\n    path: /etc/hosts\n    marker: "# {mark} redis sentinels"\n    block: |\n      10.0.0.11 sentinel-1\n      10.0.0.12 sentinel-2',
    returns: { msg: "'Block inserted', 'Block removed', 'File created' or ''.", backup: 'The backup copy, when backup made one.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<TextFileState> {
    const a = blockArgs(args);
    checkFileArgs(a);
    return readTextFile(ctx, a.path);
  },
  plan: (current: TextFileState, args: Args) => planBlockinfile(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: TextFileState) {
    return { result: await applyTextEdit(ctx, plan, current, blockArgs(args)) };
  },
});
