import { z } from 'zod';
import { defineApp, defineProjection, entityRefSchema, type EntityEvent, type GraphCommand, type VectorCommand } from 'refract';
import { openLoans } from './open-loans.projection.ts';

/**
 * A second application, from another domain, written against Refract's public API only: a
 * lending library. Members borrow books; the graph shows who borrowed what, and books are
 * searchable by their description. Run it with `npm run refract -- demo --app examples/library/app.ts`.
 */
const member = z.strictObject({
  name: z.string().min(1).max(120),
  city: z.string().min(1).max(80),
  joined_on: z.iso.date(),
  tier: z.enum(['standard', 'student', 'patron']),
});

const book = z.strictObject({
  title: z.string().min(1).max(200),
  author: z.string().min(1).max(120),
  genre: z.enum(['fiction', 'history', 'science', 'poetry', 'children']),
  published_year: z.number().int().min(1450).max(2100),
  isbn: z.string().regex(/^97[89][0-9]{10}$/, 'an ISBN-13').optional(),
});

const loan = z.strictObject({
  member: entityRefSchema(['member']),
  book: entityRefSchema(['book']),
  borrowed_at: z.iso.datetime({ offset: true }),
  due_on: z.iso.date(),
  returned: z.boolean(),
});

const LOAN_EDGES = { member: 'BORROWED_BY', book: 'OF_BOOK' } as const;

/** Every member, book and loan is a vertex; a loan owns an edge to its member and its book. */
const libraryGraph = defineProjection({
  name: 'library-graph',
  version: 1,
  handles: ['member', 'book', 'loan'],
  graph: {
    vertices: ['member', 'book', 'loan'],
    edges: Object.values(LOAN_EDGES),
    project(event: EntityEvent): GraphCommand[] {
      const { entity_type: label, entity_id: id, version } = event;
      if (event.event_type === 'delete') return [{ kind: 'tombstone_vertex', label, id, version, deletedAt: Date.parse(event.occurred_at) }];
      const properties: Record<string, string | number | boolean> = {};
      const edges: Extract<GraphCommand, { kind: 'upsert_vertex' }>['edges'][number][] = [];
      for (const [field, value] of Object.entries(event.payload)) {
        const ref = label === 'loan' && (field === 'member' || field === 'book') ? (value as { entity_type: string; entity_id: string }) : undefined;
        if (ref) edges.push({
          label: LOAN_EDGES[field as keyof typeof LOAN_EDGES], to: { label: ref.entity_type, id: ref.entity_id }, properties: {},
        });
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[field] = value;
      }
      return [{ kind: 'upsert_vertex', label, id, version, properties, edges: edges.sort((a, b) => a.label.localeCompare(b.label)) }];
    },
  },
});

const BOOK_FIELDS = ['title', 'author', 'genre', 'published_year'] as const;

/** Books with a description (`text_for_embedding`) are searchable by meaning in the `books` index. */
const bookSearch = defineProjection({
  name: 'book-search',
  version: 1,
  handles: ['book'],
  vector: {
    indices: { books: { fields: [...BOOK_FIELDS] } },
    project(event: EntityEvent): VectorCommand[] {
      const { entity_id: id, version } = event;
      const text = event.text_for_embedding;
      if (event.event_type === 'delete') return [{ kind: 'tombstone_document', index: 'books', id, version, deletedAt: Date.parse(event.occurred_at) }];
      if (!text?.trim()) return [{ kind: 'tombstone_document', index: 'books', id, version }];
      const fields: Record<string, string | number | boolean> = {};
      for (const name of BOOK_FIELDS) {
        const value = event.payload[name];
        if (typeof value === 'string' || typeof value === 'number') fields[name] = value;
      }
      return [{ kind: 'upsert_document', index: 'books', id, version, fields, text }];
    },
  },
});

export default defineApp({
  name: 'library',
  entities: { member: { schema: member }, book: { schema: book }, loan: { schema: loan } },
  projections: [
    libraryGraph,
    bookSearch,
    openLoans,
  ],
});
