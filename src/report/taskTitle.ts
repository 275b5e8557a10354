import type { TaskRef } from '../core/events.js';

/** How a task is named in headers and tables: `role : name` as Ansible does, the module when unnamed. */
export function taskTitle(task: TaskRef): string {
  const name = task.name.trim() !== '' ? task.name : task.module;
  if (!task.role) return name;
  // The executor's TaskRef already carries `role : name`; a reporter fed by it must not say the role twice.
  const prefix = `${task.role} : `;
  return name.startsWith(prefix) ? name : prefix + name;
}

export function taskPosition(task: TaskRef): string {
  return `${task.pos.file}:${task.pos.line}`;
}
