/** The owner/group/mode arguments every file-writing module shares (spread into each module's schema). */
export const attributeProperties = {
  owner: { type: 'string', description: 'User that should own the file (name or uid); unchanged when absent.' },
  group: { type: 'string', description: 'Group that should own the file (name or gid); unchanged when absent.' },
  mode: {
    anyOf: [{ type: 'string' }, { type: 'integer' }],
    description: "Permissions: octal ('0644', or 0644 in YAML) or symbolic ('u=rw,g=r,o=', 'a+X'). Quote octal strings.",
  },
} as const;
