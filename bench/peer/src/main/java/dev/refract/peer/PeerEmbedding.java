package dev.refract.peer;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds the texts of Refract's embedding bench with LangChain4j's in-process
 * all-MiniLM-L6-v2, one embedAll call per batch, and prints one JSON line per variant:
 * texts/s over the measured rounds, after warm-up rounds that are not counted.
 *
 * Usage: PeerEmbedding <texts file, one per line> <batch size> <warm-up rounds> <rounds> fp32|int8...
 */
public final class PeerEmbedding {
  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    List<TextSegment> texts = new ArrayList<>();
    for (String line : lines) if (!line.isEmpty()) texts.add(TextSegment.from(line));
    int batchSize = Integer.parseInt(args[1]);
    int warmUps = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    for (int i = 4; i < args.length; i++) {
      String variant = args[i];
      EmbeddingModel model = variant.equals("int8")
          ? new AllMiniLmL6V2QuantizedEmbeddingModel()
          : new AllMiniLmL6V2EmbeddingModel();
      for (int w = 0; w < warmUps; w++) embedAll(model, texts, batchSize);
      long cpuBefore = cpuNanos();
      long started = System.nanoTime();
      for (int r = 0; r < rounds; r++) embedAll(model, texts, batchSize);
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
      double embedded = (double) texts.size() * rounds;
      System.out.printf("{\"variant\":\"%s\",\"texts\":%d,\"rounds\":%d,\"textsPerSecond\":%.1f,\"textsPerCpuSecond\":%.1f,\"cpus\":%d}%n",
          variant, texts.size(), rounds, embedded / seconds, embedded / cpuSeconds, Runtime.getRuntime().availableProcessors());
    }
    // LangChain4j's default executor keeps non-daemon threads alive.
    System.exit(0);
  }

  /** CPU time of the whole process: on a shared machine it moves less than wall-clock time. */
  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
  }

  private static void embedAll(EmbeddingModel model, List<TextSegment> texts, int batchSize) {
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<TextSegment> batch = texts.subList(start, Math.min(start + batchSize, texts.size()));
      int got = model.embedAll(batch).content().size();
      if (got != batch.size()) throw new IllegalStateException("expected " + batch.size() + " embeddings, got " + got);
    }
  }
}
