/**
 * Deterministic sample contacts for the customer-scd2 samples: an initial extract and a delta extract in which some
 * contacts changed and some are new. Pure functions of a fixed seed: no clock, no Math.random.
 */

/** One row of a contacts extract. */
export interface Contact {
  readonly id: number;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  readonly phone: string;
  readonly city: string;
  readonly country: string;
  /** ISO 8601 instant in UTC, seconds precision, e.g. `2024-01-17T08:02:11Z`. */
  readonly updated_at: string;
}

/** CSV columns, in file order. */
export const CONTACT_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
  'country',
  'updated_at',
] as const satisfies readonly (keyof Contact)[];

/** The attributes whose change makes a new version in the SCD2 table (everything but the key and the timestamp). */
export const TRACKED_COLUMNS = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
  'country',
] as const satisfies readonly (keyof Contact)[];

/** Sizes of the sample: 1,000 initial contacts; the delta changes 92 of them and adds 100. */
export const SAMPLE_SIZES = { initial: 1000, changed: 92, added: 100 } as const;

const SEED = 20240101;

/** xorshift32 with a fixed seed: small, fast and reproducible on every platform. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    // xorshift has one fixed point, zero; avoid it.
    this.state = seed >>> 0 === 0 ? 0x2545f491 : seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

// prettier-ignore
const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Ananya', 'Astrid', 'Bruno', 'Chen', 'Chloé', 'Dara', 'Diego', 'Elif', 'Emma', 'Farah',
  'Felix', 'Grace', 'Hannah', 'Hiro', 'Ines', 'Ivan', 'Jamal', 'Jonas', 'Kai', 'Lars', 'Layla', 'Lena', 'Lucas',
  'Maya', 'Mateo', 'Nadia', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Sara', 'Sean', 'Sofia', 'Tariq', 'Yuki', 'Zoe',
];

// prettier-ignore
const LAST_NAMES = [
  'Andersen', 'Bauer', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Haddad', 'Ito', 'Jensen', 'Kowalski',
  'Lopez', 'Martin', 'Müller', 'Nakamura', 'Novak', "O'Neill", 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Santos',
  'Schmidt', 'Silva', 'Tanaka', 'Tran', 'Urban', 'Van Dijk', 'Weber', 'Yilmaz',
];

/** City, country and the country's calling code. */
const PLACES: readonly (readonly [string, string, string])[] = [
  ['Amsterdam', 'Netherlands', '31'],
  ['Barcelona', 'Spain', '34'],
  ['Berlin', 'Germany', '49'],
  ['Dublin', 'Ireland', '353'],
  ['Hamburg', 'Germany', '49'],
  ['Kraków', 'Poland', '48'],
  ['Lisbon', 'Portugal', '351'],
  ['London', 'United Kingdom', '44'],
  ['Lyon', 'France', '33'],
  ['Madrid', 'Spain', '34'],
  ['Manchester', 'United Kingdom', '44'],
  ['Milan', 'Italy', '39'],
  ['Munich', 'Germany', '49'],
  ['Osaka', 'Japan', '81'],
  ['Paris', 'France', '33'],
  ['Seattle', 'United States', '1'],
  ['Stockholm', 'Sweden', '46'],
  ['São Paulo', 'Brazil', '55'],
  ['Tokyo', 'Japan', '81'],
  ['Toronto', 'Canada', '1'],
];

const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com'];

/** Start of the initial extract's and of the delta's `updated_at` ranges (fixed instants, never the clock). */
const INITIAL_FROM = Date.UTC(2024, 0, 1);
const DELTA_FROM = Date.UTC(2024, 5, 1);
const RANGE_SECONDS = 28 * 24 * 3600;

