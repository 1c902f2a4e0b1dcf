/**
 * GitHub's identifiers for the simulated objects. Global ids (deployments, runs, issues) grow
 * with gaps, as on github.com where everyone else's activity takes the numbers in between.
 * Issue and pull request numbers are per repository and shared, as on GitHub.
 *
 * Drawn from the activity stream, which is seeded with the run's time as well as the seed: a
 * second demo run never reuses a sha or deployment id with different timestamps, which would
 * leave the instance holding two contradictory versions of one commit or deployment.
 */
import type { Random } from './random.js';

class GrowingId {
  private value: number;
  constructor(
    private readonly rng: Random,
    start: number,
    private readonly maxGap: number,
  ) {
    this.value = start;
  }
  next(): number {
    this.value += this.rng.int(1, this.maxGap);
    return this.value;
  }
}

export class Ids {
  readonly deployment: GrowingId;
  readonly deploymentStatus: GrowingId;
  readonly workflowRun: GrowingId;
  readonly pullRequest: GrowingId;
  readonly issue: GrowingId;
  readonly label: GrowingId;

  constructor(private readonly rng: Random) {
    this.deployment = new GrowingId(rng, rng.int(1_000_000_000, 1_900_000_000), 400);
    this.deploymentStatus = new GrowingId(rng, rng.int(10_000_000_000, 19_000_000_000), 900);
    this.workflowRun = new GrowingId(rng, rng.int(10_000_000_000, 19_000_000_000), 5_000);
    this.pullRequest = new GrowingId(rng, rng.int(1_500_000_000, 2_400_000_000), 5_000);
    this.issue = new GrowingId(rng, rng.int(2_000_000_000, 2_900_000_000), 5_000);
    this.label = new GrowingId(rng, rng.int(5_000_000_000, 8_000_000_000), 50);
  }

  /** A git object id: 40 lowercase hex digits. */
  sha(): string {
    return this.rng.hex(40);
  }
}

/** One repository's counters. */
export class RepoCounters {
  private number: number;
  private run: number;
  readonly workflowId: number;

  constructor(rng: Random) {
    // Repositories have history before the simulated window: numbering continues from it.
    this.number = rng.int(100, 4_000);
    this.run = rng.int(200, 9_000);
    this.workflowId = rng.int(10_000_000, 99_999_999);
  }

  /** The next issue or pull request number. */
  nextNumber(): number {
    this.number += 1;
    return this.number;
  }

  nextRunNumber(): number {
    this.run += 1;
    return this.run;
  }
}
