/**
 * Keeps the RepoState of recently active repositories in memory, loading a repository's state
 * from the store the first time it is needed. Bounded (least recently used goes first) so years
 * of history for thousands of repositories don't have to fit in memory at once.
 *
 * The cache must never be ahead of the store: callers clear it when a batch fails (its writes may
 * not have landed) and when partitions move to another process (rebalance).
 */
import type { Store } from '../../ports/store.js';
import { RepoState } from './repo-state.js';

export class RepoStateCache {
  private readonly states = new Map<string, RepoState>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 2_000,
  ) {}

  async get(repo: string): Promise<RepoState> {
    const cached = this.states.get(repo);
    if (cached) {
      // Re-insert: Map iteration order is insertion order, so the oldest entry is the LRU one.
      this.states.delete(repo);
      this.states.set(repo, cached);
      return cached;
    }
    const state = new RepoState(repo, await this.store.loadRepoFacts(repo));
    this.states.set(repo, state);
    while (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
    }
    return state;
  }

  clear(): void {
    this.states.clear();
  }

  get size(): number {
    return this.states.size;
  }
}
