/**
 * The one management script the adapter submits. It is a constant: labels, keys and index
 * definitions arrive only as bindings, so no request ever carries Groovy built from data
 * (docs/adr/0009). Idempotent: what exists is reported as present; a key that exists with
 * another type, or an index over other keys, fails loudly rather than being changed (with a
 * SchemaViolationException, which the adapter maps to a permanent STORE.REJECTED). It waits
 * (up to `waitMs` per step) until every index is ENABLED, re-indexing one first if its keys
 * already held data; a re-index still running from an earlier call is waited for, not restarted.
 * Answers one JSON string: { created, present, indices: { name: status } }.
 */
export const SCHEMA_SCRIPT = `
def types = [String: String, Integer: Integer, Long: Long, Double: Double, Boolean: Boolean]
def LOCK = org.janusgraph.core.schema.ConsistencyModifier.LOCK
def Status = org.janusgraph.core.schema.SchemaStatus
def MS = org.janusgraph.graphdb.database.management.ManagementSystem
def MILLIS = java.time.temporal.ChronoUnit.MILLIS
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
      if (found != type) throw new org.janusgraph.core.SchemaViolationException('property key ' + k.name + ' exists as ' + found.simpleName + ', not ' + k.dataType)
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
  for (ix in indices) {
    def what = (ix.unique ? 'unique index ' : 'index ') + ix.name
    if (mgmt.containsGraphIndex(ix.name)) {
      // The same keys may come back in another order (seen while another runner was creating the index): an equality index over the same keys is the same index.
      def keys = mgmt.getGraphIndex(ix.name).getFieldKeys()*.name()
      if (keys.toSet() != ix.keys.toSet()) throw new org.janusgraph.core.SchemaViolationException('index ' + ix.name + ' exists over ' + keys + ', not ' + ix.keys)
      present << what
    } else {
      def builder = mgmt.buildIndex(ix.name, org.apache.tinkerpop.gremlin.structure.Vertex)
      for (key in ix.keys) builder = builder.addKey(mgmt.getPropertyKey(key))
      if (ix.unique) builder = builder.unique()
      def index = builder.buildCompositeIndex()
      if (ix.unique) mgmt.setConsistency(index, LOCK)
      created << what
    }
  }
  mgmt.commit()
} catch (Throwable e) {
  if (mgmt.isOpen()) mgmt.rollback()
  throw e
}
// An index is ENABLED only when it is for every key; otherwise the first other status counts.
def indexStatus = { name ->
  def m = graph.openManagement()
  try {
    def index = m.getGraphIndex(name)
    def all = index.getFieldKeys().collect { index.getIndexStatus(it) }
    return all.find { it != Status.ENABLED } ?: Status.ENABLED
  } finally { m.rollback() }
}
def wait = { name, status -> MS.awaitGraphIndexStatus(graph, name).status(status).timeout(waitMs, MILLIS).call() }
def statuses = [:]
for (ix in indices) {
  if (indexStatus(ix.name) == Status.INSTALLED) wait(ix.name, Status.REGISTERED)
  if (indexStatus(ix.name) == Status.REGISTERED) {
    def m = graph.openManagement()
    def index = m.getGraphIndex(ix.name)
    def job = m.getIndexJobStatus(index)
    if (job == null || job.isDone()) job = m.updateIndex(index, org.janusgraph.core.schema.SchemaAction.REINDEX)
    m.commit()
    // Past waitMs this throws a TimeoutException (retryable); the job keeps running, and a rerun waits for it.
    job.get(waitMs, java.util.concurrent.TimeUnit.MILLISECONDS)
  }
  if (indexStatus(ix.name) != Status.ENABLED) wait(ix.name, Status.ENABLED)
  statuses[ix.name] = indexStatus(ix.name).toString()
}
groovy.json.JsonOutput.toJson([created: created, present: present, indices: statuses])
`;
