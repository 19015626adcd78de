import { expect, test } from 'vitest';
import { ARC_IMAGE_STAGE_TYPES, ARC_MAGICS, ARC_STAGE_TYPES } from './arc-stages';

test('the catalogues know the magics and stage types of the samples', () => {
  for (const magic of [
    '%sql',
    '%sqlvalidate',
    '%env',
    '%conf',
    '%configplugin',
    '%lifecycleplugin',
    '%arc',
  ]) {
    expect(ARC_MAGICS).toHaveProperty([magic]);
  }
  for (const type of [
    'DelimitedExtract',
    'ParquetExtract',
    'DeltaLakeExtract',
    'TypingTransform',
    'DeltaLakeLoad',
  ]) {
    expect(ARC_STAGE_TYPES).toHaveProperty([type]);
  }
});

test('every type the runtime image runs is a stage type the lint knows', () => {
  expect(ARC_IMAGE_STAGE_TYPES.filter((type) => !(type in ARC_STAGE_TYPES))).toEqual([]);
});
