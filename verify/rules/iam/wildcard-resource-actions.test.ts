import { describe, expect, test } from 'vitest';
import {
  NO_RESOURCE_LEVEL_ACTIONS,
  RUNTIME_TARGET_ACTIONS,
  WILDCARD_RESOURCE_ACTIONS,
} from './wildcard-resource-actions';

describe("verify's wildcard-resource allow-list", () => {
  const all = [...NO_RESOURCE_LEVEL_ACTIONS, ...RUNTIME_TARGET_ACTIONS];

  test('names single actions, each once, each with a reason', () => {
    for (const { action, why } of all) {
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(why.length, action).toBeGreaterThan(10);
    }
    expect(WILDCARD_RESOURCE_ACTIONS.size).toBe(all.length);
  });

  test('holds only read and list calls (a write on "*" is never accepted)', () => {
    for (const { action } of all) expect(action.split(':')[1]).toMatch(/^(Describe|Get|List)/);
  });
});
