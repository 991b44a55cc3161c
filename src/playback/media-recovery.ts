/**
 * What to do on a fatal hls.js MEDIA_ERROR. recoverMediaError() in a tight loop never ends on a
 * truly broken stream, so: recover, and if it fails again within `windowMs`, swap the audio codec
 * and recover once more (fixes some mislabelled AAC streams), and if that fails too, give up.
 */
export type MediaRecoveryAction = 'recover' | 'swap-and-recover' | 'give-up';

export class MediaRecovery {
  private lastAt: number | undefined;
  private swapped = false;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 3_000,
  ) {}

  onFatal(): MediaRecoveryAction {
    const now = this.now();
    const recent = this.lastAt !== undefined && now - this.lastAt < this.windowMs;
    if (recent && this.swapped) return 'give-up';
    this.lastAt = now;
    if (recent) {
      this.swapped = true;
      return 'swap-and-recover';
    }
    return 'recover';
  }
}
