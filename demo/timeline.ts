/**
 * Where the simulation records what GitHub would have sent, and when. Anything that would
 * happen after "now" is not recorded: a deployment still running has no terminal status yet, an
 * incident not yet resolved has no `closed` delivery.
 */
import type { GithubEventName } from '../schemas/github.js';
import type { Ids, RepoCounters } from './ids.js';
import type { Organisation, Service } from './organisation.js';
import type { JsonObject } from './payloads.js';
import type { Random } from './random.js';

export interface GeneratedDelivery {
  event: GithubEventName;
  /** Event time (epoch ms): when GitHub would have sent it. */
  at: number;
  repo: string;
  payload: JsonObject;
}

export class Timeline {
  private readonly recorded: GeneratedDelivery[] = [];

  constructor(readonly now: number) {}

  /** Records a delivery; the payload is built only if the event is not in the future. */
  emit(event: GithubEventName, at: number, repo: string, payload: () => JsonObject): void {
    if (at > this.now) return;
    this.recorded.push({ event, at, repo, payload: payload() });
  }

  /** In event-time order; ties keep the order they were recorded in (Array.sort is stable). */
  deliveries(): GeneratedDelivery[] {
    return [...this.recorded].sort((a, b) => a.at - b.at);
  }
}

/** Everything one service's simulation needs. */
export interface ServiceSim {
  org: Organisation;
  service: Service;
  rng: Random;
  ids: Ids;
  counters: RepoCounters;
  timeline: Timeline;
  /** Start of the simulated window (epoch ms); `timeline.now` is its end. */
  from: number;
}
