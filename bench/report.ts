import os from 'node:os';

/** One measured figure, printed next to the baseline measured in the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly target?: string;
  /** For counts where less is better (model calls): print "N vs baseline M" instead of a ratio. */
  readonly lowerIsBetter?: boolean;
}

export const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;

export function printFigures(section: string, figures: readonly Figure[]): void {
  process.stdout.write(`\n${section}\n`);
  for (const f of figures) {
    const ratio =
      f.baseline === undefined
        ? ''
        : f.lowerIsBetter
          ? `  vs ${f.baselineName ?? 'baseline'} ${fmt(f.baseline)} ${f.unit} (${f.baseline ? `${((100 * f.value) / f.baseline).toFixed(1)}%` : 'n/a'} of the baseline's)`
          : `  ratio ${(f.value / f.baseline).toFixed(1)}× vs ${f.baselineName ?? 'baseline'} ${fmt(f.baseline)} ${f.unit}`;
    const target = f.target ? `  (target ${f.target})` : '';
    process.stdout.write(`  ${f.name.padEnd(46)} ${fmt(f.value).padStart(10)} ${f.unit}${ratio}${target}\n`);
  }
}

const fmt = (n: number) => (Number.isInteger(n) || n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));
