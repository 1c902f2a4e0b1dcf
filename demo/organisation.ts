/**
 * The simulated organisation: teams of developers spread over time zones, each team owning a few
 * services (one GitHub repository each, `acme/<service>`), each service with its own delivery
 * profile. Built only from the seed, so the same seed always gives the same people and repos.
 */
import { profileFor, type DeliveryProfile } from './profiles.js';
import { Random } from './random.js';

export const ORG_LOGIN = 'acme';
export const DEFAULT_BRANCH = 'main';

export interface Person {
  login: string;
  id: number;
  name: string;
  email: string;
  type: 'User' | 'Bot';
  /** The offset their git commits carry (committer's local time), e.g. -420 for -07:00. */
  utcOffsetMinutes: number;
}

export interface Team {
  slug: string;
  name: string;
  developers: Person[];
  /** Where releases are scheduled from: the team's main office. */
  homeOffsetMinutes: number;
}

export interface Service {
  name: string;
  /** `acme/<name>`: without a catalog the pipeline uses it as the service name. */
  fullName: string;
  repoId: number;
  team: Team;
  profile: DeliveryProfile;
  /** A legacy service deploys to `prod`; the pipeline maps it to production by configuration. */
  productionEnvironment: 'production' | 'prod';
  language: string;
  description: string;
  createdAt: number;
}

export interface Organisation {
  login: string;
  id: number;
  teams: Team[];
  services: Service[];
  /** Actor of automated deployments and CI runs. */
  bot: Person;
}

interface TeamSeed {
  slug: string;
  name: string;
  /** Offsets of the places the team's people work from; the first is the main office. */
  offsets: readonly number[];
}

const TEAMS: readonly TeamSeed[] = [
  { slug: 'payments', name: 'Payments', offsets: [60, 0, 120, 330] },
  { slug: 'checkout', name: 'Checkout', offsets: [-420, -240, -300] },
  { slug: 'identity', name: 'Identity', offsets: [330, 60, 330] },
  { slug: 'discovery', name: 'Discovery', offsets: [540, 480, 60] },
  { slug: 'platform', name: 'Platform', offsets: [-240, 60, -180, 0] },
  { slug: 'fulfilment', name: 'Fulfilment', offsets: [120, 60, -360] },
];

/** [service, owning team, language, description] in the order services are added. */
const SERVICES: readonly (readonly [string, string, string, string])[] = [
  ['payments-api', 'payments', 'Go', 'Card and wallet payment authorisation'],
  ['checkout-web', 'checkout', 'TypeScript', 'Checkout single-page app and BFF'],
  ['identity-api', 'identity', 'Kotlin', 'Accounts, sessions and OAuth tokens'],
  ['search-api', 'discovery', 'Java', 'Product search and ranking'],
  ['ledger-service', 'payments', 'Go', 'Double-entry ledger for settlements'],
  ['orders-api', 'checkout', 'TypeScript', 'Order lifecycle and history'],
  ['notifications-worker', 'platform', 'Python', 'Email, SMS and push delivery'],
  ['catalog-api', 'discovery', 'Java', 'Product catalogue and pricing feed'],
  ['auth-gateway', 'identity', 'Go', 'Edge authentication proxy'],
  ['inventory-service', 'fulfilment', 'Java', 'Stock levels and reservations'],
  ['shipping-api', 'fulfilment', 'Python', 'Carrier rates and labels'],
  ['recommendations', 'discovery', 'Python', 'Personalised recommendations'],
  ['billing-worker', 'payments', 'Go', 'Invoices and subscription billing'],
  ['feature-flags', 'platform', 'Go', 'Feature flag service'],
  ['media-service', 'platform', 'Rust', 'Image resizing and CDN origin'],
  ['fraud-detector', 'payments', 'Python', 'Real-time fraud scoring'],
];

const FIRST_NAMES = [
  'Priya', 'Lukas', 'Mei', 'Carlos', 'Aisha', 'Tom', 'Sofia', 'Kenji', 'Olu', 'Hannah', 'Ravi', 'Marta',
  'Diego', 'Yuki', 'Fatima', 'Jonas', 'Ana', 'Sam', 'Ingrid', 'Arjun', 'Chloe', 'Mateo', 'Leila', 'Ben',
];
const LAST_NAMES = [
  'Nair', 'Schmidt', 'Chen', 'Ortega', 'Bello', 'Walsh', 'Rossi', 'Tanaka', 'Adeyemi', 'Berg', 'Iyer', 'Novak',
  'Silva', 'Sato', 'Haddad', 'Lind', 'Costa', 'Okafor', 'Larsen', 'Mehta', 'Dubois', 'Garcia', 'Farah', 'Price',
];

export const GITHUB_ACTIONS_BOT: Person = {
  login: 'github-actions[bot]',
  id: 41898282,
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
  type: 'Bot',
  utcOffsetMinutes: 0,
};

export function buildOrganisation(serviceCount: number, seed: number): Organisation {
  const rng = new Random(seed);
  const logins = new Set<string>();
  const teams = new Map<string, Team>();
  const teamFor = (slug: string): Team => {
    const existing = teams.get(slug);
    if (existing) return existing;
    const spec = TEAMS.find((t) => t.slug === slug)!;
    const size = rng.int(4, 7);
    const developers = Array.from({ length: size }, (_, i) =>
      developer(rng, logins, spec.offsets[i % spec.offsets.length]!),
    );
    const team: Team = { slug, name: spec.name, developers, homeOffsetMinutes: spec.offsets[0]! };
    teams.set(slug, team);
    return team;
  };

  const services: Service[] = [];
  for (let i = 0; i < serviceCount; i += 1) {
    const [base, teamSlug, language, description] = SERVICES[i % SERVICES.length]!;
    const round = Math.floor(i / SERVICES.length);
    const name = round === 0 ? base : `${base}-${round + 1}`;
    const profile = profileFor(i);
    services.push({
      name,
      fullName: `${ORG_LOGIN}/${name}`,
      repoId: rng.int(300_000_000, 899_999_999),
      team: teamFor(teamSlug),
      profile,
      productionEnvironment: profile.tier === 'low' ? 'prod' : 'production',
      language,
      description,
      // Somewhere in 2018–2023: the repositories predate any simulated history.
      createdAt: Date.UTC(2018, 0, 1) + rng.int(0, 6 * 365) * 86_400_000,
    });
  }
  return { login: ORG_LOGIN, id: 81_000_000 + rng.int(0, 999_999), teams: [...teams.values()], services, bot: GITHUB_ACTIONS_BOT };
}

function developer(rng: Random, logins: Set<string>, utcOffsetMinutes: number): Person {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  let login = `${first}-${last}`.toLowerCase();
  for (let n = 2; logins.has(login); n += 1) login = `${first}-${last}${n}`.toLowerCase();
  logins.add(login);
  const id = rng.int(1_000_000, 150_000_000);
  return { login, id, name: `${first} ${last}`, email: `${id}+${login}@users.noreply.github.com`, type: 'User', utcOffsetMinutes };
}
