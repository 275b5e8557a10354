import type { TaskRef } from '../core/events.js';

/** How a task is named in headers and tables: `role : name` as Ansible does, the module when unnamed. */
export function taskTitle(task: TaskRef): string {
  const name = task.name.trim() !== '' ? task.name : task.module;
  return task.role ? `${task.role} : ${name}` : name;
}

export function taskPosition(task: TaskRef): string {
  return `${task.pos.file}:${task.pos.line}`;
}
