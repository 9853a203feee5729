package newsdesk.dev.esnode;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.DevNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a single-node Elasticsearch in this JVM for local development and tests.
 *
 * Environment:
 *   NEWSDESK_DEV_ES_HOME  state directory (data/, logs/, config/); default ./es-home
 *   NEWSDESK_DEV_ES_PORT  HTTP port on 127.0.0.1; default 9200
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path home = Path.of(env("NEWSDESK_DEV_ES_HOME", "es-home")).toAbsolutePath().normalize();
        String port = env("NEWSDESK_DEV_ES_PORT", "9200");
        for (String dir : List.of("config", "data", "logs", "plugins", "modules")) {
            Files.createDirectories(home.resolve(dir));
        }

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "newsdesk-dev")
            .put("node.name", "newsdesk-dev-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", "9300-9399")
            .put("node.processors", 2)
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.destructive_requires_name", false)
            .put("indices.breaker.total.use_real_memory", false)
            .build();

        // Wires ES's own logging API to log4j (the official bootstrap does this); log4j2.properties on the classpath
        // sends everything to stdout.
        LogConfigurator.configureESLogging();

        Node node = new DevNode(
            new Environment(settings, home.resolve("config")),
            List.of(Netty4Plugin.class, EnglishAnalysisPlugin.class, RootInfoPlugin.class)
        );
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
        }, "dev-node-shutdown"));

        node.start();
        HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
        System.out.printf(
            "newsdesk dev Elasticsearch node started: http://%s (version %s, JDK %s) in %.1f s%n",
            http.boundAddress().publishAddress(),
            org.elasticsearch.Build.current().qualifiedVersion(),
            Runtime.version(),
            (System.nanoTime() - t0) / 1e9
        );
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
