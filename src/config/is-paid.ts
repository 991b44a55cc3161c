// Whether a `rate` asks for the paid-video chunk: kept tiny, as it sits in the first script. Exactness is
// the chunk's (config/player-config.ts): a malformed rate loads it too, and it refuses it with RATE_INVALID.
/** A price above zero: "0", "0.000" and an absent rate are free. */
export function isPaid(rate: string | null): boolean {
  return rate != null && rate.trim() !== '' && !/^\s*0*(\.0*)?\s*$/.test(rate);
}
