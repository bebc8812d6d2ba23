/**
 * The one management script the adapter submits. It is a constant: labels, keys and the
 * index name arrive only as bindings, so no request ever carries Groovy built from data
 * (docs/adr/0009). Idempotent: what exists is reported as present; a key that exists with
 * another type fails loudly rather than being changed. It waits (up to `waitMs`) until the
 * unique index is ENABLED, re-indexing it first if the key already held data.
 * Answers one JSON string: { created, present, index }.
 */
export const SCHEMA_SCRIPT = `
def types = [String: String, Long: Long, Double: Double, Boolean: Boolean]
def LOCK = org.janusgraph.core.schema.ConsistencyModifier.LOCK
def Status = org.janusgraph.core.schema.SchemaStatus
def MS = org.janusgraph.graphdb.database.management.ManagementSystem
def created = []
def present = []
def mgmt = graph.openManagement()
try {
  for (name in vertexLabels) {
    if (mgmt.containsVertexLabel(name)) { present << 'vertex label ' + name }
    else { mgmt.makeVertexLabel(name).make(); created << 'vertex label ' + name }
  }
  for (name in edgeLabels) {
    if (mgmt.containsEdgeLabel(name)) { present << 'edge label ' + name }
    else { mgmt.makeEdgeLabel(name).multiplicity(org.janusgraph.core.Multiplicity.MULTI).make(); created << 'edge label ' + name }
  }
  for (k in propertyKeys) {
    def type = types[k.dataType]
    if (type == null) throw new IllegalArgumentException('unknown data type ' + k.dataType + ' for property key ' + k.name)
    if (mgmt.containsPropertyKey(k.name)) {
      def found = mgmt.getPropertyKey(k.name).dataType()
      if (found != type) throw new IllegalStateException('property key ' + k.name + ' exists as ' + found.simpleName + ', not ' + k.dataType)
      present << 'property key ' + k.name
    } else {
      mgmt.makePropertyKey(k.name).dataType(type).cardinality(org.janusgraph.core.Cardinality.SINGLE).make()
      created << 'property key ' + k.name
    }
  }
  for (name in lockedKeys) {
    def key = mgmt.getPropertyKey(name)
    if (mgmt.getConsistency(key) == LOCK) { present << 'lock on ' + name }
    else { mgmt.setConsistency(key, LOCK); created << 'lock on ' + name }
  }
  if (mgmt.containsGraphIndex(indexName)) { present << 'unique index ' + indexName }
  else {
    def index = mgmt.buildIndex(indexName, org.apache.tinkerpop.gremlin.structure.Vertex)
      .addKey(mgmt.getPropertyKey(indexKey)).unique().buildCompositeIndex()
    mgmt.setConsistency(index, LOCK)
    created << 'unique index ' + indexName
  }
  mgmt.commit()
} catch (Throwable e) {
  if (mgmt.isOpen()) mgmt.rollback()
  throw e
}
def indexStatus = {
  def m = graph.openManagement()
  try { return m.getGraphIndex(indexName).getIndexStatus(m.getPropertyKey(indexKey)) } finally { m.rollback() }
}
def wait = { status -> MS.awaitGraphIndexStatus(graph, indexName).status(status).timeout(waitMs, java.time.temporal.ChronoUnit.MILLIS).call() }
if (indexStatus() == Status.INSTALLED) wait(Status.REGISTERED)
if (indexStatus() == Status.REGISTERED) {
  def m = graph.openManagement()
  m.updateIndex(m.getGraphIndex(indexName), org.janusgraph.core.schema.SchemaAction.REINDEX).get()
  m.commit()
}
if (indexStatus() != Status.ENABLED) wait(Status.ENABLED)
groovy.json.JsonOutput.toJson([created: created, present: present, index: indexStatus().toString()])
`;
