import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadEnvironments } from '../shipped';
import { affectedJobs, defaultBase, impactReport, renderImpactMarkdown } from './impact';

const REPO_ROOT = path.resolve(__dirname, '../..');
const dev = loadEnvironments(['dev'])[0];

/** A scratch git repository holding a copy of etl/ and a dist/ file, with a real commit history. */
class ScratchRepo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impact-test-'));

  constructor() {
    fs.cpSync(path.join(REPO_ROOT, 'etl'), path.join(this.dir, 'etl'), { recursive: true });
    this.write('dist/k8s/dev/README.md', '# dev\n');
    this.git('init', '--quiet', '--initial-branch=main');
    this.commit('base');
  }

  git(...args: string[]): string {
    const result = spawnSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
      },
    });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  }

  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), text);
  }

  edit(file: string, from: string, to: string): void {
    const text = fs.readFileSync(path.join(this.dir, file), 'utf8');
    expect(text, `${file} contains the text to replace`).toContain(from);
    this.write(file, text.replace(from, to));
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '--quiet', '-m', message);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('make impact on a two-commit history', () => {
  let repo: ScratchRepo;
  beforeAll(() => {
    repo = new ScratchRepo();
  });
  afterAll(() => repo.dispose());

  test('a change to 02_stage_delta.sql touches delta-load, scd2-merge and register-table, nothing else', () => {
    repo.git('checkout', '--quiet', '-b', 'stage-delta');
    repo.edit(
      'etl/jobs/customer-scd2-sql/02_stage_delta.sql',
      'trim(city) AS city,',
      'initcap(trim(city)) AS city,',
    );
    repo.commit('stage delta: capitalise cities');
    const report = impactReport(repo.dir, 'HEAD~1', dev);
    expect(affectedJobs(report)).toEqual([
      'customer-scd2-sql/delta-load',
      'customer-scd2-sql/scd2-merge',
      'customer-scd2-sql/register-table',
    ]);
    expect(report.changed).toEqual([
      {
        pipeline: 'customer-scd2-sql',
        job: 'delta-load',
        reasons: ['file etl/jobs/customer-scd2-sql/02_stage_delta.sql'],
        writes: ['customer_sql/staging_delta'],
      },
    ]);
    expect(report.downstream).toEqual([
      { pipeline: 'customer-scd2-sql', job: 'scd2-merge', reads: ['customer_sql/staging_delta'] },
      { pipeline: 'customer-scd2-sql', job: 'register-table', reads: ['customer_sql/contacts_scd2'] },
    ]);
    expect(report.pipelines).toEqual([]);
    // The default base of a feature branch is where it left main.
    expect(defaultBase(repo.dir)).toBe(repo.git('rev-parse', 'main'));
    const markdown = renderImpactMarkdown(report);
    expect(markdown).toContain(
      '| customer-scd2-sql | delta-load | file etl/jobs/customer-scd2-sql/02_stage_delta.sql | `customer_sql/staging_delta` |',
    );
    expect(markdown).toContain('| customer-scd2-sql | register-table | `customer_sql/contacts_scd2` |');
  });

  test('a schedule change is a pipeline change; a size change is a job change with its downstream jobs', () => {
    repo.edit('etl/pipelines/nyc-taxi.yaml', "cron: '0 6 3 * *'", "cron: '0 7 3 * *'");
    repo.edit(
      'etl/pipelines/customer-scd2.yaml',
      'file: customer-scd2/scd2_merge.ipynb\n    size: small',
      'file: customer-scd2/scd2_merge.ipynb\n    size: medium',
    );
    repo.edit('dist/k8s/dev/README.md', '# dev', '# dev (changed)');
    repo.commit('schedule and size');
    const report = impactReport(repo.dir, 'HEAD~1', dev);
    expect(report.pipelines).toEqual([
      { pipeline: 'nyc-taxi', reasons: ['schedule (0 6 3 * * → 0 7 3 * *)'] },
    ]);
    expect(affectedJobs(report)).toEqual(['customer-scd2/scd2-merge', 'customer-scd2/register-table']);
    expect(report.changed[0].reasons).toEqual(['size (medium)']);
    expect(report.dist).toEqual(['M dist/k8s/dev/README.md']);
  });

  test('a parameter change reaches the jobs that receive it; an uncommitted new pipeline counts too', () => {
    repo.edit(
      'etl/pipelines/word-count.yaml',
      'input: asset:jobs/word-count/data/sample.txt',
      'input: s3a://other/texts/',
    );
    repo.write(
      'etl/pipelines/daily-words.yaml',
      [
        'name: daily-words',
        'description: Reads the word counts',
        'owner: data-platform',
        'jobs:',
        '  - id: top-words',
        '    runtime: sql',
        '    file: daily-words/top.sql',
        '',
      ].join('\n'),
    );
    repo.write('etl/jobs/daily-words/top.sql', 'SELECT * FROM parquet.`${DATALAKE}/word_count` LIMIT 10;\n');
    const report = impactReport(repo.dir, 'HEAD', dev);
    expect(report.changed).toEqual([
      { pipeline: 'daily-words', job: 'top-words', reasons: ['added'], writes: [] },
      // word-count belongs to the analytics team: it writes under the team's own prefix.
      {
        pipeline: 'word-count',
        job: 'word-count',
        reasons: ['parameters (input)'],
        writes: ['teams/analytics/word_count'],
      },
    ]);
    expect(report.pipelines).toEqual([{ pipeline: 'daily-words', reasons: ['added'] }]);
    expect(report.downstream).toEqual([]);
  });

  test('a changed data test is a change of its job, whose step the downstream jobs wait for', () => {
    repo.edit(
      'etl/pipelines/customer-scd2-sql.yaml',
      'where: is_current\n',
      'where: is_current AND id > 0\n',
    );
    const report = impactReport(repo.dir, 'HEAD', dev);
    expect(report.changed.find((c) => c.job === 'scd2-merge')).toEqual({
      pipeline: 'customer-scd2-sql',
      job: 'scd2-merge',
      reasons: ['data tests'],
      writes: ['customer_sql/contacts_scd2'],
    });
    expect(affectedJobs(report).filter((j) => j.startsWith('customer-scd2-sql/'))).toEqual([
      'customer-scd2-sql/scd2-merge',
      'customer-scd2-sql/register-table',
    ]);
  });
});
