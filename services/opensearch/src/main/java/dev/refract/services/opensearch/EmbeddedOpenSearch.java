package dev.refract.services.opensearch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.knn.plugin.KNNPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node with the k-NN plugin, loaded from the classpath the way
 * OpenSearch's own MockNode does: no distribution, no plugin installer. No security plugin
 * either, unless -Drefract.opensearch.secure=true (a secured services folder): then the
 * security plugin, whose jars the launcher put on the classpath, is loaded too; its settings
 * come from config/opensearch.yml (scripts/services/opensearch-secure.ts).
 *
 * Arguments are node settings as key=value (path.home, http.port, ...), written by
 * scripts/services/opensearch.ts. The node stops cleanly on SIGTERM/SIGINT.
 */
public final class EmbeddedOpenSearch {
  private static final List<Class<? extends Plugin>> PLUGINS = List.of(
      Netty4Plugin.class, PainlessPlugin.class, CommonAnalysisPlugin.class, KNNPlugin.class);

  private static final String SECURITY_PLUGIN = "org.opensearch.security.OpenSearchSecurityPlugin";

  private EmbeddedOpenSearch() {}

  /** Node's plugin-taking constructor is protected; this subclass only opens it. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Settings settings, List<Class<? extends Plugin>> plugins) {
      super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "refract"), plugins, true);
    }
  }

  /** PLUGINS, plus the security plugin (by name: it is on the classpath only then) in a secured folder. */
  private static List<Class<? extends Plugin>> plugins() throws ClassNotFoundException {
    if (!Boolean.getBoolean("refract.opensearch.secure")) return PLUGINS;
    List<Class<? extends Plugin>> plugins = new ArrayList<>(PLUGINS);
    plugins.add(Class.forName(SECURITY_PLUGIN).asSubclass(Plugin.class));
    return List.copyOf(plugins);
  }

  public static void main(String[] args) throws Exception {
    Settings.Builder settings = Settings.builder();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("expected key=value, got " + arg);
      settings.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    // Classpath plugins report version "NA" in _cat/plugins; a node attribute lets the
    // launcher's probe name the k-NN build that is really loaded.
    String knnVersion = KNNPlugin.class.getPackage().getImplementationVersion();
    settings.put("node.attr.knn_version", knnVersion == null ? "unknown" : knnVersion);

    List<Class<? extends Plugin>> plugins = plugins();
    Node node = new ClasspathNode(settings.build(), plugins);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "refract-opensearch-shutdown"));
    node.start();
    System.out.println("refract-opensearch started with plugins " + Arrays.toString(plugins.stream().map(Class::getSimpleName).toArray()));
    stopped.await();
  }
}