function instant(prng: Prng, fromMs: number): string {
  return new Date(fromMs + prng.int(RANGE_SECONDS) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Lower-case ASCII local part of an e-mail address: diacritics and anything but letters dropped. */
function mailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function email(prng: Prng, first: string, last: string, id: number): string {
  return `${mailPart(first)}.${mailPart(last)}${id}@${prng.pick(DOMAINS)}`;
}

function phone(prng: Prng, callingCode: string): string {
  const digits = Array.from({ length: 9 }, (_, i) => (i === 0 ? 1 + prng.int(9) : prng.int(10))).join('');
  return `+${callingCode} ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

function newContact(prng: Prng, id: number, fromMs: number): Contact {
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  const [city, country, code] = prng.pick(PLACES);
  return {
    id,
    first_name: first,
    last_name: last,
    email: email(prng, first, last, id),
    phone: phone(prng, code),
    city,
    country,
    updated_at: instant(prng, fromMs),
  };
}

/** A changed version of `contact`: a move, a new e-mail, a new phone number or a new surname (at least one). */
function changedContact(prng: Prng, contact: Contact): Contact {
  const changes = new Set<'move' | 'email' | 'phone' | 'surname'>();
  const kinds = ['move', 'email', 'phone', 'surname'] as const;
  const count = 1 + prng.int(2);
  while (changes.size < count) changes.add(prng.pick(kinds));
  let next: Contact = { ...contact, updated_at: instant(prng, DELTA_FROM) };
  if (changes.has('surname')) {
    const surnames = LAST_NAMES.filter((name) => name !== contact.last_name);
    const last = prng.pick(surnames);
    next = { ...next, last_name: last, email: email(prng, next.first_name, last, next.id) };
  }
  if (changes.has('move')) {
    const places = PLACES.filter(([city]) => city !== contact.city);
    const [city, country, code] = prng.pick(places);
    next = { ...next, city, country, phone: phone(prng, code) };
  }
  if (changes.has('email')) {
    const domains = DOMAINS.filter((domain) => !contact.email.endsWith(`@${domain}`));
    next = { ...next, email: `${contact.email.split('@')[0]}@${prng.pick(domains)}` };
  }
  if (changes.has('phone')) {
    const code = /^\+(\d+) /.exec(next.phone)?.[1] ?? '1';
    let fresh = phone(prng, code);
    while (fresh === next.phone) fresh = phone(prng, code);
    next = { ...next, phone: fresh };
  }
  return next;
}

/** The two extracts of the sample, always the same. */
export function generateContacts(): { initial: Contact[]; delta: Contact[] } {
  const prng = new Prng(SEED);
  const initial = Array.from({ length: SAMPLE_SIZES.initial }, (_, i) =>
    newContact(prng, i + 1, INITIAL_FROM),
  );

  // A seeded Fisher-Yates shuffle of the ids picks which contacts change.
  const ids = initial.map((c) => c.id);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const changedIds = ids.slice(0, SAMPLE_SIZES.changed).sort((a, b) => a - b);
  const changed = changedIds.map((id) => changedContact(prng, initial[id - 1]));
  const added = Array.from({ length: SAMPLE_SIZES.added }, (_, i) =>
    newContact(prng, SAMPLE_SIZES.initial + i + 1, DELTA_FROM),
  );
  return { initial, delta: [...changed, ...added] };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row and LF line endings. */
export function toCsv(rows: readonly Contact[]): string {
  const lines = [CONTACT_COLUMNS.join(',')];
  for (const row of rows) lines.push(CONTACT_COLUMNS.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}

/** Parses what {@link toCsv} writes (quoted fields without embedded newlines). */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.replace(/\n$/, '').split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (line[i] === '"') {
            i++;
            break;
          } else {
            value += line[i++];
          }
        }
        fields.push(value);
        i++; // the comma
      } else {
        const comma = line.indexOf(',', i);
        const end = comma < 0 ? line.length : comma;
        fields.push(line.slice(i, end));
        i = end + 1;
      }
    }
    return Object.fromEntries(columns.map((column, index) => [column, fields[index]]));
  });
}
