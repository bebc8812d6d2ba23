// Runs once when the server starts: binds the traversal source that bytecode clients
// (the gremlin JS driver's DriverRemoteConnection) address as "g".
def globals = [:]
globals << [g : graph.traversal()]
