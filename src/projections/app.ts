import type { z } from 'zod';
import { RefractError, type TableMapping, type EntityEvent, type GraphCommand, type OwnedEdge, type PayloadCatalog, type VectorCommand } from '../domain/index.ts';
import type { GraphOutput, LegProjection, ProjectionDefinition, Target, VectorOutput } from './projection.ts';

/** One kind of entity: its payload schema and the topic its events go to (default: the type plus `s`). */
export interface EntityDefinition {
  readonly schema: z.ZodType<Record<string, unknown>>;
  readonly topic?: string;
}

/** Everything Refract needs to know about an application, in one value (docs/adr/0016). */
export interface AppDefinition {
  /** Lower-case letters, digits and dashes. */
  readonly name: string;
  readonly entities: Readonly<Record<string, EntityDefinition>>;
  readonly projections: readonly ProjectionDefinition[];
  /** Tables whose changes the CDC leg turns into this app's events (docs/adr/0021). */
  readonly cdc?: { readonly tables: readonly TableMapping[] };
}

/** An index a projection declared, with its fields. */
export interface DeclaredIndex {
  readonly name: string;
  readonly fields: readonly string[];
  readonly projection: string;
}

/** A checked application: what the runner, the CLI, the schema bootstrap and the tests take. */
export interface App {
  readonly name: string;
  readonly entityTypes: readonly string[];
  readonly catalog: PayloadCatalog;
  /** Every entity topic: what each leg subscribes to. */
  readonly topics: readonly string[];
  topicFor(entityType: string): string;
  readonly projections: readonly ProjectionDefinition[];
  /** Every vertex and edge label any projection declared: the graph schema derives from them. */
  readonly graph: { readonly vertexLabels: readonly string[]; readonly edgeLabels: readonly string[] };
  readonly indices: readonly DeclaredIndex[];
  /** Each projection's side for `target`, checked against its declarations at every call. */
  legProjections<T extends Target>(target: T): LegProjection<T>[];
  /** The CDC mappings by `<schema>.<table>`; empty when the app maps no table. */
  readonly cdcTables: ReadonlyMap<string, TableMapping>;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const INDEX_NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * Checks a definition once, at start-up, and fails with `APP.INVALID` naming what is wrong: an
 * unknown entity type, two projections of one name, two projections writing one vertex label
 * or one index. At run time every command a projection returns is checked against what it
 * declared; one it did not declare is a bug in that projection and fails that event.
 */
export function defineApp(definition: AppDefinition): App {
  const problems: string[] = [];
  const entityTypes = Object.keys(definition.entities);
  const isEntity = (type: string) => Object.hasOwn(definition.entities, type);
  if (!NAME.test(definition.name)) problems.push(`app name ${JSON.stringify(definition.name)} must be lower-case letters, digits and dashes`);
  if (entityTypes.length === 0) problems.push('the app declares no entities');

  const vertexOwner = new Map<string, string>();
  const indexOwner = new Map<string, string>();
  const names = new Set<string>();
  for (const p of definition.projections) {
    if (!NAME.test(p.name)) problems.push(`projection name ${JSON.stringify(p.name)} must be lower-case letters, digits and dashes`);
    if (names.has(p.name)) problems.push(`two projections are named ${JSON.stringify(p.name)}`);
    names.add(p.name);
    if (!p.graph && !p.vector) problems.push(`projection ${p.name} writes nothing: give it a graph or a vector output`);
    for (const type of p.handles) if (!isEntity(type)) problems.push(`projection ${p.name} handles ${JSON.stringify(type)}, which is not an entity of the app (${entityTypes.join(', ')})`);
    for (const label of p.graph?.vertices ?? []) {
      const owner = vertexOwner.get(label);
      if (owner) problems.push(`vertex label ${JSON.stringify(label)} is written by both ${owner} and ${p.name}: each label belongs to one projection`);
      vertexOwner.set(label, p.name);
    }
    for (const index of Object.keys(p.vector?.indices ?? {})) {
      if (!INDEX_NAME.test(index)) problems.push(`projection ${p.name} declares index ${JSON.stringify(index)}: lower-case letters, digits, _ and -`);
      const owner = indexOwner.get(index);
      if (owner) problems.push(`index ${JSON.stringify(index)} is written by both ${owner} and ${p.name}: each index belongs to one projection`);
      indexOwner.set(index, p.name);
    }
  }
  const topicOf = new Map(entityTypes.map((type) => [type, definition.entities[type]?.topic ?? `${type}s`]));
  const topicUsers = new Map<string, string>();
  for (const [type, topic] of topicOf) {
    const other = topicUsers.get(topic);
    if (other) problems.push(`entities ${other} and ${type} share the topic ${JSON.stringify(topic)}`);
    topicUsers.set(topic, type);
  }
  problems.push(...cdcProblems(definition.cdc?.tables ?? [], isEntity));
  if (problems.length) {
    throw new RefractError('APP.INVALID', `app ${definition.name}: ${problems.join('; ')}`, { app: definition.name, problems });
  }

  const app: App = {
    name: definition.name,
    entityTypes,
    catalog: Object.fromEntries(Object.entries(definition.entities).map(([type, entity]) => [type, entity.schema])),
    topics: [...topicOf.values()],
    topicFor: (type) => topicOf.get(type) ?? `${type}s`,
    projections: definition.projections,
    graph: {
      vertexLabels: unique([...entityTypes, ...definition.projections.flatMap((p) => p.graph?.vertices ?? [])]),
      edgeLabels: unique(definition.projections.flatMap((p) => p.graph?.edges ?? [])),
    },
    indices: definition.projections.flatMap((p) =>
      Object.entries(p.vector?.indices ?? {}).map(([name, { fields }]) => ({ name, fields, projection: p.name }))),
    cdcTables: new Map((definition.cdc?.tables ?? []).map((t) => [t.table, t])),
    legProjections: <T extends Target>(target: T) => definition.projections.flatMap((p): LegProjection<T>[] => {
      if (target === 'graph' && p.graph) return [checkedGraph(p, p.graph, isEntity) as unknown as LegProjection<T>];
      if (target === 'vector' && p.vector) return [checkedVector(p, p.vector) as unknown as LegProjection<T>];
      return [];
    }),
  };
  return app;
}

const TABLE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_$]*$/;

