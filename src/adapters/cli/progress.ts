import cliProgress from 'cli-progress';

export interface Progress {
  update(name: string, done: number, total: number): void;
  stop(): void;
}

/**
 * Progress with rate and ETA: bars on a terminal; one line every few seconds otherwise, so
 * CI logs and pipes stay readable.
 */
export function createProgress(out: NodeJS.WriteStream = process.stderr): Progress {
  if (out.isTTY) {
    const multi = new cliProgress.MultiBar(
      { stream: out, format: ' {name} [{bar}] {value}/{total} | {rate}/s | ETA {eta}s', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    const started = Date.now();
    return {
      update(name, done, total) {
        let bar = bars.get(name);
        if (!bar) bars.set(name, (bar = multi.create(total, 0, { name: name.padEnd(8), rate: 0 })));
        bar.setTotal(total);
        bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) });
      },
      stop: () => multi.stop(),
    };
  }
  const last = new Map<string, number>();
  return {
    update(name, done, total) {
      const now = Date.now();
      if (done < total && now - (last.get(name) ?? 0) < 2000) return;
      last.set(name, now);
      out.write(`${name}: ${done}/${total} (${Math.round((100 * done) / Math.max(1, total))}%)\n`);
    },
    stop: () => undefined,
  };
}
