/**
 * Connection variables written literally in an inventory are checked at load time, so a connection plugin we do
 * not have or an ssh option we cannot honour is an invalid-input error at its line, not an unreachable host later.
 * Templated values are checked when the connection opens.
 */
import type { Problem } from '../core/errors.js';
import type { Position } from '../core/position.js';
import type { Inventory, Vars } from '../core/model.js';
import { connectionKindProblem } from '../connect/connectionKind.js';
import { parseSshArgs } from '../connect/sshArgs.js';

function varProblems(vars: Vars, pos: Position, owner: string): Problem[] {
  const problems: Problem[] = [];
  const kind = connectionKindProblem(vars.ansible_connection);
  if (kind) problems.push({ ...pos, message: `${owner}: ${kind}`, hint: 'leave ansible_connection unset (ssh is the default) and give the target an sshd, or run the task on a host that can reach it' });
  for (const name of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const value = vars[name];
    if (typeof value !== 'string' || value.includes('{{')) continue;
    try {
      parseSshArgs(value);
    } catch (e) {
      problems.push({ ...pos, message: `${owner}: ${name}: ${(e as Error).message}` });
    }
  }
  for (const name of ['ansible_port', 'ansible_ssh_port']) {
    const value = vars[name];
    if (value === undefined || (typeof value === 'string' && value.includes('{{'))) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push({ ...pos, message: `${owner}: ${name} must be a port number (1-65535), got ${JSON.stringify(value)}` });
  }
  return problems;
}

export function connectionVarProblems(inv: Inventory): Problem[] {
  return [
    ...[...inv.groups.values()].flatMap((g) => varProblems(g.vars, g.pos, `group "${g.name}"`)),
    ...[...inv.hosts.values()].flatMap((h) => varProblems(h.vars, h.pos, `host "${h.name}"`)),
  ];
}
