import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isRefractError, type EntityEvent, type GraphCommand, type VectorCommand } from '../../src/domain/index.ts';
import { defineApp, type AppDefinition } from '../../src/projections/app.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { defineProjection, type ProjectionDefinition } from '../../src/projections/projection.ts';
import { anEvent } from '../support/projection-spec.ts';

const entities = {
  member: { schema: z.strictObject({ name: z.string() }) },
  book: { schema: z.strictObject({ title: z.string() }) },
};

/** A projection that writes whatever `graph`/`vector` return, declaring what it is told. */
const writing = (
  name: string,
  declared: { vertices?: string[]; edges?: string[]; indices?: Record<string, string[]> },
  out: { graph?: (e: EntityEvent) => GraphCommand[]; vector?: (e: EntityEvent) => VectorCommand[] } = {},
) =>
  defineProjection({
    name, version: 1, handles: ['book'],
    ...(declared.vertices ? { graph: { vertices: declared.vertices, edges: declared.edges ?? [], project: out.graph ?? (() => []) } } : {}),
    ...(declared.indices ? {
      vector: {
        indices: Object.fromEntries(Object.entries(declared.indices).map(([k, fields]) => [k, { fields }])),
        project: out.vector ?? (() => []),
      },
    } : {}),
  });

const invalid = (definition: AppDefinition): string[] => {
  try {
    defineApp(definition);
  } catch (error) {
    if (isRefractError(error) && error.code === 'APP.INVALID') return (error.details['problems'] as string[]);
    throw error;
  }
  throw new Error('defineApp accepted the definition');
};

const book = anEvent({ entity_type: 'book', entity_id: 'b-1', payload: { title: 'Dune' } });

