/** Process entry point of the `dora` command. The only module that touches process.env. */
import { main } from './cli.js';

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dora: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
