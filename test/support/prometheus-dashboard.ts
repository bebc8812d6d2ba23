import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Grafana dashboard in deploy/. */
export const DASHBOARD_FILE = fileURLToPath(new URL('../../deploy/grafana/refract-dashboard.json', import.meta.url));

/** One query of a dashboard panel, with Grafana's variables filled in. */
export interface PanelQuery {
  readonly panel: string;
  /** As the dashboard has it. */
  readonly template: string;
  /** What Prometheus is asked. */
  readonly expr: string;
}

/**
 * Values for Grafana's variables in a panel query. `leg` is what the dashboard's `leg` variable
 * gives with "All" selected (a regex of every leg); the intervals are Grafana's built-ins.
 */
export interface DashboardVariables {
  readonly leg: string;
  readonly __rate_interval: string;
  readonly __interval: string;
  readonly __range: string;
  readonly [name: string]: string;
}

export const DEFAULT_VARIABLES: DashboardVariables = { leg: 'graph|vector', __rate_interval: '1m', __interval: '15s', __range: '1h' };

interface RawPanel {
  readonly type?: string;
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly RawPanel[];
}

/**
 * Fills `$name`, `${name}` and `${name:format}` from `variables`; throws on a variable it has
 * no value for, so a new one in the dashboard is noticed rather than sent to Prometheus.
 */
export function fillVariables(template: string, variables: Readonly<Record<string, string>> = DEFAULT_VARIABLES): string {
  return template.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = variables[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in: ${template}`);
    return value;
  });
}

/** Every query of every panel (rows' nested panels included), variables filled in. */
export function dashboardQueries(
  file: string = DASHBOARD_FILE, variables: Readonly<Record<string, string>> = DEFAULT_VARIABLES,
): PanelQuery[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels?: readonly RawPanel[] };
  const all = (panels: readonly RawPanel[]): RawPanel[] => panels.flatMap((p) => [p, ...all(p.panels ?? [])]);
  return all(dashboard.panels ?? [])
    .filter((p) => p.type !== 'row')
    .flatMap((p) => (p.targets ?? []).map((t) => {
      if (!t.expr) throw new Error(`panel "${p.title ?? '?'}" has a target without expr`);
      return { panel: p.title ?? '(untitled)', template: t.expr, expr: fillVariables(t.expr, variables) };
    }));
}
