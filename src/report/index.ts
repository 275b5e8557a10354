export { createHumanReporter, type ReporterOptions, type Reporter } from './human.js';
export { createJsonReporter, eventToJson } from './json.js';
export { createProfileReporter, formatProfile, rankTasks, type TaskProfile } from './profile.js';
export { recapFromEvents, formatRecap, exitCodeFromStats, emptyStats, EXIT } from './recap.js';
export { mergeRecaps, type MergedRecap } from './recapMerge.js';
export { colorEnabled, createPalette, type Palette } from './colors.js';
export { CENSORED, MASK, cleanValue, safeResult, safeItemLabel, NoLogGate } from './redact.js';
export { StatusLine, formatElapsed } from './status.js';
