import type { AnyModule } from '../core/registry.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import fetch from './fetch.js';
import file from './file.js';
import get_url from './get_url.js';
import lineinfile from './lineinfile.js';
import make from './make.js';
import replace from './replace.js';
import authorized_key from './authorized_key.js';
import shell from './shell.js';
import slurp from './slurp.js';
import stat from './stat.js';
import template from './template.js';
import unarchive from './unarchive.js';
import wait_for from './wait_for.js';

/** Group A: files and commands. */
export const fileModules: AnyModule[] = [command, shell, template, copy, file, lineinfile, blockinfile, get_url, unarchive, make, wait_for, stat, slurp, fetch, replace, authorized_key];
