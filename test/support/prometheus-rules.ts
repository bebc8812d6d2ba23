import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

/** The alert rules in deploy/. */
export const ALERTS_FILE = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  [key: string]: unknown;
}

/** What RefractLegStalled says in deploy/prometheus/alerts.yml: no progress for 120 s, for 1m. */
export const LEG_STALLED_AS_DEPLOYED = { stalledSeconds: 120, for: '1m' } as const;

/**
 * The rules of `alerts.yml` (its text) with RefractLegStalled's two numbers scaled down, for a
 * test that cannot wait three minutes: the `> 120` of its expression becomes `> stalledSeconds`
 * and its `for: 1m` becomes `for`. Nothing else changes, in that rule or any other. Throws when
 * the rule no longer reads as deployed (the numbers or the shape changed), so the copy can never
 * silently test something else. The real thresholds are covered by `promtool test rules`
 * (deploy/prometheus/alerts.test.yml).
 */
export function withLegStalledScaledDown(alertsYaml: string, scaled: { stalledSeconds: number; for: string }): string {
  const doc = parse(alertsYaml) as { groups: { name: string; rules: Rule[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert === 'RefractLegStalled');
  const [rule] = rules;
  if (rules.length !== 1 || !rule) throw new Error(`alerts.yml should have one RefractLegStalled rule, has ${rules.length}`);
  const threshold = `> ${LEG_STALLED_AS_DEPLOYED.stalledSeconds}`;
  const places = rule.expr.split(threshold).length - 1;
  if (places !== 1 || rule.for !== LEG_STALLED_AS_DEPLOYED.for) {
    throw new Error(`RefractLegStalled no longer reads "${threshold}" once with for: ${LEG_STALLED_AS_DEPLOYED.for}; update the test's scaling:\n${rule.expr}for: ${rule.for ?? '-'}`);
  }
  rule.expr = rule.expr.replace(threshold, `> ${scaled.stalledSeconds}`);
  rule.for = scaled.for;
  return stringify(doc);
}

/** deploy/prometheus/alerts.yml with RefractLegStalled scaled down (see withLegStalledScaledDown). */
export function deployedAlertsWithLegStalledScaledDown(scaled: { stalledSeconds: number; for: string }): string {
  return withLegStalledScaledDown(readFileSync(ALERTS_FILE, 'utf8'), scaled);
}
