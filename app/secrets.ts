/**
 * Secure by default with zero set-up (DESIGN.md §7): in the embedded shape every secret left unset
 * is generated once and kept in DORA_DATA_DIR/secrets.json (mode 0600), so restarts keep them.
 * Distributed roles never generate: they refuse to start without the ones they need.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { DoraError } from '../ports/errors.js';

export const SECRET_NAMES = ['GITHUB_WEBHOOK_SECRET', 'ARGOCD_WEBHOOK_TOKEN', 'TEKTON_WEBHOOK_TOKEN', 'DORA_API_TOKEN'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = Record<SecretName, string>;

export interface ResolvedSecrets {
  secrets: Secrets;
  /** Names generated now or earlier and read from the file (not set in the environment). */
  fromFile: SecretName[];
  file: string;
}

export async function resolveEmbeddedSecrets(config: Config): Promise<ResolvedSecrets> {
  const file = join(config.DORA_DATA_DIR, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DoraError('CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const secrets = {} as Secrets;
  const fromFile: SecretName[] = [];
  let changed = false;
  for (const name of SECRET_NAMES) {
    const given = config[name];
    if (given) {
      secrets[name] = given;
      continue;
    }
    let value = stored[name];
    if (!value) {
      value = randomBytes(24).toString('base64url');
      stored[name] = value;
      changed = true;
    }
    secrets[name] = value;
    fromFile.push(name);
  }
  if (changed) {
    await mkdir(config.DORA_DATA_DIR, { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return { secrets, fromFile, file };
}

/** For distributed roles: the named secrets, or a clear refusal naming every missing one. */
export function requireSecrets(config: Config, names: readonly SecretName[], role: string): Secrets {
  const missing = names.filter((n) => !config[n]);
  if (missing.length > 0) {
    throw new DoraError('CONFIG_INVALID', `dora ${role} refuses to start without ${missing.join(', ')} (at least 16 characters each)`);
  }
  const secrets = {} as Secrets;
  for (const n of SECRET_NAMES) secrets[n] = config[n] ?? '';
  return secrets;
}
