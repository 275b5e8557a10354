/** serial: a number, a percentage, or a list of them (the last size repeats), as in Ansible. */
export function serialBatches(hosts: string[], serial: Array<number | string> | undefined): string[][] {
  if (!serial || serial.length === 0) return hosts.length ? [hosts] : [];
  const sizeOf = (spec: number | string): number => {
    if (typeof spec === 'number') return spec;
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(spec.trim());
    if (pct) return Math.floor((Number(pct[1]) / 100) * hosts.length);
    return Number(spec);
  };
  const batches: string[][] = [];
  let i = 0;
  let step = 0;
  while (i < hosts.length) {
    const size = Math.max(1, sizeOf(serial[Math.min(step, serial.length - 1)]!) || hosts.length);
    batches.push(hosts.slice(i, i + size));
    i += size;
    step++;
  }
  return batches;
}
