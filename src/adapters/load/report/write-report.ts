import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadReport } from './load-report.ts';
import { reportHtml } from './report-html.ts';

/** Writes `<dir>/load-<time>.json` and `.html` side by side; returns both paths. */
export async function writeReport(report: LoadReport, dir: string): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `load-${report.createdAt.replace(/[:.]/g, '-')}`);
  const paths = { json: `${base}.json`, html: `${base}.html` };
  await writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(paths.html, await reportHtml(report));
  return paths;
}
