import type { SizePreset, SparkResources } from './model';

/** The size presets a job may name instead of explicit resources (the seed's sizes). */
export const SIZE_PRESETS: Readonly<Record<SizePreset, SparkResources>> = {
  small: {
    driver: { cores: 1, memory: '2g' },
    executor: { cores: 1, memory: '4g', minInstances: 1, maxInstances: 2 },
    localStorage: '20Gi',
  },
  medium: {
    driver: { cores: 2, memory: '4g' },
    executor: { cores: 2, memory: '8g', minInstances: 1, maxInstances: 10 },
    localStorage: '50Gi',
  },
  large: {
    driver: { cores: 4, memory: '8g' },
    executor: { cores: 4, memory: '16g', minInstances: 1, maxInstances: 20 },
    localStorage: '100Gi',
  },
  // One fixed executor: for small inputs and tests, no scaling.
  local: {
    driver: { cores: 2, memory: '4g' },
    executor: { cores: 1, memory: '2g', minInstances: 1, maxInstances: 1 },
    localStorage: '10Gi',
  },
};

/** Preset names in the order they are documented. */
export const SIZE_PRESET_NAMES = [
  'small',
  'medium',
  'large',
  'local',
] as const satisfies readonly SizePreset[];

/** The size a job gets when it names neither a size nor resources. */
export const DEFAULT_SIZE: SizePreset = 'small';
