/** The local lab's API: real Debian hosts (or light sshd-only hosts) on one Linux machine, for tests, demo, benchmarks. */
export { labUp, labDown, labPrepare, labHealth, type LabUpOptions, type HostHealth } from './lifecycle.js';
export {
  labStatus,
  labInventoryPath,
  assertLabTarget,
  labExec,
  labStopHost,
  labStartHost,
  labCutNetwork,
  labRestoreNetwork,
  type LabStatus,
} from './operate.js';
export type { LabState, HostRecord, HostKind } from './state.js';
export type { ExecResult } from './exec.js';
export { renderInventory } from './inventory.js';
export { DEFAULT_SUBNET } from './paths.js';
