/** How ONNX Runtime may use the CPU for one model; docs/adr/0014 has the measurements. */
export interface OnnxThreading {
  /** Threads inside one operator (matrix products); 0 lets ONNX Runtime pick one per core. */
  readonly intraOpThreads?: number;
  /**
   * Whether idle intra-op threads busy-wait for the next operator. Off by default: on a
   * machine the graph and vector clients and the servers share, spinning threads burn the
   * cores those need, and a batch of inference gains nothing from it.
   */
  readonly spinning?: boolean;
}

/** Session options for onnxruntime-node, as @huggingface/transformers passes them through. */
export function onnxSessionOptions(threading: OnnxThreading = {}): Record<string, unknown> {
  const spinning = threading.spinning ?? false;
  return {
    intraOpNumThreads: threading.intraOpThreads ?? 0,
    // One model, one graph: operators run one after another, so a second pool only adds threads.
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' }, inter_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
}
