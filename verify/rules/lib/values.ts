/**
 * Small readers for synthesized values. cdktf writes a nested block as an object or as a list of objects depending on
 * the provider schema, and booleans sometimes as strings ("true"); rules read both forms through these helpers.
 */

/** The value as a record, or an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value as a list of records: a single object becomes a list of one, anything else an empty list. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) as Record<
      string,
      unknown
    >[];
  }
  return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
}

/** The first block of a nested block value (object or list form), or an empty record. */
export function block(value: unknown): Record<string, unknown> {
  return blocks(value)[0] ?? {};
}

/** The value as a list of strings (a single string becomes a list of one). */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The value if it is a non-empty string. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True for `true` and `"true"` (Terraform accepts both). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** True for `false` and `"false"`. */
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** The value as a number (numbers and numeric strings), or undefined. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A value for a message: strings as they are, other scalars printed, objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}
