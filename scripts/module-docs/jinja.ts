/**
 * Handlebars (run-playbook) → Jinja (Ansible), for the module reference's examples only: an example task is
 * shown as an Ansible user would write it. Only the helpers the Jinja table of docs/templating.md maps are
 * known; anything else throws, so a new example that cannot be translated fails the generator instead of
 * printing a wrong Ansible task.
 */
import Handlebars from 'handlebars';
import { unwrapParenthesised } from '../../src/template/parse.js';

type Node = hbs.AST.Expression;
/** A rendered Jinja expression and whether it needs parentheses as an operand (a binary or `not` form). */
interface Out { text: string; loose: boolean }

const COMPARE: Record<string, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const ARITH: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' };
/** Helpers whose Jinja form is a filter without arguments: `{{length xs}}` → `xs | length`. */
const PLAIN_FILTERS = new Set(['length', 'first', 'last', 'min', 'max', 'unique', 'flatten', 'int', 'float', 'bool', 'string', 'upper', 'lower', 'trim', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'from_json', 'from_yaml', 'b64encode', 'b64decode', 'basename', 'dirname', 'quote', 'dict2items', 'items2dict', 'keys', 'values']);
/** Helpers whose Jinja form is a filter with the remaining arguments: `{{join xs ","}}` → `xs | join(',')`. */
const ARG_FILTERS = new Set(['default', 'join', 'split', 'replace', 'regex_replace', 'regex_search', 'ternary']);

const tight = (text: string): Out => ({ text, loose: false });
const operand = (o: Out): string => (o.loose ? `(${o.text})` : o.text);

function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function path(node: hbs.AST.PathExpression): string {
  if (node.data || node.depth > 0 || node.original.startsWith('this')) throw new Error(`no Jinja form for "${node.original}" in an example`);
  return node.parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function expr(node: Node): Out {
  switch (node.type) {
    case 'PathExpression':
      return tight(path(node as hbs.AST.PathExpression));
    case 'StringLiteral':
      return tight(literal((node as hbs.AST.StringLiteral).value));
    case 'NumberLiteral':
      return tight(String((node as hbs.AST.NumberLiteral).value));
    case 'BooleanLiteral':
      return tight((node as hbs.AST.BooleanLiteral).value ? 'true' : 'false');
    case 'NullLiteral':
      return tight('none');
    case 'SubExpression': {
      const sub = node as hbs.AST.SubExpression;
      return call(sub.path, sub.params, sub.hash);
    }
    default:
      throw new Error(`no Jinja form for a ${node.type} in an example`);
  }
}

function call(head: Node, params: Node[], hash: hbs.AST.Hash | undefined): Out {
  if (params.length === 0 && !(hash?.pairs.length)) return expr(head);
  if (head.type !== 'PathExpression') throw new Error('a helper call needs a helper name');
  const name = (head as hbs.AST.PathExpression).original;
  const args = params.map(expr);
  const [a, b] = args;
  if (hash?.pairs.length) throw new Error(`no Jinja form for ${name} with key=value arguments in an example`);
  if (COMPARE[name] && a && b) return { text: `${operand(a)} ${COMPARE[name]} ${operand(b)}`, loose: true };
  if (ARITH[name] && a && b) return { text: `${operand(a)} ${ARITH[name]} ${operand(b)}`, loose: true };
  if ((name === 'and' || name === 'or') && args.length >= 2) return { text: args.map(operand).join(` ${name} `), loose: true };
  if (name === 'not' && a) return { text: `not ${operand(a)}`, loose: true };
  if (name === 'in' && a && b) return { text: `${operand(a)} in ${operand(b)}`, loose: true };
  if (name === 'includes' && a && b) return { text: `${operand(b)} in ${operand(a)}`, loose: true };
  if (name === 'concat' && args.length >= 1) return { text: args.map(operand).join(' ~ '), loose: true };
  if (name === 'lookup' && a && b) return tight(`${operand(a)}[${b.text}]`);
  if (name === 'env' && a) return tight(`lookup('env', ${a.text})`);
  if (name === 'file' && a) return tight(`lookup('file', ${a.text})`);
  if (name === 'map' && a && b) return tight(`${operand(a)} | map(attribute=${b.text}) | list`);
  if (PLAIN_FILTERS.has(name) && a && args.length === 1) return tight(`${operand(a)} | ${name}`);
  if (ARG_FILTERS.has(name) && a && args.length >= 2) {
    const rest = args.slice(1).map((x) => x.text).join(', ');
    return tight(`${operand(a)} | ${name}(${rest})`);
  }
  throw new Error(`no Jinja form for the helper "${name}" (${args.length} arguments) in an example`);
}

function mustache(node: hbs.AST.MustacheStatement): string {
  return call(node.path as Node, node.params, node.hash).text;
}

/** One condition (`when`, `that`): the inside of a mustache in both languages; Ansible's are bare Jinja. */
export function conditionToJinja(source: string): string {
  const trimmed = source.trim();
  const wrapped = /^\{\{.*\}\}$/s.test(trimmed) ? trimmed : `{{${trimmed}}}`;
  const body = Handlebars.parseWithoutProcessing(unwrapParenthesised(wrapped)).body;
  const only = body[0];
  if (body.length !== 1 || only?.type !== 'MustacheStatement') throw new Error(`a condition must be one expression: ${source}`);
  return mustache(only as hbs.AST.MustacheStatement);
}

/** A templated string (`"redis_{{ role }}"`): text kept, every mustache translated. */
export function textToJinja(source: string): string {
  if (!source.includes('{{')) return source;
  return Handlebars.parseWithoutProcessing(unwrapParenthesised(source))
    .body.map((s) => {
      if (s.type === 'ContentStatement') return (s as hbs.AST.ContentStatement).original;
      if (s.type === 'MustacheStatement') return `{{ ${mustache(s as hbs.AST.MustacheStatement)} }}`;
      throw new Error(`no Jinja form for a ${s.type} in an example`);
    })
    .join('');
}
