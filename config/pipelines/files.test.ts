import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readText, scanPipelineFiles } from './files';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

/** A repository with these files (null: a folder) under etl/pipelines/. */
function repoWith(entries: Record<string, string | null>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-files-'));
  roots.push(root);
  const dir = path.join(root, 'etl/pipelines');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(entries)) {
    if (content === null) fs.mkdirSync(path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return root;
}

describe('scanPipelineFiles', () => {
  test('lists .yaml and .yml files sorted, skipping hidden files and other extensions', () => {
    const root = repoWith({ 'b.yml': 'x', 'a.yaml': 'x', '.hidden.yaml': 'x', 'notes.md': 'x' });
    expect(scanPipelineFiles(root)).toEqual({
      files: ['etl/pipelines/a.yaml', 'etl/pipelines/b.yml'],
      problems: [],
    });
  });

  test('a missing etl/pipelines/ folder means no pipelines', () => {
    expect(scanPipelineFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).toEqual({
      files: [],
      problems: [],
    });
  });

  test('fails on a folder, a broken link and a link out of the repository, naming the fix', () => {
    const root = repoWith({ 'group.yaml': null });
    const dir = path.join(root, 'etl/pipelines');
    fs.symlinkSync('gone.yaml', path.join(dir, 'broken.yaml'));
    const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outside-')), 'x.yaml');
    roots.push(path.dirname(outside));
    fs.writeFileSync(outside, 'x');
    fs.symlinkSync(outside, path.join(dir, 'outside.yaml'));
    expect(scanPipelineFiles(root)).toEqual({
      files: [],
      problems: [
        expect.stringMatching(
          /^etl\/pipelines\/broken\.yaml: file: is a symbolic link to 'gone\.yaml', which does not exist/,
        ),
        expect.stringMatching(/^etl\/pipelines\/group\.yaml: file: is a folder, not a file/),
        expect.stringMatching(
          /^etl\/pipelines\/outside\.yaml: file: is a symbolic link to '.*', outside the repository/,
        ),
      ],
    });
  });
});

describe('readText', () => {
  test('returns the text of a UTF-8 file', () => {
    const root = repoWith({ 'a.yaml': 'name: a\n' });
    expect(readText(root, 'etl/pipelines/a.yaml')).toEqual({ text: 'name: a\n' });
  });

  test('fails on a file that is not UTF-8, naming the line of the first bad byte', () => {
    const root = repoWith({});
    fs.writeFileSync(
      path.join(root, 'etl/pipelines/a.yaml'),
      Buffer.from('name: a\nowner: caf\xe9\n', 'latin1'),
    );
    expect(readText(root, 'etl/pipelines/a.yaml').problem).toMatch(
      /^is not UTF-8 text \(first bad byte on line 2\)/,
    );
  });
});
