import { expect, test } from 'vitest';
import { magicArguments } from './arc-notebook';

test("magic-line arguments are read as Arc's parser reads them", () => {
  expect(magicArguments('%sql name="Two words" outputView=v sqlParams=a=${X},b=c')).toEqual({
    name: 'Two words',
    outputView: 'v',
    sqlParams: 'a=${X},b=c',
  });
});
