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
 *   NEWSDESK_DEV_ES_NODE_NAME, NEWSDESK_DEV_ES_TRANSPORT_PORT  default newsdesk-dev-node, 9300-9399
 *   NEWSDESK_DEV_ES_SEED_HOSTS      set: a multi-node cluster (deploy/dev/es-cluster.sh); unset: single-node
 *   NEWSDESK_DEV_ES_INITIAL_MASTER  the node name that bootstraps a new multi-node cluster
 *   NEWSDESK_DEV_ES_ROLES           node.roles, comma separated (a joining data node); default all roles
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path home = Path.of(env("NEWSDESK_DEV_ES_HOME", "es-home")).toAbsolutePath().normalize();
        String port = env("NEWSDESK_DEV_ES_PORT", "9200");
        for (String dir : List.of("config", "data", "logs", "plugins", "modules")) {
            Files.createDirectories(home.resolve(dir));
        }

        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "newsdesk-dev")
            .put("node.name", env("NEWSDESK_DEV_ES_NODE_NAME", "newsdesk-dev-node"))
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", env("NEWSDESK_DEV_ES_TRANSPORT_PORT", "9300-9399"));
        String seeds = env("NEWSDESK_DEV_ES_SEED_HOSTS", "");
        if (seeds.isBlank()) {
            builder.put("discovery.type", "single-node");
        } else {
            builder.putList("discovery.seed_hosts", List.of(seeds.split(",")));
            String initialMaster = env("NEWSDESK_DEV_ES_INITIAL_MASTER", "");
            if (!initialMaster.isBlank()) {
                builder.putList("cluster.initial_master_nodes", List.of(initialMaster.split(",")));
            }
        }
        String roles = env("NEWSDESK_DEV_ES_ROLES", "");
        if (!roles.isBlank()) {
            builder.putList("node.roles", List.of(roles.split(",")));
        }
        Settings settings = builder
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
            List.of(Netty4Plugin.class, LanguageAnalysisPlugin.class, RootInfoPlugin.class)
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
