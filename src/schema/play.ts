/** JSON Schemas of a playbook file's entries: plays and import_playbook. */
import { commonKeywordProperties } from './task.js';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

/** `serial: 2`, `serial: "30%"`, `serial: [1, "50%"]` (batch sizes; the last repeats). */
const serialSchema = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string' },
    { type: 'array', minItems: 1, items: { type: ['integer', 'string'] } },
  ],
} as const;

export const playSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hosts'],
  properties: {
    name: str,
    hosts: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    remote_user: str,
    vars: { type: ['object', 'null'] },
    vars_files: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    vars_prompt: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          prompt: { type: 'string' },
          default: { type: ['string', 'number', 'boolean'] },
          private: { type: 'boolean' },
          confirm: { type: 'boolean' },
          unsafe: { type: 'boolean' },
          encrypt: { type: 'string' },
          salt_size: { type: 'integer' },
        },
      },
    },
    roles: { type: ['array', 'null'], items: { type: ['string', 'object'] } },
    pre_tasks: { type: ['array', 'null'] },
    tasks: { type: ['array', 'null'] },
    post_tasks: { type: ['array', 'null'] },
    handlers: { type: ['array', 'null'] },
    become: bool,
    become_user: str,
    gather_facts: bool,
    /** Accepted for ported playbooks and ignored: facts are read lazily, per module, when needed. */
    gather_subset: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    serial: serialSchema,
    strategy: { enum: ['linear', 'free'] },
    any_errors_fatal: bool,
    max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
    tags: commonKeywordProperties.tags,
    environment: { type: ['object', 'string'] },
    /** Accepted and ignored: module names resolve with or without a collection prefix. */
    collections: { type: 'array' },
    // Task keywords a play may set for all its tasks, as in Ansible.
    ignore_errors: bool,
    ignore_unreachable: bool,
    no_log: commonKeywordProperties.no_log,
    check_mode: bool,
    diff: bool,
    throttle: commonKeywordProperties.throttle,
    force_handlers: bool,
    /** Only sudo: accepted for ported playbooks, anything else is refused by the loader. */
    become_method: str,
    /** ssh or local: the play's default ansible_connection (the inventory's wins). */
    connection: { enum: ['ssh', 'smart', 'paramiko', 'local'] },
    /** The play's default ansible_port (the inventory's wins). */
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    order: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
    /** Accepted: the SSH connect timeout in seconds for this play's new connections is -T / the config's. */
    timeout: { type: 'number', minimum: 0 },
    gather_timeout: { type: 'number', minimum: 0 },
  },
} as const;

export const importPlaybookSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['import_playbook'],
  properties: {
    import_playbook: str,
    name: str,
    when: commonKeywordProperties.when,
    tags: commonKeywordProperties.tags,
    vars: { type: 'object' },
  },
} as const;
