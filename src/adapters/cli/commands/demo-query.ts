import type { PropertyValue } from '../../../domain/index.ts';
import type { Embedder, GraphStore, VectorStore } from '../../../ports/index.ts';

export interface PersonAnswer {
  id: string;
  score: number;
  name: string;
  occupation: string;
  city: string;
  accounts: { id: string; iban: string; latest: { id: string; amount: number; currency: string; at: string; counterparty: string }[] }[];
}

/**
 * The cross-model question: persons most similar to a text (vector index), each with their
 * accounts and the counterparties of their latest outgoing transactions (graph).
 */
export async function similarPersonsWithMoneyTrail(
  stores: { vectors: VectorStore; graph: GraphStore; embedder: Embedder },
  query: string,
  k: number,
  latest = 3,
): Promise<PersonAnswer[]> {
  const [vector] = await stores.embedder.embed([query]);
  if (!vector) return [];
  const hits = await stores.vectors.search('person', vector, k);
  const answers: PersonAnswer[] = [];
  for (const hit of hits) {
    const accountIds = await stores.graph.sources(hit.id, 'OWNED_BY');
    const accounts = await stores.graph.get(accountIds);
    const rows: PersonAnswer['accounts'] = [];
    for (const id of accountIds) {
      const txIds = await stores.graph.sources(id, 'FROM');
      const txs = [...(await stores.graph.get(txIds)).values()]
        .filter((t) => !t.deleted)
        .sort((a, b) => str(b.properties['booked_at']).localeCompare(str(a.properties['booked_at'])))
        .slice(0, latest);
      const targets = await stores.graph.get(txs.flatMap((t) => t.edges.filter((e) => e.label === 'TO').map((e) => e.to.id)));
      const ownerIds = [...targets.values()].flatMap((a) => a.edges.filter((e) => e.label === 'OWNED_BY').map((e) => e.to.id));
      const owners = await stores.graph.get(ownerIds);
      rows.push({
        id,
        iban: str(accounts.get(id)?.properties['iban']),
        latest: txs.map((t) => {
          const to = t.edges.find((e) => e.label === 'TO')?.to.id ?? '';
          const ownerId = targets.get(to)?.edges.find((e) => e.label === 'OWNED_BY')?.to.id ?? '';
          const owner = owners.get(ownerId)?.properties;
          return {
            id: t.id, amount: Number(t.properties['amount']), currency: str(t.properties['currency']), at: str(t.properties['booked_at']),
            counterparty: owner ? str(owner['full_name'] ?? owner['legal_name']) || ownerId : `${ownerId || to} (not yet known)`,
          };
        }),
      });
    }
    answers.push({
      id: hit.id, score: hit.score, name: str(hit.fields['full_name']), occupation: str(hit.fields['occupation']),
      city: str(hit.fields['city']), accounts: rows,
    });
  }
  return answers;
}

const str = (value: PropertyValue | undefined): string => (value === undefined ? '' : String(value));
