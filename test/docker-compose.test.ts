/**
 * docker-compose.yml, the Dockerfile and the Grafana provisioning cannot be run here (no Docker
 * engine), so this test checks them against the code they must agree with: the service names of
 * the design, the CLI's commands, the configuration schema (a misspelt variable fails), the Kafka
 * listeners and ClickHouse address the roles use, published ports, the provisioned data source and
 * dashboard (whose SQL may read only tables the migrations create), volumes, and the build.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../app/config.js';
import { SECRET_NAMES } from '../app/secrets.js';
import { MIGRATIONS } from '../queries/migrations.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(v)}`);
  return v;
}

// Compose allows YAML merge keys (`<<: *anchor`); the file uses them for the shared role settings.
const compose = obj(parse(read('docker-compose.yml'), { merge: true }), 'docker-compose.yml');
const services = obj(compose.services, 'services');
const service = (name: string): Obj => obj(services[name], `service ${name}`);

const DESIGN_SERVICES = ['kafka', 'clickhouse', 'migrate', 'ingest', 'transform', 'api', 'grafana'];
/** Services that run this repository's image, each as the role of the same name. */
const OUR_ROLES = ['migrate', 'ingest', 'transform', 'api'];

/** A service's environment as a map, whichever of the two compose syntaxes it uses. */
function environment(svc: Obj): Record<string, string> {
  const env = svc.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(obj(env, 'environment')).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const INTERPOLATION = /\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g;

/** Variables a value takes from the shell / .env, and whether compose refuses to start without it. */
function interpolations(value: string): { name: string; required: boolean }[] {
  return [...value.replaceAll('$$', '').matchAll(INTERPOLATION)].map((m) => ({
    name: m[1]!,
    required: m[2] === ':?' || m[2] === '?',
  }));
}

/** The value compose would pass with an empty .env: defaults applied, required ones given a stand-in. */
function resolveWithDefaults(value: string): string {
  return value.replace(INTERPOLATION, (_m, _name: string, op: string | undefined, arg: string | undefined) => {
    if (op === ':-' || op === '-') return arg ?? '';
    if (op === ':?' || op === '?') return 'a-stand-in-secret-of-32-characters';
    return '';
  });
}

function command(svc: Obj): string[] {
  const c = svc.command;
  if (Array.isArray(c)) return c.map(String);
  if (typeof c === 'string') return c.trim().split(/\s+/);
  return [];
}

interface PortMapping {
  host: string | undefined;
  container: number;
}

function ports(svc: Obj): PortMapping[] {
  const list = svc.ports;
  if (!Array.isArray(list)) return [];
  return list.map((p): PortMapping => {
    if (isObj(p)) {
      return { host: p.published === undefined ? undefined : String(p.published), container: Number(p.target) };
    }
    // [ip:][host:]container[/protocol]
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const container = Number(parts.pop());
    return { host: parts.length > 0 ? parts.pop() : undefined, container };
  });
}

interface Mount {
  type: 'bind' | 'volume';
  source: string;
  target: string;
}

function mounts(svc: Obj): Mount[] {
  const list = svc.volumes;
  if (!Array.isArray(list)) return [];
  return list.map((v): Mount => {
    if (isObj(v)) {
      const type = v.type === 'bind' ? 'bind' : 'volume';
      return { type, source: String(v.source ?? ''), target: String(v.target) };
    }
    const [source = '', target = ''] = String(v).split(':');
    const type = /^[./~]/.test(source) ? 'bind' : 'volume';
    return { type, source, target };
  });
}

function dependsOn(svc: Obj): Record<string, string> {
  const deps = svc.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  if (!isObj(deps)) return {};
  return Object.fromEntries(
    Object.entries(deps).map(([name, spec]) => [name, isObj(spec) ? String(spec.condition ?? 'service_started') : 'service_started']),
  );
}

/** Commands listed in the `Commands:` block of the CLI's help text (read as text: nothing is run). */
function cliCommands(): string[] {
  const source = read('app/cli.ts');
  const block = /\nCommands:\n([\s\S]*?)\n\s*\n/.exec(source);
  if (!block) throw new Error('app/cli.ts: no "Commands:" block in the help text');
  return block[1]!
    .split('\n')
    .map((line) => /^\s+([a-z][a-z-]*)\s{2,}\S/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

const CLICKHOUSE_TABLES = new Set(
  MIGRATIONS.flatMap((m) => m.clickhouse)
    .map((sql) => /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?/i.exec(sql)?.[1])
    .filter((t): t is string => t !== undefined),
);

/** Tables a SQL text reads: every name after FROM or JOIN (subqueries open with a parenthesis). */
function tablesIn(sql: string): string[] {
  const withoutStrings = sql.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/--[^\n]*/g, '');
  return [...withoutStrings.matchAll(/\b(?:FROM|JOIN)\s+([`"]?[\w.]+[`"]?)/gi)].map((m) =>
    m[1]!.replace(/[`"]/g, '').replace(/^\w+\./, ''),
  );
}

const ourEnv = Object.fromEntries(OUR_ROLES.map((name) => [name, environment(service(name))]));
const schemaKeys = new Set(Object.keys(configSchema.shape));

describe('docker-compose.yml: services', () => {
  it('has every service the design names', () => {
    for (const name of DESIGN_SERVICES) expect(Object.keys(services), `service ${name}`).toContain(name);
  });

  it('runs the roles from the image built from this repository', () => {
    const images = new Set<string>();
    for (const name of OUR_ROLES) {
      const svc = service(name);
      const build = svc.build;
      const context = typeof build === 'string' ? build : isObj(build) ? String(build.context ?? '.') : undefined;
      expect(context, `${name}: build`).toBeDefined();
      const dockerfile = isObj(build) && build.dockerfile ? String(build.dockerfile) : 'Dockerfile';
      expect(resolve(ROOT, context!), `${name}: build context`).toBe(ROOT);
      expect(existsSync(join(ROOT, context!, dockerfile)), `${name}: ${dockerfile} exists`).toBe(true);
      expect(typeof svc.image, `${name}: image tag`).toBe('string');
      images.add(String(svc.image));
    }
    expect([...images], 'one image for every role').toHaveLength(1);
    for (const name of Object.keys(services).filter((n) => !OUR_ROLES.includes(n))) {
      expect(service(name).build, `${name} uses an upstream image`).toBeUndefined();
      expect(images.has(String(service(name).image)), `${name} image`).toBe(false);
    }
  });

  it('gives each role a command of the CLI, the one named like the service', () => {
    const commands = cliCommands();
    expect(commands).toEqual(expect.arrayContaining(['start', 'ingest', 'transform', 'api', 'migrate']));
    for (const name of OUR_ROLES) {
      const cmd = command(service(name));
      expect(commands, `${name}: command ${JSON.stringify(cmd)}`).toContain(cmd[0]);
      expect(cmd[0], `${name}: command`).toBe(name);
    }
  });

  it('uses current pinned upstream images', () => {
    expect(String(service('kafka').image)).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(String(service('clickhouse').image)).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/);
    expect(String(service('grafana').image)).toMatch(/^grafana\/grafana(-oss)?:\d+\.\d+/);
  });

  it('lets transform scale: no container_name and no published port; no role pins a container name', () => {
    expect(service('transform').container_name).toBeUndefined();
    expect(ports(service('transform'))).toEqual([]);
    for (const name of OUR_ROLES) expect(service(name).container_name, name).toBeUndefined();
  });

  it('runs migrate once and starts the store readers after it', () => {
    expect(String(service('migrate').restart ?? 'no')).toBe('no');
    expect(ports(service('migrate'))).toEqual([]);
    for (const name of ['transform', 'api']) {
      expect(dependsOn(service(name)).migrate, `${name} waits for migrate`).toBe('service_completed_successfully');
    }
  });

  it('waits on healthy dependencies that exist and have a health check', () => {
    for (const [name, def] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(obj(def, name)))) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        expect(['service_healthy', 'service_completed_successfully'], `${name} -> ${dep}`).toContain(condition);
        if (condition === 'service_healthy') {
          const target = service(dep);
          const hc = target.healthcheck;
          // Our image declares a HEALTHCHECK in the Dockerfile; upstream ones need it in compose.
          const ours = OUR_ROLES.includes(dep);
          expect(ours || (isObj(hc) && hc.test !== undefined && hc.disable !== true), `${dep} has a health check`).toBe(true);
        }
      }
    }
    expect(dependsOn(service('ingest')).kafka).toBe('service_healthy');
    expect(dependsOn(service('transform')).kafka).toBe('service_healthy');
    expect(dependsOn(service('transform')).clickhouse).toBe('service_healthy');
    expect(dependsOn(service('api')).clickhouse).toBe('service_healthy');
    expect(dependsOn(service('migrate')).clickhouse).toBe('service_healthy');
  });
});

describe('docker-compose.yml: configuration of the roles', () => {
  it('sets only variables the configuration schema knows (a typo fails here)', () => {
    for (const name of OUR_ROLES) {
      const unknown = Object.keys(ourEnv[name]!).filter((k) => !schemaKeys.has(k));
      expect(unknown, `${name}: variables not in app/config.ts`).toEqual([]);
    }
  });

  it('gives every role a configuration that loads: Kafka event log, ClickHouse store', () => {
    for (const name of OUR_ROLES) {
      const env = Object.fromEntries(Object.entries(ourEnv[name]!).map(([k, v]) => [k, resolveWithDefaults(v)]));
      const config = loadConfig(env);
      expect(config.DORA_EVENT_LOG, name).toBe('kafka');
      expect(config.DORA_STORE, name).toBe('clickhouse');
      expect(config.KAFKA_BROKERS.length, name).toBeGreaterThan(0);
    }
  });

  it('takes every secret from .env and refuses to start without it', () => {
    for (const name of OUR_ROLES) {
      for (const secret of SECRET_NAMES) {
        const value = ourEnv[name]![secret];
        expect(value, `${name}: ${secret}`).toBeDefined();
        expect(interpolations(value!), `${name}: ${secret} = ${value}`).toEqual([{ name: secret, required: true }]);
      }
    }
  });

  it('documents in .env.example every variable compose requires', () => {
    const example = read('.env.example');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    const required = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const i of interpolations(v)) if (i.required) required.add(i.name);
      } else if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (isObj(v)) {
        Object.values(v).forEach(walk);
      }
    };
    walk(compose);
    expect(required.size).toBeGreaterThan(0);
    for (const name of required) expect(documented.has(name), `.env.example lists ${name}`).toBe(true);
    // No real secret in the example: the required ones are left empty.
    for (const name of required) expect(example, name).toMatch(new RegExp(`^${name}=\\s*$`, 'm'));
  });

  it('points KAFKA_BROKERS at a listener the kafka service advertises', () => {
    const kafka = environment(service('kafka'));
    const listenerPort = (list: string, name: string): number | undefined => {
      const entry = list.split(',').find((l) => l.trim().startsWith(`${name}://`));
      return entry === undefined ? undefined : Number(entry.trim().split(':').pop());
    };
    const advertised = (kafka.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').map((l) => {
      const m = /^\s*(\w+):\/\/([^:]+):(\d+)\s*$/.exec(l);
      if (!m) throw new Error(`KAFKA_ADVERTISED_LISTENERS entry ${l}`);
      return { name: m[1]!, host: m[2]!, port: Number(m[3]) };
    });
    const controllerNames = (kafka.KAFKA_CONTROLLER_LISTENER_NAMES ?? '').split(',');
    for (const name of OUR_ROLES) {
      const brokers = resolveWithDefaults(ourEnv[name]!.KAFKA_BROKERS ?? '').split(',');
      for (const broker of brokers) {
        const [host, port] = broker.trim().split(':');
        expect(host, `${name}: broker host is the kafka service`).toBe('kafka');
        const match = advertised.find((a) => a.host === host && a.port === Number(port));
        expect(match, `${name}: ${broker} is advertised by kafka`).toBeDefined();
        expect(controllerNames, `${broker} is not the controller listener`).not.toContain(match!.name);
        expect(listenerPort(kafka.KAFKA_LISTENERS ?? '', match!.name), `kafka listens on ${match!.name}`).toBe(Number(port));
      }
    }
    // KRaft combined mode: the quorum voter is this node, on the controller listener.
    expect(kafka.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    const voter = /^(\d+)@([^:]+):(\d+)$/.exec(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '');
    expect(voter, 'KAFKA_CONTROLLER_QUORUM_VOTERS').not.toBeNull();
    expect(voter![1]).toBe(kafka.KAFKA_NODE_ID);
    expect(voter![2]).toBe('kafka');
    expect(Number(voter![3])).toBe(listenerPort(kafka.KAFKA_LISTENERS ?? '', controllerNames[0]!));
    // A single broker cannot replicate its internal topics.
    expect(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    // The data directory is on the declared volume.
    expect(mounts(service('kafka')).map((m) => m.target)).toContain(kafka.KAFKA_LOG_DIRS);
  });

  it('points CLICKHOUSE_URL at the clickhouse service, with its account and database', () => {
    const ch = environment(service('clickhouse'));
    for (const name of OUR_ROLES) {
      const env = ourEnv[name]!;
      const url = new URL(resolveWithDefaults(env.CLICKHOUSE_URL ?? ''));
      expect(url.hostname, `${name}: CLICKHOUSE_URL host`).toBe('clickhouse');
      expect(url.port, `${name}: CLICKHOUSE_URL port`).toBe('8123');
      expect(env.CLICKHOUSE_DATABASE, `${name}: database`).toBe(ch.CLICKHOUSE_DB);
      expect(env.CLICKHOUSE_USER, `${name}: user`).toBe(ch.CLICKHOUSE_USER);
      expect(env.CLICKHOUSE_PASSWORD, `${name}: password`).toBe(ch.CLICKHOUSE_PASSWORD);
    }
    const hc = obj(service('clickhouse').healthcheck, 'clickhouse healthcheck');
    expect(JSON.stringify(hc.test)).toContain(':8123/ping');
  });

  it('publishes ingest and api on host ports that map to PORT inside', () => {
    const expectedHost: Record<string, string> = { ingest: '3000', api: '3001' };
    for (const name of OUR_ROLES) {
      const port = configSchema.shape.PORT.parse(ourEnv[name]!.PORT);
      for (const p of ports(service(name))) expect(p.container, `${name}: container port`).toBe(port);
    }
    for (const [name, host] of Object.entries(expectedHost)) {
      expect(ports(service(name)).map((p) => p.host), name).toEqual([host]);
    }
    const published = Object.values(services).flatMap((s) => ports(obj(s, 'service')).map((p) => p.host));
    expect(new Set(published).size, 'no host port published twice').toBe(published.length);
  });
});

describe('docker-compose.yml: volumes', () => {
  it('declares every named volume it uses', () => {
    const declared = Object.keys(isObj(compose.volumes) ? compose.volumes : {});
    for (const [name, def] of Object.entries(services)) {
      for (const m of mounts(obj(def, name)).filter((m) => m.type === 'volume' && m.source !== '')) {
        expect(declared, `${name}: volume ${m.source}`).toContain(m.source);
      }
    }
    for (const name of ['kafka', 'clickhouse', 'grafana']) {
      expect(mounts(service(name)).some((m) => m.type === 'volume'), `${name} keeps its data on a volume`).toBe(true);
    }
  });

  it('bind-mounts only paths that exist in the repository', () => {
    for (const [name, def] of Object.entries(services)) {
      for (const m of mounts(obj(def, name)).filter((m) => m.type === 'bind')) {
        expect(existsSync(resolve(ROOT, m.source)), `${name}: ${m.source} exists`).toBe(true);
      }
    }
  });
});

describe('Grafana provisioning', () => {
  const grafana = service('grafana');
  const grafanaMounts = mounts(grafana);
  /** The repository path mounted on a container path (or a file under a mounted directory). */
  const hostPathOf = (containerPath: string): string | undefined => {
    const m = grafanaMounts
      .filter((m) => m.type === 'bind' && (containerPath === m.target || containerPath.startsWith(`${m.target}/`)))
      .sort((a, b) => b.target.length - a.target.length)[0];
    return m === undefined ? undefined : resolve(ROOT, m.source, containerPath.slice(m.target.length).replace(/^\//, ''));
  };

  it('installs the ClickHouse data source plugin', () => {
    const env = environment(grafana);
    const plugins = (env.GF_INSTALL_PLUGINS ?? env.GF_PLUGINS_PREINSTALL_SYNC ?? '').split(',').map((p) => p.trim().split('@')[0]);
    expect(plugins).toContain('grafana-clickhouse-datasource');
  });

  const datasourceFile = hostPathOf('/etc/grafana/provisioning/datasources/clickhouse.yaml');
  const providerFile = hostPathOf('/etc/grafana/provisioning/dashboards/dora.yaml');

  it('mounts the provisioning files from the repository', () => {
    expect(datasourceFile).toBe(join(ROOT, 'dashboards/grafana/provisioning/datasources/clickhouse.yaml'));
    expect(providerFile).toBe(join(ROOT, 'dashboards/grafana/provisioning/dashboards/dora.yaml'));
    expect(existsSync(datasourceFile!)).toBe(true);
    expect(existsSync(providerFile!)).toBe(true);
  });

  const datasources = () => {
    const doc = obj(parse(readFileSync(datasourceFile!, 'utf8')), 'clickhouse.yaml');
    expect(Array.isArray(doc.datasources)).toBe(true);
    return (doc.datasources as unknown[]).map((d) => obj(d, 'datasource'));
  };

  it('provisions a data source that points at the clickhouse service', () => {
    const [ds] = datasources().filter((d) => d.type === 'grafana-clickhouse-datasource');
    expect(ds).toBeDefined();
    const json = obj(ds!.jsonData, 'jsonData');
    expect(json.host).toBe('clickhouse');
    expect(Number(json.port)).toBe(8123);
    expect(json.protocol).toBe('http');
    expect(json.defaultDatabase).toBe(ourEnv.api!.CLICKHOUSE_DATABASE);
    // Whatever it takes from Grafana's environment is set on the grafana service.
    const env = environment(grafana);
    const text = readFileSync(datasourceFile!, 'utf8').replace(/^\s*#.*$/gm, '');
    for (const m of text.matchAll(/\$\{?(\w+)\}?/g)) expect(Object.keys(env), `grafana env ${m[1]}`).toContain(m[1]);
    expect(env.CLICKHOUSE_PASSWORD).toBe(environment(service('clickhouse')).CLICKHOUSE_PASSWORD);
  });

  const provider = () => {
    const doc = obj(parse(readFileSync(providerFile!, 'utf8')), 'dora.yaml');
    const [p] = (doc.providers as unknown[]).map((x) => obj(x, 'provider'));
    return obj(p, 'provider');
  };
  const dashboardDir = () => hostPathOf(String(obj(provider().options, 'options').path));

  it('loads dashboards from a mounted directory of the repository', () => {
    const p = provider();
    expect(p.type).toBe('file');
    const dir = dashboardDir();
    expect(dir).toBe(join(ROOT, 'dashboards/grafana/dashboards'));
    expect(statSync(dir!).isDirectory()).toBe(true);
    expect(existsSync(join(dir!, 'dora-overview.json'))).toBe(true);
  });

  it('ships a dashboard whose SQL reads only tables the migrations create', () => {
    const dashboard = obj(JSON.parse(readFileSync(join(dashboardDir()!, 'dora-overview.json'), 'utf8')), 'dora-overview.json');
    const uids = new Set(datasources().map((d) => String(d.uid)));
    const panels = (dashboard.panels as unknown[]).map((p) => obj(p, 'panel'));
    expect(panels.length).toBeGreaterThan(0);
    const sqls: string[] = [];
    for (const panel of panels) {
      const targets = (panel.targets as unknown[] | undefined ?? []).map((t) => obj(t, 'target'));
      expect(targets.length, `${String(panel.title)}: queries`).toBeGreaterThan(0);
      for (const t of targets) {
        const ds = obj(t.datasource ?? panel.datasource, `${String(panel.title)}: datasource`);
        expect(uids.has(String(ds.uid)), `${String(panel.title)}: data source ${String(ds.uid)} is provisioned`).toBe(true);
        expect(typeof t.rawSql).toBe('string');
        sqls.push(String(t.rawSql));
      }
    }
    expect(CLICKHOUSE_TABLES.size).toBeGreaterThan(0);
    const read = new Set<string>();
    for (const sql of sqls) {
      const tables = tablesIn(sql);
      expect(tables.length, `reads a table: ${sql}`).toBeGreaterThan(0);
      for (const t of tables) {
        expect(CLICKHOUSE_TABLES.has(t), `table ${t} is created by queries/migrations.ts`).toBe(true);
        read.add(t);
      }
      // DESIGN.md §5: only production deployments count, and facts are read through their keys.
      if (/\bFROM\s+(deployment_attempts|deliveries)\b/i.test(sql)) {
        expect(sql, 'production only').toMatch(/environment\s*=\s*'production'/);
        expect(sql, 'deduplicated through GROUP BY').toMatch(/GROUP BY\s+(deployment_id|attempt_id|service,\s*sha)/);
      }
      if (/\bFROM\s+incidents\b/i.test(sql)) expect(sql, 'latest incident version').toMatch(/argMax\(\w+,\s*version\)/);
      // The dashboard's time range is the window [from, to).
      expect(sql).toContain('>= ${__from}');
      expect(sql).toContain('< ${__to}');
    }
    for (const t of ['deployment_attempts', 'deliveries', 'incidents']) expect(read, `the dashboard reads ${t}`).toContain(t);
  });
});

describe('Dockerfile', () => {
  const dockerfile = existsSync(join(ROOT, 'Dockerfile')) ? read('Dockerfile') : '';
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lastOf = (keyword: string) => [...instructions].reverse().find((l) => l.toUpperCase().startsWith(`${keyword} `));
  const jsonArg = (line: string | undefined, keyword: string): unknown => JSON.parse((line ?? '').slice(keyword.length).trim());

  it('exists and runs the compiled CLI entry point', () => {
    expect(dockerfile, 'Dockerfile exists').not.toBe('');
    expect(jsonArg(lastOf('ENTRYPOINT'), 'ENTRYPOINT')).toEqual(['node', 'dist/app/main.js']);
    expect(existsSync(join(ROOT, 'app/main.ts')), 'app/main.ts compiles to dist/app/main.js').toBe(true);
    const cmd = jsonArg(lastOf('CMD'), 'CMD') as string[];
    expect(cliCommands()).toContain(cmd[0]);
  });

  it('builds with package.json\'s build script into dist/', () => {
    expect(instructions.some((l) => /^RUN\b.*\bnpm ci\b/.test(l)), 'npm ci').toBe(true);
    expect(instructions.some((l) => /^RUN\b.*\bnpm run build\b/.test(l)), 'npm run build').toBe(true);
    const pkg = JSON.parse(read('package.json')) as { scripts?: Record<string, string> };
    expect(pkg.scripts?.build, 'package.json needs "build": "tsc -p tsconfig.build.json"').toBeDefined();
    const project = /-p\s+(\S+)/.exec(pkg.scripts!.build!)?.[1] ?? 'tsconfig.json';
    const tsconfig = JSON.parse(read(project)) as { extends?: string; compilerOptions?: { outDir?: string; rootDir?: string } };
    const base = tsconfig.extends
      ? (JSON.parse(read(tsconfig.extends)) as { compilerOptions?: { outDir?: string; rootDir?: string } })
      : {};
    const options = { ...base.compilerOptions, ...tsconfig.compilerOptions };
    expect(options.outDir?.replace(/^\.\//, '')).toBe('dist');
    expect(options.rootDir).toBe('.');
  });

  it('runs node 20 on Debian slim, as a non-root user, with a health check on /healthz', () => {
    const froms = instructions.filter((l) => /^FROM\s/i.test(l));
    expect(froms.length, 'multi-stage').toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/node:20-bookworm-slim/);
    const user = lastOf('USER');
    expect(user, 'USER').toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    expect(lastOf('EXPOSE')).toMatch(/\b3000\b/);
    const healthcheck = lastOf('HEALTHCHECK');
    expect(healthcheck).toMatch(/fetch\(/);
    expect(healthcheck).toContain('/healthz');
    expect(read('api/health-routes.ts')).toContain("'/healthz'");
    expect(instructions.some((l) => /npm prune --omit=dev|npm ci --omit=dev/.test(l)), 'dev dependencies pruned').toBe(true);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split(/\r?\n/).map((l) => l.trim());
    for (const entry of ['.env', 'node_modules/', 'dist/', 'data/', '.git/']) expect(ignored, entry).toContain(entry);
  });
});
