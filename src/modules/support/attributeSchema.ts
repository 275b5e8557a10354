/** The owner/group/mode arguments every file-writing module shares (spread into each module's schema). */
export const attributeProperties = {
  owner: { type: 'string', description: 'User that should own the file (name or uid); unchanged when absent.' },
  group: { type: 'string', description: 'Group that should own the file (name or gid); unchanged when absent.' },
  mode: {
    anyOf: [{ type: 'string' }, { type: 'integer' }],
    description: "Permissions: octal ('0644', or 0644 in YAML) or symbolic ('u=rw,g=r,o=', 'a+X'). Quote octal strings.",
  },
} as const;

/** copy and template also take `mode: preserve`, as Ansible does. */
export const sourceModeProperty = {
  mode: { ...attributeProperties.mode, description: `${attributeProperties.mode.description} 'preserve': the source file's own mode.` },
} as const;

/** The file an in-place editor (lineinfile, blockinfile) works on, under Ansible's four names for it. */
export const editedPathProperties = {
  path: { type: 'string', description: 'The file to edit (aliases: dest, destfile, name).' },
  dest: { type: 'string', description: 'Alias of path.' },
  destfile: { type: 'string', description: 'Alias of path.' },
  name: { type: 'string', description: 'Alias of path.' },
} as const;

/** How an in-place editor treats a missing file and the old content. */
export const createBackupProperties = {
  create: { type: 'boolean', description: 'Create the file when it is missing (default false).' },
  backup: { type: 'boolean', description: 'Keep a timestamped copy of the file before changing it (default false).' },
} as const;

/** The check before an edited file replaces the old one, and its attributes. */
export const validatedFileProperties = {
  validate: { type: 'string', description: 'A command run on the temp file before it replaces the file; %s is its path.' },
  ...attributeProperties,
} as const;