/** What is wrong with the CDC mappings: a table named twice or badly, an unknown entity type, a template naming no field. */
function cdcProblems(tables: readonly TableMapping[], isEntity: (type: string) => boolean): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of tables) {
    const where = `cdc table ${JSON.stringify(t.table)}`;
    if (!TABLE.test(t.table)) problems.push(`${where} must be <schema>.<table> in lower case`);
    if (seen.has(t.table)) problems.push(`${where} is mapped twice`);
    seen.add(t.table);
    if (!isEntity(t.entityType)) problems.push(`${where} maps to entity type ${JSON.stringify(t.entityType)}, which is not an entity of the app`);
    if (!t.key) problems.push(`${where} names no key column`);
    for (const [field, how] of Object.entries(t.fields)) {
      if (typeof how !== 'string' && 'ref' in how && !isEntity(how.ref)) {
        problems.push(`${where} field ${field} refers to ${JSON.stringify(how.ref)}, which is not an entity of the app`);
      }
    }
    for (const [, name] of (t.text ?? '').matchAll(/\{([a-z_][a-z0-9_]*)\}/gi)) {
      if (name !== undefined && !Object.hasOwn(t.fields, name)) problems.push(`${where} text names {${name}}, which is not one of its fields`);
    }
  }
  return problems;
}

/**
 * Separates a derived vertex's id from its projection's name: U+001F, a control character no
 * entity id may contain (src/domain/entity-id.ts), so a derived id can never equal an entity id,
 * and ids that share a prefix keep it (tests and purges select by prefix).
 */
export const NAMESPACE_SEPARATOR = '\u001f';

/** The id a vertex of `label` has in the store: an entity's id, or `<id>␟<projection>` for the projection's own. */
export const storedVertexId = (projection: string, label: string, id: string, isEntity: (type: string) => boolean) =>
  (isEntity(label) ? id : `${id}${NAMESPACE_SEPARATOR}${projection}`);

function checkedGraph(p: ProjectionDefinition, output: GraphOutput, isEntity: (type: string) => boolean): LegProjection<'graph'> {
  const vertices = new Set(output.vertices);
  const edges = new Set(output.edges);
  const target = (edge: OwnedEdge): OwnedEdge['to'] => {
    if (isEntity(edge.to.label)) return edge.to;
    if (vertices.has(edge.to.label)) return { label: edge.to.label, id: storedVertexId(p.name, edge.to.label, edge.to.id, isEntity) };
    throw undeclared(p.name, `an edge ${edge.label} to a vertex labelled ${JSON.stringify(edge.to.label)}, neither an entity type nor one of its own vertex labels`, output.vertices);
  };
  return {
    name: p.name, version: p.version, handles: p.handles,
    project(event: EntityEvent): GraphCommand[] {
      return output.project(event).map((c) => {
        if (!vertices.has(c.label)) throw undeclared(p.name, `a vertex labelled ${JSON.stringify(c.label)}`, output.vertices);
        const id = storedVertexId(p.name, c.label, c.id, isEntity);
        if (c.kind !== 'upsert_vertex') return { ...c, id };
        for (const e of c.edges) if (!edges.has(e.label)) throw undeclared(p.name, `an edge labelled ${JSON.stringify(e.label)}`, output.edges);
        return { ...c, id, edges: c.edges.map((e) => ({ ...e, to: target(e) })) };
      });
    },
  };
}

function checkedVector(p: ProjectionDefinition, output: VectorOutput): LegProjection<'vector'> {
  return {
    name: p.name, version: p.version, handles: p.handles,
    project(event: EntityEvent): VectorCommand[] {
      const commands = output.project(event);
      for (const c of commands) {
        const declared = output.indices[c.index];
        if (!declared) throw undeclared(p.name, `a document in index ${JSON.stringify(c.index)}`, Object.keys(output.indices));
        if (c.kind !== 'upsert_document') continue;
        const extra = Object.keys(c.fields).filter((f) => !declared.fields.includes(f));
        if (extra.length) throw undeclared(p.name, `fields ${extra.join(', ')} in index ${c.index}`, declared.fields);
      }
      return commands;
    },
  };
}

const undeclared = (projection: string, what: string, declared: readonly string[]) =>
  new Error(`projection ${projection} wrote ${what} it does not declare (declared: ${declared.join(', ') || 'none'}); declare it on the projection`);

const unique = (values: readonly string[]) => [...new Set(values)];

