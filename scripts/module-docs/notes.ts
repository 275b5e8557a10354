/**
 * What the schemas cannot say: how a module behaves under --check and --diff beyond the general rule, why the
 * Redis modules have no Ansible counterpart, and where the Ansible form of an example differs in more than
 * its templates. test/unit/docs/modules-doc.test.ts checks these tables against the modules, so a new module
 * (or one that stops applying changes) fails the test until its notes are written.
 */

/** Modules without `meta.ansible`: why Ansible has nothing that does the same. */
export const noAnsibleBecause: Record<string, string> = {
  redis_info:
    'community.general.redis_info returns the raw INFO fields, but runs on the host with the Python `redis` library installed there; this module reaches Redis through the SSH connection\'s port forward from the controller and returns the replication state as typed fields (replicas with their lag, the master link). Its `login_host`, `login_port`, `login_user` and `login_password` are accepted here (and by the other Redis modules) as names for `host`, `port`, `username` and `password`; `info` keeps INFO\'s values as text, where Ansible\'s has numbers (the typed top-level fields are numbers).',
  redis_command:
    'Ansible has no module that sends an arbitrary command (community.general.redis knows `config`, `flush`, `replica`); playbooks run `redis-cli`, which puts the password on a command line and cannot tell a read from a write under --check.',
  sentinel_info:
    'Ansible has no Sentinel module; playbooks parse `redis-cli -p 26379 SENTINEL get-master-addr-by-name` output.',
  redis_wait:
    'Ansible playbooks poll `redis-cli INFO replication` with `until`/`retries` and parse its text themselves; this module waits on typed conditions (replicas online, offsets in sync, role, Sentinels agreeing) with one timeout.',
  redis_config:
    'The nearest is community.general.redis with `command: config`: one setting per task, compared as raw text (so `100mb` against `104857600` is always a change), and never persisted with CONFIG REWRITE, so a restart loses it.',
  sentinel_config:
    'No Ansible module configures what a running Sentinel monitors; roles template sentinel.conf, which Sentinel itself rewrites after every failover, so the next run "fixes" a file Sentinel owns and can point it at the old master.',
};

/** Differences between the example and the task an Ansible user writes, beyond the Handlebars → Jinja rewrite. */
export interface AnsibleDifference {
  /** What to tell the reader. */
  note: string;
  /** Arguments of the example that the Ansible module does not have: left out of the Ansible form. */
  drop?: string[];
  /** Literal text replaced in the Ansible form (a file name that is Handlebars here and Jinja there). */
  replace?: Record<string, string>;
}

export const ansibleDifferences: Record<string, AnsibleDifference> = {
  template: {
    note: 'The template file itself is Handlebars here and Jinja in Ansible; see [templating](templating.md#from-jinja) for the translation.',
    replace: { 'redis.conf.hbs': 'redis.conf.j2' },
  },
  make: {
    note: 'community.general.make has no `creates`; it decides with `make -q` alone. run-playbook also runs `make -q` when `creates` is not given.',
    drop: ['creates'],
  },
  get_url: { note: '`via: controller` (download on the controller, then upload) has no Ansible counterpart.' },
  replace: { note: 'Files are read and written as UTF-8: another `encoding` is refused with an error. A missing file under --check is planned (an earlier task may create it) rather than failed.' },
  authorized_key: {
    note: 'A URL as `key` and the `follow`/`validate_certs` arguments are not supported (clear errors). Lines the task does not touch are kept as written instead of re-serialised. Under --check an unknown user is planned (an earlier task may create it) rather than failed.',
  },
};

/** Modules that plan an unpredictable change (skipped under --check) in some cases, and when. */
export const checkSkippedWhen: Record<string, string> = {
  command: 'Skipped under --check unless `creates` or `removes` decides the outcome (then it reports changed/ok as a real run would).',
  shell: 'Skipped under --check unless `creates` or `removes` decides the outcome (then it reports changed/ok as a real run would).',
  make: 'Under --check it reports what `make -q` (or `creates`) says; when `make -q` cannot tell, the task is skipped.',
  redis_command: 'Reading commands (INFO, GET, CONFIG GET, ROLE, SENTINEL MASTER, … or `read_only: true`) run under --check; any other command is skipped.',
};

/** What --diff shows, for every module that changes something (has an apply step). */
export const diffShows: Record<string, string> = {
  command: 'No diff (Ansible shows none either).',
  shell: 'No diff (Ansible shows none either).',
  template: 'A unified diff of the file (binary or very large content is summarised by size and sha1).',
  copy: 'A unified diff of each file that changes (binary or very large content is summarised by size and sha1); created folders as `state: absent` → `state: directory`.',
  file: 'The state (`state: absent` → `state: directory`, link targets) and the owner/group/mode before and after.',
  lineinfile: 'A unified diff of the file.',
  blockinfile: 'A unified diff of the file.',
  replace: 'A unified diff of the file.',
  authorized_key: 'A unified diff of the authorized_keys file.',
  get_url: 'The checksum of the file before and the URL (and expected checksum) after.',
  unarchive: 'The entries missing from dest, and how many the archive holds.',
  make: 'No diff.',
  fetch: 'The local copy before, and the size of the file that replaces it.',
  apt: 'Each package with its installed version before and the version (or "removed") after.',
  ufw: 'Each rule, policy, logging level or enabled state, before and after.',
  service: 'The unit\'s state, enabled and masked values before and after.',
  systemd: 'The unit\'s state, enabled and masked values before and after.',
  sysctl: 'A unified diff of sysctl_file, and the running kernel value before and after.',
  user: 'The account\'s fields (uid, group, groups, shell, home, comment) before and after; a password only as `********`.',
  group: 'The group (and its gid) before and after.',
  hostname: '`hostname = OLD` before and `hostname = NEW` after, as Ansible shows it.',
  cron: 'A unified diff of the crontab (or cron_file); a removed cron_file after as empty.',
  package: 'As apt: each package with its installed version before and the version (or "removed") after.',
  redis_command: 'No diff.',
  redis_config: 'Each setting\'s live value before and the wanted one after (secrets masked).',
  sentinel_config: 'Each Sentinel setting of the group before and after (auth-pass masked).',
};
