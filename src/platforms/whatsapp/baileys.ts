/**
 * The one place that loads Baileys.
 *
 * `@whiskeysockets/baileys` 7 is published as ESM only, and this project compiles to CommonJS, so
 * a static `import` would become a `require()` of an ES module. A dynamic `import()` stays a real
 * ES import under `module: NodeNext` (tsc) and under tsx, so the module is loaded lazily here and
 * every other file imports Baileys for its *types* only (`resolution-mode: import`).
 */
import type * as Baileys from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

/** The Baileys module namespace (`makeWASocket`, `BufferJSON`, `proto`, `DisconnectReason`, …). */
export type BaileysModule = typeof Baileys;

let loading: Promise<BaileysModule> | undefined;

/**
 * Loads Baileys once and returns the same module on every later call.
 *
 * A failed load is not cached, so a later call tries again.
 */
export function loadBaileys(): Promise<BaileysModule> {
  loading ??= import('@whiskeysockets/baileys').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
