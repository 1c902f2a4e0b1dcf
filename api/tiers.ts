/**
 * DORA performance tiers, 2023 clusters (DESIGN.md §5). A tier is null when there is nothing to
 * classify (no deployments, no delivered changes, no resolved incidents): an empty window is not
 * evidence of low performance.
 */
export type Tier = 'elite' | 'high' | 'medium' | 'low';

const DAY = 86_400;

export function deploymentFrequencyTier(deployments: number, perDay: number): Tier | null {
  if (deployments === 0) return null;
  if (perDay >= 1) return 'elite';
  if (perDay >= 1 / 7) return 'high';
  if (perDay >= 1 / 30) return 'medium';
  return 'low';
}

export function leadTimeTier(p50Seconds: number | null): Tier | null {
  if (p50Seconds === null) return null;
  if (p50Seconds < DAY) return 'elite';
  if (p50Seconds < 7 * DAY) return 'high';
  if (p50Seconds < 30 * DAY) return 'medium';
  return 'low';
}

export function changeFailureTier(rate: number | null): Tier | null {
  if (rate === null) return null;
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

export function recoveryTier(p50Seconds: number | null): Tier | null {
  if (p50Seconds === null) return null;
  if (p50Seconds < 3600) return 'elite';
  if (p50Seconds < DAY) return 'high';
  if (p50Seconds < 7 * DAY) return 'medium';
  return 'low';
}