describe('defineApp', () => {
  describe('when the definition is inconsistent', () => {
    it('names every problem at once: bad names, unknown types, duplicates, collisions, a projection that writes nothing', () => {
      const problems = invalid({
        name: 'Library',
        entities: { ...entities, shelf: { schema: z.strictObject({}), topic: 'members' } },
        projections: [
          { ...writing('a', { vertices: ['book'] }), handles: ['book', 'magazine'] },
          writing('a', { indices: { books: ['title'] } }),
          writing('b', { vertices: ['book', 'shelfmark'], indices: { books: ['title'] } }),
          { name: 'c', version: 1, handles: ['book'] },
        ],
      });
      expect(problems).toEqual([
        'app name "Library" must be lower-case letters, digits and dashes',
        'projection a handles "magazine", which is not an entity of the app (member, book, shelf)',
        'two projections are named "a"',
        'vertex label "book" is written by both a and b: each label belongs to one projection',
        'index "books" is written by both a and b: each index belongs to one projection',
        'projection c writes nothing: give it a graph or a vector output',
        'entities member and shelf share the topic "members"',
      ]);
    });
  });

  describe('when it is consistent', () => {
    const app = defineApp({
      name: 'library',
      entities,
      projections: [
        writing('catalogue', { vertices: ['book', 'shelfmark'], edges: ['SHELVED_AT'], indices: { books: ['title'] } }, {
          graph: (e) => [
            { kind: 'upsert_vertex', label: 'shelfmark', id: 'A-12', version: e.version, properties: {}, edges: [] },
            { kind: 'upsert_vertex', label: 'book', id: e.entity_id, version: e.version, properties: {}, edges: [{ label: 'SHELVED_AT', to: { label: 'shelfmark', id: 'A-12' }, properties: {} }] },
          ],
          vector: (e) => [{ kind: 'upsert_document', index: 'books', id: e.entity_id, version: e.version, fields: { title: 'Dune' }, text: 'Dune' }],
        }),
        writing('members', { vertices: ['member'] }),
      ],
    });

    it('derives topics, the catalogue, the graph labels and the indices from the declarations', () => {
      expect(app.topics).toEqual(['members', 'books']);
      expect(Object.keys(app.catalog)).toEqual(['member', 'book']);
      expect(app.graph).toEqual({ vertexLabels: ['member', 'book', 'shelfmark'], edgeLabels: ['SHELVED_AT'] });
      expect(app.indices).toEqual([{ name: 'books', fields: ['title'], projection: 'catalogue' }]);
    });

    it('puts a projection that writes to both stores in both legs', () => {
      expect(app.legProjections('graph').map((p) => p.name)).toEqual(['catalogue', 'members']);
      expect(app.legProjections('vector').map((p) => p.name)).toEqual(['catalogue']);
    });

    it('keeps entity ids, and moves the projection\'s own vertices, and edges to them, into its namespace', () => {
      const [shelfmark, stored] = app.legProjections('graph')[0]!.project(book);
      expect(shelfmark).toMatchObject({ label: 'shelfmark', id: 'A-12\u001fcatalogue' });
      expect(stored).toMatchObject({ label: 'book', id: 'b-1', edges: [{ label: 'SHELVED_AT', to: { label: 'shelfmark', id: 'A-12\u001fcatalogue' } }] });
    });
  });

  describe('when a projection writes what it did not declare', () => {
    const appWith = (p: ProjectionDefinition) => defineApp({ name: 'library', entities, projections: [p, writing('other', { vertices: ['tag'] })] });
    const graphOf = (p: ProjectionDefinition) => appWith(p).legProjections('graph')[0]!;
    const vectorOf = (p: ProjectionDefinition) => appWith(p).legProjections('vector')[0]!;

    it('fails that event with the projection, what it wrote and what it declared', () => {
      expect(() => graphOf(writing('p', { vertices: ['book'] }, { graph: (e) => [{ kind: 'tombstone_vertex', label: 'author', id: e.entity_id, version: 1, deletedAt: 0 }] })).project(book))
        .toThrow('projection p wrote a vertex labelled "author" it does not declare (declared: book); declare it on the projection');
      expect(() => graphOf(writing('p', { vertices: ['book'], edges: ['BY'] }, {
        graph: (e) => [{ kind: 'upsert_vertex', label: 'book', id: e.entity_id, version: 1, properties: {}, edges: [{ label: 'ABOUT', to: { label: 'member', id: 'm-1' }, properties: {} }] }],
      })).project(book)).toThrow('projection p wrote an edge labelled "ABOUT" it does not declare (declared: BY)');
      expect(() => vectorOf(writing('p', { indices: { books: ['title'] } }, { vector: (e) => [{ kind: 'tombstone_document', index: 'authors', id: e.entity_id, version: 1 }] })).project(book))
        .toThrow('projection p wrote a document in index "authors" it does not declare (declared: books)');
      expect(() => vectorOf(writing('p', { indices: { books: ['title'] } }, {
        vector: (e) => [{ kind: 'upsert_document', index: 'books', id: e.entity_id, version: 1, fields: { title: 'x', isbn: '1' }, text: 'x' }],
      })).project(book)).toThrow('projection p wrote fields isbn in index books it does not declare (declared: title)');
    });

    it('refuses an edge to another projection\'s own vertex: its ids are not this projection\'s to name', () => {
      expect(() => graphOf(writing('p', { vertices: ['book'], edges: ['TAGGED'] }, {
        graph: (e) => [{ kind: 'upsert_vertex', label: 'book', id: e.entity_id, version: 1, properties: {}, edges: [{ label: 'TAGGED', to: { label: 'tag', id: 't-1' }, properties: {} }] }],
      })).project(book)).toThrow(/an edge TAGGED to a vertex labelled "tag", neither an entity type nor one of its own vertex labels/);
    });
  });

  describe('the banking application', () => {
    it('declares the labels and indices its projections write', () => {
      expect(bankingApp.graph).toEqual({ vertexLabels: ['person', 'company', 'account', 'transaction'], edgeLabels: ['EMPLOYED_BY', 'OWNED_BY', 'FROM', 'TO'] });
      expect(bankingApp.indices.map((i) => i.name)).toEqual(['person', 'company']);
      expect(bankingApp.topics).toEqual(['persons', 'companies', 'accounts', 'transactions']);
    });
  });
});
