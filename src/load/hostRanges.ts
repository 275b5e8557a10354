/** Beyond this a host range is a typo, not an inventory (web[1:99999999]). */
const MAX_RANGE_HOSTS = 100_000;

/** Expand `web[01:03].example.com` and split `host:2222`, as Ansible does for inventory host names. */
export function expandHostPattern(pattern: string): { names: string[]; port?: number } | { error: string } {
  let name = pattern;
  let port: number | undefined;
  const hostPort = /^([^:]+):(\d+)$/.exec(pattern) ?? /^\[([^\]]+)\]:(\d+)$/.exec(pattern);
  if (hostPort) {
    name = hostPort[1]!;
    port = Number(hostPort[2]);
  }
  const names = expandRanges(name);
  if (typeof names === 'string') return { error: `host range ${JSON.stringify(pattern)}: ${names}` };
  return port === undefined ? { names } : { names, port };
}

function expandRanges(name: string): string[] | string {
  const m = /\[([^\]:]+):([^\]:]+)(?::(\d+))?\]/.exec(name);
  if (!m) return [name];
  const [whole, beg, end, stepText] = m as unknown as [string, string, string, string | undefined];
  const head = name.slice(0, m.index);
  const tail = name.slice(m.index + whole.length);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) return 'the step must be at least 1';
  let items: string[];
  if (/^\d+$/.test(beg) && /^\d+$/.test(end)) {
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    const [b, e] = [Number(beg), Number(end)];
    if (b > e) return `the range starts after it ends (${beg} > ${end})`;
    if ((e - b) / step > MAX_RANGE_HOSTS) return `more than ${MAX_RANGE_HOSTS} hosts`;
    items = [];
    for (let i = b; i <= e; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(beg) && /^[a-z]$/i.test(end)) {
    const [b, e] = [beg.charCodeAt(0), end.charCodeAt(0)];
    if (b > e) return `the range starts after it ends (${beg} > ${end})`;
    items = [];
    for (let i = b; i <= e; i += step) items.push(String.fromCharCode(i));
  } else {
    return `cannot expand [${beg}:${end}]: use numbers or single letters`;
  }
  const rest = expandRanges(tail);
  if (typeof rest === 'string') return rest;
  if (items.length * rest.length > MAX_RANGE_HOSTS) return `more than ${MAX_RANGE_HOSTS} hosts`;
  return items.flatMap((i) => rest.map((r) => head + i + r));
}
