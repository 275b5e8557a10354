/** The lab changes the machine's network and mounts: it needs Linux and root, and says so before touching anything. */
import { LabError } from '../core/errors.js';

export function assertCanRunLab(): void {
  if (process.platform !== 'linux') {
    throw new LabError(`the lab needs Linux (network namespaces, overlayfs, systemd-nspawn); this is ${process.platform}`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError('the lab needs root: it creates a bridge, network namespaces and mounts. Run it with sudo, e.g. `sudo run-playbook lab up`');
  }
}
