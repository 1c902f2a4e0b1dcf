/**
 * What `dora start` prints once at start: where to point GitHub, and the generated secrets.
 * Written to the terminal directly, never through the logger, so secrets never reach log files.
 */
import type { Secrets } from './secrets.js';

export function printStartBanner(url: string, secrets: Secrets, generated: string[], secretsFile: string): void {
  const lines = [
    '',
    `DORA pipeline is running at ${url}`,
    '',
    `  GitHub webhook  ${url}/webhooks/github   (content type application/json, secret = GITHUB_WEBHOOK_SECRET)`,
    `  DORA API        ${url}/api/v1/dora       (Authorization: Bearer DORA_API_TOKEN)`,
    `  OpenAPI         ${url}/openapi.json`,
    `  Demo data       npm run demo`,
    '',
  ];
  if (generated.length > 0) {
    lines.push(`  Secrets kept in ${secretsFile} (mode 0600); set them in the environment to override:`);
    for (const name of generated) lines.push(`    ${name}=${secrets[name as keyof Secrets]}`);
    lines.push('');
  }
  process.stdout.write(lines.join('\n') + '\n');
}
