/**
 * Hostile values through every file and command module on a real host: names and contents with spaces, both
 * quotes, `$(…)`, backticks, `;`, `&`, `|`, `>`, backslashes and newlines must arrive as data, byte for byte, and
 * nothing in them may run (no /tmp/pwned appears). The same playbook's second run changes nothing, which also
 * proves the modules read such names back correctly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from './harness.js';
import { changedTasks, existsOnHost, fileBytes, onHost, runModules, shq, writeProject } from './moduleRun.js';

let lab: LabHandle;
const H = 'redisslave1';
const Q = '/srv/rp-mf-quote';
const PWNED = '/tmp/pwned';
/** One path component (so no /: its payload touches `pwned` in whatever folder a shell would be in). */
const NAME = `sp ace 'sq' "dq" $(touch pwned) ; \`touch pwned\` & | > back\\slash\nnext line`;
/** A line (no newline) and a text (newlines inside, none at the end). */
const LINE = `say 'hi' "there" $(touch ${PWNED}); \`touch ${PWNED}\` & | \\n`;
const TEXT = `first $(touch ${PWNED})\n'single' "double" ; \`touch ${PWNED}\` \\ back\nlast > line`;
/** make expands $ itself (the Makefile's business), so its value carries every other hostile character. */
const MAKEVAL = `sp ace 'sq' "dq" ; \`touch ${PWNED}\` & | > \\`;
/** replace's template and an SSH key's comment/options: no backslash (a replacement escape) and no newline (a key per line). */
const REPL = `'sq' "dq" $(touch ${PWNED}); \`touch ${PWNED}\` & | > end`;
const KEYOPTS = `command="printf %s '$(touch ${PWNED})'; \`touch ${PWNED}\` & | >",no-pty`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRpQuote';
const DIR = `${Q}/${NAME}`;
let project = '';

before(async () => {
  lab = await useLab({ hosts: 3 });
  await lab.exec(H, `rm -rf ${Q} ${PWNED}`);
  project = writeProject({
    'templates/t.hbs': '{{ text }}\n',
    [`files/src/${NAME}/${NAME}.inner`]: TEXT,
  });
  chmodSync(join(project, 'files/src', NAME), 0o755);
  execFileSync('tar', ['-czf', join(project, 'files/hostile.tar.gz'), '-C', join(project, 'files/src'), NAME]);
});

after(async () => {
  await lab.exec(H, `rm -rf ${Q} ${PWNED}`);
  rmSync(project, { recursive: true, force: true });
});

const MAKEFILE = "out.txt:\n\tprintf '%s' \"$$MSG\" > out.txt\n";

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    dir: "{{ q }}/{{ n }}"
  tasks:
    - name: tools
      apt: { name: [make, wget], state: present, cache_valid_time: 86400 }
    - name: dir
      file: { path: "{{ dir }}", state: directory }
    - name: copy
      copy: { dest: "{{ dir }}/{{ n }}.txt", content: "{{ text }}" }
    - name: template
      template: { src: t.hbs, dest: "{{ dir }}/tpl {{ n }}" }
    - name: link
      file: { path: "{{ dir }}/link {{ n }}", state: link, src: "{{ dir }}/{{ n }}.txt" }
    - name: lineinfile
      lineinfile: { path: "{{ dir }}/lines", create: true, line: "{{ line }}" }
    - name: blockinfile
      blockinfile: { path: "{{ dir }}/lines", block: "{{ text }}" }
    - name: stat
      stat: { path: "{{ dir }}/{{ n }}.txt" }
    - name: slurp
      slurp: { src: "{{ dir }}/{{ n }}.txt" }
    - name: fetch
      fetch: { src: "{{ dir }}/{{ n }}.txt", dest: fetched/ }
    - name: command argv
      command: { argv: [printf, "%s", "{{ text }}"] }
      changed_when: false
    - name: command guarded
      command: { argv: [touch, "cmd {{ n }}"], chdir: "{{ dir }}", creates: "cmd {{ n }}" }
    - name: shell
      shell: { cmd: "pwd; cat", chdir: "{{ dir }}", stdin: "{{ text }}", stdin_add_newline: false }
      changed_when: false
    - name: get_url
      get_url: { url: "{{ redis_download_url }}", dest: "{{ dir }}/dl {{ n }}.tgz", headers: { X-Rp-Test: "{{ line }}" } }
    - name: unarchive
      unarchive: { src: hostile.tar.gz, dest: "{{ dir }}" }
    - name: archive on the host
      copy: { src: hostile.tar.gz, dest: "{{ dir }}/remote {{ n }}/" }
    - name: unarchive remote
      unarchive: { src: "{{ dir }}/remote {{ n }}/hostile.tar.gz", dest: "{{ dir }}/remote {{ n }}", remote_src: true }
    - name: makefile
      copy: { dest: "{{ dir }}/Makefile", content: ${JSON.stringify(MAKEFILE)} }
    - name: make
      make: { chdir: "{{ dir }}", target: out.txt, params: { MSG: "{{ makeval }}" } }
    - name: wait_for
      wait_for: { path: "{{ dir }}/{{ n }}.txt", timeout: 5 }
    - name: replace source
      copy: { dest: "{{ dir }}/repl {{ n }}", content: "{{ text }}", force: false }
    - name: replace
      replace: { path: "{{ dir }}/repl {{ n }}", regexp: "^first", replace: "{{ repl }}" }
    - name: authorized_key
      authorized_key: { user: nobody, path: "{{ dir }}/keys {{ n }}", manage_dir: false, key: "{{ key }} {{ repl }}", key_options: "{{ keyopts }}" }
