import type { Condition, NodeCommon, Vars } from '../core/model.js';

/** The task keywords a node takes from around it unless it sets its own: the same names and types as on the node. */
type InheritedKeywords = Pick<
  NodeCommon,
  'role' | 'become' | 'becomeUser' | 'ignoreErrors' | 'ignoreUnreachable' | 'noLog' | 'checkMode' | 'diff' | 'delegateTo' | 'runOnce' | 'throttle' | 'anyErrorsFatal'
>;

/**
 * What a node inherits from the blocks, includes, roles and play around it. Built while walking the task tree;
 * a child's value wins over its parent's, conditions and tags accumulate.
 */
export interface Scope extends InheritedKeywords {
  when: Condition[];
  tags: string[];
  blockVars: Vars;
  includeParams: Vars;
  environment: Vars;
  /** Names of enclosing blocks/includes, for task ids. */
  path: string;
  /** Inside a block that has a rescue: failures wait for it before counting. */
  rescuable: boolean;
  handler: boolean;
}

export function rootScope(handler = false): Scope {
  return { when: [], tags: [], blockVars: {}, includeParams: {}, environment: {}, path: '', rescuable: false, handler };
}

const defined = <T>(child: T | undefined, parent: T | undefined): T | undefined => (child !== undefined ? child : parent);

/** The scope a node's children see (blocks, includes); for a task, the settings it runs with. */
export function enter(scope: Scope, node: NodeCommon, segment: string, extra: Partial<Scope> = {}): Scope {
  const env = typeof node.environment === 'object' && node.environment !== null ? node.environment : {};
  return {
    when: [...scope.when, ...node.when],
    tags: [...new Set([...scope.tags, ...node.tags])],
    blockVars: { ...scope.blockVars },
    includeParams: scope.includeParams,
    role: node.role ?? scope.role,
    become: defined(node.become, scope.become),
    becomeUser: defined(node.becomeUser, scope.becomeUser),
    environment: { ...scope.environment, ...env },
    ignoreErrors: defined(node.ignoreErrors, scope.ignoreErrors),
    ignoreUnreachable: defined(node.ignoreUnreachable, scope.ignoreUnreachable),
    noLog: defined(node.noLog, scope.noLog),
    checkMode: defined(node.checkMode, scope.checkMode),
    diff: defined(node.diff, scope.diff),
    delegateTo: defined(node.delegateTo, scope.delegateTo),
    runOnce: defined(node.runOnce, scope.runOnce),
    throttle: defined(node.throttle, scope.throttle),
    anyErrorsFatal: defined(node.anyErrorsFatal, scope.anyErrorsFatal),
    path: scope.path ? `${scope.path}/${segment}` : segment,
    rescuable: scope.rescuable,
    handler: scope.handler,
    ...extra,
  };
}
