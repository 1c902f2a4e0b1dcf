/**
 * Delivery profiles: how a service's team ships. Each is tuned to land in one DORA tier on every
 * key (DESIGN.md §5), so a demo organisation shows a spread on the dashboards rather than eight
 * look-alike services. Durations are medians of log-normal draws unless a name says otherwise.
 */

export type Tier = 'elite' | 'high' | 'medium' | 'low';

/** How a change reaches production. */
export type Cadence =
  /** Every green main build deploys itself, staging then production, one pipeline at a time. */
  | { kind: 'continuous'; promoteAfterMinutes: number }
  /** A release is cut on a schedule, soaks in staging, then the same sha goes to production. */
  | { kind: 'release'; everyDays: number; soakHours: number; versioned: boolean };

export interface DeliveryProfile {
  tier: Tier;
  /** Pull requests merged per working day (Poisson mean). */
  mergesPerWorkday: number;
  /** Hours a branch is worked on before its pull request opens. */
  branchWorkHours: number;
  /** Hours from pull request opened to merged. */
  reviewHours: number;
  cadence: Cadence;
  /** Minutes one deployment job runs. */
  deployMinutes: number;
  /** Share of deployment attempts that end in failure/error and are retried. */
  failedAttemptRate: number;
  /** Minutes until a failed attempt is retried. */
  retryMinutes: number;
  /** Share of successful production deployments that cause an incident (change failure rate). */
  changeFailureRate: number;
  /** Minutes from the culprit deployment to the incident being opened. */
  detectMinutes: number;
  /** Minutes from incident opened to closed (recovery time). */
  recoverMinutes: number;
  /** Share of main builds that fail CI (nothing deploys from them). */
  ciFailureRate: number;
}

/** In minutes, for the *Minutes fields. */
const HOUR = 60;
const DAY = 24 * HOUR;

export const PROFILES: Record<Tier, DeliveryProfile> = {
  elite: {
    tier: 'elite',
    mergesPerWorkday: 2.4,
    branchWorkHours: 3,
    reviewHours: 2,
    cadence: { kind: 'continuous', promoteAfterMinutes: 4 },
    deployMinutes: 5,
    failedAttemptRate: 0.03,
    retryMinutes: 15,
    changeFailureRate: 0.03,
    detectMinutes: 15,
    recoverMinutes: 35,
    ciFailureRate: 0.04,
  },
  high: {
    tier: 'high',
    mergesPerWorkday: 1.3,
    branchWorkHours: 6,
    reviewHours: 14,
    cadence: { kind: 'release', everyDays: 1.8, soakHours: 2, versioned: false },
    deployMinutes: 9,
    failedAttemptRate: 0.05,
    retryMinutes: 45,
    changeFailureRate: 0.07,
    detectMinutes: 2 * HOUR,
    recoverMinutes: 5 * HOUR,
    ciFailureRate: 0.06,
  },
  medium: {
    tier: 'medium',
    mergesPerWorkday: 0.8,
    branchWorkHours: 16,
    reviewHours: 48,
    cadence: { kind: 'release', everyDays: 12, soakHours: 26, versioned: true },
    deployMinutes: 14,
    failedAttemptRate: 0.08,
    retryMinutes: 3 * HOUR,
    changeFailureRate: 0.12,
    detectMinutes: 6 * HOUR,
    recoverMinutes: 2.5 * DAY,
    ciFailureRate: 0.08,
  },
  low: {
    tier: 'low',
    mergesPerWorkday: 0.45,
    branchWorkHours: 48,
    reviewHours: 96,
    cadence: { kind: 'release', everyDays: 45, soakHours: 10 * 24, versioned: true },
    deployMinutes: 25,
    failedAttemptRate: 0.15,
    retryMinutes: 20 * HOUR,
    changeFailureRate: 0.5,
    detectMinutes: 12 * HOUR,
    recoverMinutes: 10 * DAY,
    ciFailureRate: 0.12,
  },
};

/**
 * Which profile the n-th service gets. The first four cover every tier, so even
 * `--services 4` shows the whole spread; more services repeat the middle tiers, as in most orgs.
 */
const TIER_ORDER: readonly Tier[] = ['elite', 'high', 'medium', 'low', 'high', 'elite', 'medium', 'high'];

export function profileFor(serviceIndex: number): DeliveryProfile {
  return PROFILES[TIER_ORDER[serviceIndex % TIER_ORDER.length]!];
}
