/**
 * A short fingerprint of per-item progress, so the monitor activity can tell whether it has news for
 * the workflow without the workflow sending its whole item list (which would grow history with every
 * poll). Pure and deterministic: the workflow and the activity compute the same value.
 */

/** Items as the master log shows them: the fields that make up the fingerprint. */
export interface ProgressEntry {
  module: string;
  item: string;
  status: string;
}

/** Returns an FNV-1a 32-bit hash, in hex, of every item's module, name and status in log order. */
export function progressSignature(entries: readonly ProgressEntry[]): string {
  let hash = 0x811c9dc5;
  for (const entry of entries) {
    for (const character of `${entry.module}\u0000${entry.item}\u0000${entry.status}\u0001`) {
      hash ^= character.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  }
  return hash.toString(16).padStart(8, '0');
}
