import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readmePinFiles } from './spark-runtime-pins';
import { renderReadmeVersions, renderVersionsTable, VERSIONS_BEGIN, VERSIONS_END } from './readme-versions';
import { ADDON_VERSIONS, ARC_IMAGE, CHART_VERSIONS, RUNNER_TERRAFORM_VERSION } from './versions';

const REPO = path.resolve(__dirname, '..');

describe("README's table of platform pins", () => {
  test('is up to date (make pins)', () => {
    const [f] = readmePinFiles(REPO);
    expect(f.current).toBe(f.expected);
  });

  test('names every chart with its version and app, every add-on build, Terraform and the Arc image', () => {
    const table = renderVersionsTable();
    for (const c of Object.values(CHART_VERSIONS)) {
      expect(table).toMatch(
        new RegExp(`\\| Helm chart \`${c.chart}\` +\\| ${c.version.replace(/\./g, '\\.')} from`),
      );
    }
    for (const addons of Object.values(ADDON_VERSIONS)) {
      for (const [name, version] of Object.entries(addons)) expect(table).toContain(`${name} ${version}`);
    }
    expect(table).toContain(`${RUNNER_TERRAFORM_VERSION} in the platform runner`);
    expect(table).toContain(ARC_IMAGE.image);
    expect(table).toMatch(/\| EKS 1\.35 \(default\) +\|/);
    expect(table).toMatch(/v3\.4\.7 \(image tag values; the chart ships v3\.4\.4\)/);
  });

  test('replaces only what lies between the markers', () => {
    const readme = `# Title\n\nbefore\n\n${VERSIONS_BEGIN}\nstale\n${VERSIONS_END}\n\nafter\n`;
    const written = renderReadmeVersions(readme);
    expect(written.startsWith(`# Title\n\nbefore\n\n${VERSIONS_BEGIN}\n\n| what`)).toBe(true);
    expect(written.endsWith(`|\n\n${VERSIONS_END}\n\nafter\n`)).toBe(true);
    expect(written).not.toContain('stale');
    expect(renderReadmeVersions(written)).toBe(written);
  });

  test('fails with the fix when the markers are gone', () => {
    expect(() => renderReadmeVersions('# Title\n')).toThrow(
      /README\.md: the markers .* are missing; restore them/,
    );
  });

  test('the committed README is what Prettier keeps (the table is padded as Prettier pads it)', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const lines = readme.slice(readme.indexOf(VERSIONS_BEGIN), readme.indexOf(VERSIONS_END)).split('\n');
    const rows = lines.filter((l) => l.startsWith('|'));
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });
});
