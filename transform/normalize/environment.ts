/**
 * Canonical environment names. Every configured production name (DORA_PRODUCTION_ENVIRONMENTS,
 * case-insensitive) becomes `production`, so `prod` and `production` deployments of one service
 * form one history. Other names are lower-cased. Changing the setting needs a replay of the log.
 */
export function canonicalEnvironment(name: string, productionNames: readonly string[]): string {
  const lower = name.trim().toLowerCase();
  return productionNames.includes(lower) ? 'production' : lower;
}

export const PRODUCTION = 'production';
