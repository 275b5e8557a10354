/**
 * The shape of a YAML/JSON inventory, Ansible's format:
 *   all: { hosts: { web1: {ansible_host: …} | null }, vars: {…}, children: { web: <group> } }
 * Top-level keys are groups (`all` usually, but Ansible accepts any group there). A group, a host's
 * variables, `hosts`, `vars` and `children` may each be empty (`web1:` with nothing after it is the usual way
 * to list a host), hence the nulls.
 */
export const inventorySchema = {
  $id: 'run-playbook/inventory',
  type: ['object', 'null'],
  additionalProperties: { $ref: '#/definitions/group' },
  definitions: {
    group: {
      type: ['object', 'null'],
      properties: {
        hosts: {
          type: ['object', 'null'],
          additionalProperties: { type: ['object', 'null'] },
        },
        vars: { type: ['object', 'null'] },
        children: {
          type: ['object', 'null'],
          additionalProperties: { $ref: '#/definitions/group' },
        },
      },
      additionalProperties: false,
    },
  },
} as const;

/** The keys a group may have; used for "did you mean" hints. */
export const INVENTORY_GROUP_KEYS = ['hosts', 'vars', 'children'] as const;
