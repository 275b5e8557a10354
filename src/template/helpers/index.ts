import { collectionHelpers } from './collections.js';
import { controllerHelpers } from './controller.js';
import { logicHelpers } from './logic.js';
import { numberHelpers } from './numbers.js';
import type { HelperSpec } from './spec.js';
import { stringHelpers } from './strings.js';

export { HelperError, type HelperSpec } from './spec.js';

/** Every value helper, by name. Block helpers (if, unless, each, with, raw) live in the engine. */
export const valueHelpers: ReadonlyMap<string, HelperSpec> = new Map(
  [...logicHelpers, ...stringHelpers, ...collectionHelpers, ...numberHelpers, ...controllerHelpers].map((h) => [h.name, h]),
);

/** Helpers used as blocks: {{#if x}}…{{/if}}. Each takes exactly the given number of parameters. */
export const blockHelperArity: ReadonlyMap<string, [number, number]> = new Map([
  ['if', [1, 1]],
  ['unless', [1, 1]],
  ['each', [1, 1]],
  ['with', [1, 1]],
  ['raw', [0, 0]],
]);