`;

/** Every path under a folder on the host, relative, exactly (NUL-separated on the way, so newlines survive). */
async function treeOnHost(root: string): Promise<string[]> {
  const raw = Buffer.from((await onHost(lab, H, `cd ${shq(root)} && find . -mindepth 1 -print0 | base64 -w0`)).trim(), 'base64');
  return raw.toString('utf8').split('\0').filter(Boolean).map((p) => p.slice(2)).sort();
}

test('hostile names, lines and contents arrive as data through every module, and nothing runs', async () => {
  const controllerPwned = existsSync(PWNED);
  const vars = { q: Q, n: NAME, text: TEXT, line: LINE, makeval: MAKEVAL, repl: REPL, key: KEY, keyopts: KEYOPTS };
  const first = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, extraVars: vars });
  assert.equal(first.result.exitCode, 0, JSON.stringify(first.host(H).filter((o) => o.status === 'failed')));

  assert.equal(await existsOnHost(lab, H, PWNED), false, 'a hostile value ran as shell on the host');
  assert.equal(await onHost(lab, H, 'find / -xdev -name pwned'), '', 'a hostile name ran as shell on the host');
  assert.equal(existsSync(PWNED), controllerPwned, 'a hostile value ran as shell on the controller');
  assert.equal(existsSync(join(project, 'pwned')) || existsSync('pwned'), false, 'a hostile name ran as shell on the controller');

  assert.deepEqual(await treeOnHost(Q), [
    NAME,
    `${NAME}/${NAME}`,
    `${NAME}/${NAME}/${NAME}.inner`,
    `${NAME}/${NAME}.txt`,
    `${NAME}/Makefile`,
    `${NAME}/cmd ${NAME}`,
    `${NAME}/dl ${NAME}.tgz`,
    `${NAME}/lines`,
    `${NAME}/link ${NAME}`,
    `${NAME}/out.txt`,
    `${NAME}/tpl ${NAME}`,
    `${NAME}/remote ${NAME}`,
    `${NAME}/remote ${NAME}/hostile.tar.gz`,
    `${NAME}/remote ${NAME}/${NAME}`,
    `${NAME}/remote ${NAME}/${NAME}/${NAME}.inner`,
    `${NAME}/repl ${NAME}`,
    `${NAME}/keys ${NAME}`,
  ].sort());
  assert.equal((await fileBytes(lab, H, `${DIR}/repl ${NAME}`)).toString(), TEXT.replace(/^first/, REPL));
  assert.equal((await fileBytes(lab, H, `${DIR}/keys ${NAME}`)).toString(), `${KEYOPTS} ${KEY} ${REPL}\n`);
  assert.equal((await onHost(lab, H, `stat -c '%a %U' -- ${shq(`${DIR}/keys ${NAME}`)}`)).trim(), '600 nobody');
  assert.equal((await fileBytes(lab, H, `${DIR}/${NAME}.txt`)).toString(), TEXT);
  assert.equal((await fileBytes(lab, H, `${DIR}/tpl ${NAME}`)).toString(), `${TEXT}\n`, 'the template output is not escaped');
  assert.equal((await onHost(lab, H, `readlink -- ${shq(`${DIR}/link ${NAME}`)}`)), `${DIR}/${NAME}.txt\n`);
  assert.equal((await fileBytes(lab, H, `${DIR}/lines`)).toString(), `${LINE}\n# BEGIN ANSIBLE MANAGED BLOCK\n${TEXT}\n# END ANSIBLE MANAGED BLOCK\n`);
  assert.equal((await fileBytes(lab, H, `${DIR}/${NAME}/${NAME}.inner`)).toString(), TEXT);
  assert.equal((await fileBytes(lab, H, `${DIR}/remote ${NAME}/${NAME}/${NAME}.inner`)).toString(), TEXT);
  assert.equal((await fileBytes(lab, H, `${DIR}/out.txt`)).toString(), MAKEVAL, 'the make param is one word, byte for byte');
  const served = createHash('sha256').update(Buffer.from(await (await fetch(lab.redisUrl)).arrayBuffer())).digest('hex');
  assert.equal((await onHost(lab, H, `sha256sum < ${shq(`${DIR}/dl ${NAME}.tgz`)}`)).split(' ')[0], served);

  const st = first.task(H, 'stat').result.stat as Record<string, unknown>;
  assert.equal(st.checksum, createHash('sha1').update(TEXT).digest('hex'));
  assert.equal(st.size, Buffer.byteLength(TEXT));
  assert.equal(Buffer.from(String(first.task(H, 'slurp').result.content), 'base64').toString(), TEXT);
  assert.equal(readFileSync(join(project, 'fetched', H, DIR, `${NAME}.txt`), 'utf8'), TEXT);
  assert.equal(first.task(H, 'command argv').result.stdout, TEXT);
  assert.equal(first.task(H, 'shell').result.stdout, `${DIR}\n${TEXT}`);

  const second = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, extraVars: vars });
  assert.equal(second.result.exitCode, 0);
  assert.deepEqual(changedTasks(second, H), [], 'hostile names are read back correctly: nothing changes on the second run');
  assert.equal(await existsOnHost(lab, H, PWNED), false);
});
