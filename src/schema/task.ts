/**
 * JSON Schemas of task-level keywords: the single source of truth for which keys a task, block, include and role
 * entry accept and their types. Module arguments are validated separately against each module's own schema.
 */

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const strOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;
/** when/failed_when/changed_when/until: an expression, a list of them (AND), or a literal boolean. */
const condition = { anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: ['string', 'boolean'] } }] } as const;
const numOrExpr = { type: ['integer', 'string'] } as const;
const varsMap = { type: 'object' } as const;
const tags = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: { type: ['string', 'number'] } }] } as const;

/** Keys every task-like node shares (task, block, include, import, role entry). */
export const commonKeywordProperties = {
  name: str,
  when: condition,
  tags,
  vars: varsMap,
  become: bool,
  become_user: str,
  environment: { type: ['object', 'string'] },
  ignore_errors: bool,
  ignore_unreachable: bool,
  no_log: { type: ['boolean', 'string'] },
  check_mode: bool,
  diff: bool,
  delegate_to: str,
  run_once: bool,
  throttle: numOrExpr,
  any_errors_fatal: bool,
} as const;

export const loopControlSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    loop_var: str,
    index_var: str,
    label: str,
    pause: { type: 'number', minimum: 0 },
    extended: bool,
  },
} as const;

/** Loop keywords: `loop` plus the with_* forms Ansible roles still use, mapped onto loop by the loader. */
export const loopKeywordProperties = {
  loop: { type: ['array', 'string'] },
  with_items: { type: ['array', 'string'] },
  with_list: { type: ['array', 'string'] },
  with_dict: { type: ['object', 'string'] },
  with_indexed_items: { type: ['array', 'string'] },
  with_sequence: str,
  loop_control: loopControlSchema,
} as const;

/** A task's keywords (everything except its one module key, which the loader takes out first). */
export const taskKeywordsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...commonKeywordProperties,
    ...loopKeywordProperties,
    args: { type: ['object', 'string'] },
    register: str,
    notify: strOrList,
    listen: strOrList,
    failed_when: condition,
    changed_when: condition,
    until: condition,
    retries: numOrExpr,
    delay: numOrExpr,
  },
} as const;

export const blockSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['block'],
  properties: {
    ...commonKeywordProperties,
    block: { type: ['array', 'null'] },
    rescue: { type: ['array', 'null'] },
    always: { type: ['array', 'null'] },
  },
} as const;

/** include_tasks / import_tasks; the value of the keyword itself is a file name or `{file, apply}`. */
export const includeTasksSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...commonKeywordProperties,
    ...loopKeywordProperties,
    include_tasks: { type: ['string', 'object'] },
    import_tasks: { type: ['string', 'object'] },
  },
} as const;

export const includeRoleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...commonKeywordProperties,
    ...loopKeywordProperties,
    include_role: { type: 'object' },
    import_role: { type: 'object' },
  },
} as const;

/** The mapping given to include_role / import_role. */
export const roleRefArgsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: str,
    tasks_from: str,
    vars_from: str,
    defaults_from: str,
    handlers_from: str,
    allow_duplicates: bool,
    public: bool,
    apply: { type: 'object' },
  },
} as const;

/** An entry of a play's `roles:` or of meta/main.yml `dependencies:` (any other key is a role parameter). */
export const roleEntrySchema = {
  type: 'object',
  properties: {
    ...commonKeywordProperties,
    role: str,
    name: str,
  },
} as const;

export const roleMetaSchema = {
  type: ['object', 'null'],
  properties: {
    dependencies: { type: ['array', 'null'], items: { type: ['string', 'object'] } },
    allow_duplicates: bool,
    galaxy_info: { type: 'object' },
  },
} as const;

/** Ansible task keywords accepted nowhere here, with why; said instead of a confusing "unknown module". */
export const unsupportedTaskKeywords: Readonly<Record<string, string>> = {
  include: '"include" was removed from Ansible; use "include_tasks" or "import_tasks"',
  become_method: 'run-playbook always uses sudo for become (become_method: sudo is accepted)',
  become_flags: 'run-playbook always uses sudo for become',
  connection: 'set ansible_connection in the inventory instead',
  remote_user: 'set remote_user on the play or ansible_user in the inventory',
  delegate_facts: 'not supported; facts of delegated tasks stay with the current host',
  module_defaults: 'not supported; write the arguments on each task',
  collections: 'not needed; write ansible.builtin.X or the short module name',
  async: 'not supported',
  poll: 'not supported',
  debugger: 'not supported',
  timeout: 'not supported',
  port: 'set ansible_port in the inventory instead',
};
