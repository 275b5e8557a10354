import { relative } from 'node:path';
import type { Play, TaskNode } from '../core/model.js';
import { hostPattern, playHosts } from '../run/play.js';
import { tagsSelected } from '../run/tags.js';
import type { Loaded } from '../run/playbook.js';
import type { RunPlaybookOptions } from '../run/options.js';

interface ListedTask {
  name: string;
  tags: string[];
}

/** Tasks in run order with their inherited tags, as --list-tasks shows them (handlers are not listed, as in Ansible). */
function tasksOf(play: Play, options: RunPlaybookOptions): ListedTask[] {
  const out: ListedTask[] = [];
  const walk = (nodes: TaskNode[], inherited: string[]): void => {
    for (const node of nodes) {
      const tags = [...new Set([...inherited, ...node.tags])];
      if (node.kind === 'task') {
        if (!tagsSelected(options, tags)) continue;
        const base = node.name ?? node.module;
        out.push({ name: node.role ? `${node.role.name} : ${base}` : base, tags: node.tags });
      } else if (node.kind === 'block') walk([...node.block, ...node.rescue, ...node.always], tags);
      else walk(node.tasks, tags);
    }
  };
  walk([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks], play.tags);
  return out;
}

const tagList = (tags: string[]): string => `TAGS: [${tags.join(', ')}]`;

export function listTasks(loaded: Loaded, options: RunPlaybookOptions, cwd: string): string {
  const lines = [`\nplaybook: ${relative(cwd, loaded.playbook.file) || loaded.playbook.file}`];
  loaded.playbook.plays.forEach((play, i) => {
    lines.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\t${tagList(play.tags)}`, '    tasks:');
    for (const t of tasksOf(play, options)) lines.push(`      ${t.name}\t${tagList(t.tags)}`);
  });
  return lines.join('\n') + '\n';
}

export function listTags(loaded: Loaded, options: RunPlaybookOptions, cwd: string): string {
  const lines = [`\nplaybook: ${relative(cwd, loaded.playbook.file) || loaded.playbook.file}`];
  loaded.playbook.plays.forEach((play, i) => {
    const all = new Set<string>(play.tags);
    for (const t of tasksOf(play, { playbooks: [] })) for (const tag of t.tags) all.add(tag);
    lines.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\t${tagList(play.tags)}`, `      TASK TAGS: [${[...all].sort().join(', ')}]`);
  });
  void options;
  return lines.join('\n') + '\n';
}

export function listHosts(loaded: Loaded, options: RunPlaybookOptions, cwd: string): string {
  const lines = [`\nplaybook: ${relative(cwd, loaded.playbook.file) || loaded.playbook.file}`];
  loaded.playbook.plays.forEach((play, i) => {
    const hosts = playHosts(loaded.inventory, options, play);
    const pattern = hostPattern(play, options.extraVars);
    lines.push('', `  play #${i + 1} (${pattern}): ${play.name === play.hosts ? pattern : play.name}\t${tagList(play.tags)}`, `    pattern: ['${pattern}']`, `    hosts (${hosts.length}):`);
    for (const h of hosts) lines.push(`      ${h}`);
  });
  return lines.join('\n') + '\n';
}
