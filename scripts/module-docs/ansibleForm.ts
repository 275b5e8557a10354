/**
 * An example task as an Ansible user writes it: module keys under their Ansible names, conditions and
 * templates in Jinja, arguments Ansible lacks left out. Works on the YAML document so comments, quoting
 * and layout of the example stay as written.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar } from 'yaml';
import type { AnyModule } from '../../src/core/registry.js';
import { conditionToJinja, textToJinja } from './jinja.js';
import { ansibleDifferences } from './notes.js';

const CONDITION_KEYS = new Set(['when', 'failed_when', 'changed_when', 'until']);

export interface AnsibleForm {
  /** The Ansible task; undefined when it is the example itself (only the module name resolves differently). */
  text: string | undefined;
  note: string | undefined;
}

type Rewrite = (text: string) => string;

function rewriteScalars(node: unknown, rewrite: Rewrite): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string') (node as Scalar<string>).value = rewrite(node.value);
  } else if (isSeq(node)) {
    for (const item of node.items) rewriteScalars(item, rewrite);
  } else if (isMap(node)) {
    for (const pair of node.items) rewriteScalars(pair.value, rewrite);
  }
}

const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : '');

interface Mode {
  /** Module keys under their Ansible names, arguments Ansible lacks dropped. */
  rename: boolean;
  /** Conditions and templates in Jinja. */
  translate: boolean;
}

const same: Rewrite = (text) => text;

/** Rewrites one task mapping in place. */
function rewriteTask(task: Node, byName: Map<string, AnyModule>, mode: Mode): void {
  const { rename } = mode;
  const condition = mode.translate ? conditionToJinja : same;
  const text = mode.translate ? textToJinja : same;
  if (!isMap(task)) throw new Error('an example must be a list of task mappings');
  for (const pair of task.items) {
    const key = keyOf(pair);
    const module = byName.get(key);
    if (CONDITION_KEYS.has(key)) {
      rewriteScalars(pair.value, condition);
    } else if (module) {
      if (rename && module.meta.ansible && isScalar(pair.key)) pair.key.value = module.meta.ansible;
      const drop = rename ? (ansibleDifferences[module.name]?.drop ?? []) : [];
      if (!isMap(pair.value)) {
        rewriteScalars(pair.value, text);
        continue;
      }
      pair.value.items = pair.value.items.filter((arg) => !drop.includes(keyOf(arg)));
      for (const arg of pair.value.items) rewriteScalars(arg.value, module.expressionArgs?.includes(keyOf(arg)) ? condition : text);
    } else {
      rewriteScalars(pair.value, text);
    }
  }
}

function render(example: string, byName: Map<string, AnyModule>, mode: Mode): string {
  const doc = parseDocument(example);
  if (doc.errors.length > 0) throw new Error(`example is not YAML: ${doc.errors[0]?.message ?? ''}`);
  if (!isSeq(doc.contents)) throw new Error('an example must be a list of tasks');
  for (const task of doc.contents.items) rewriteTask(task as Node, byName, mode);
  return doc.toString({ lineWidth: 0 }).trimEnd();
}

export function ansibleForm(module: AnyModule, modules: readonly AnyModule[]): AnsibleForm {
  const byName = new Map(modules.flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n) => [n, m] as const)));
  const difference = ansibleDifferences[module.name];
  const example = module.meta.example.trimEnd();
  let text = render(example, byName, { rename: true, translate: true });
  for (const [from, to] of Object.entries(difference?.replace ?? {})) text = text.split(from).join(to);
  // Only the module keys differ: Ansible resolves the short names itself, so the example is the Ansible task.
  const templatesDiffer = render(example, byName, { rename: false, translate: true }) !== render(example, byName, { rename: false, translate: false });
  const unchanged = !templatesDiffer && !difference?.drop && !difference?.replace;
  return { text: unchanged ? undefined : text, note: difference?.note };
}
