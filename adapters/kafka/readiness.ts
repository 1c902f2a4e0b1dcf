/**
 * isReady() bookkeeping: the outcome of the latest real call (append, admin, probe) answers for
 * a few seconds; only when it is older does a readiness check cost a broker round trip, and
 * concurrent checks share that one probe.
 */
export class Readiness {
  private latest: { ok: boolean; at: number } | undefined;
  private probing: Promise<boolean> | undefined;

  constructor(private readonly cacheMs: number) {}

  record(ok: boolean): void {
    this.latest = { ok, at: Date.now() };
  }

  /**
   * `trustSuccess` false makes a recent success not enough (e.g. no producer is connected, though
   * the last admin call worked); a recent failure always answers false without a probe.
   */
  check(probe: () => Promise<void>, trustSuccess = true): Promise<boolean> {
    const latest = this.latest;
    const fresh = latest !== undefined && Date.now() - latest.at < this.cacheMs;
    if (fresh && (!latest.ok || trustSuccess)) return Promise.resolve(latest.ok);
    this.probing ??= probe()
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        this.record(ok);
        this.probing = undefined;
        return ok;
      });
    return this.probing;
  }
}
