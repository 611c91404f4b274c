/**
 * @module quantity
 * Kubernetes-style resource quantities as daprd's --max-body-size and --read-buffer-size take them.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** `4Mi` → 4194304; `512` → 512; undefined for anything else. */
export function parseQuantity(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]i|[kKMGT])?$/.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * (SUFFIX[m[2] ?? ''] as number));
}
