package org.elasticsearch.node;

import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A Node whose plugins come from the classpath. In this package because NodeConstruction,
 * NodeServiceProvider and the Node(NodeConstruction) constructor are package-private.
 */
public class DevNode extends Node {
    public DevNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(construct(environment, plugins));
    }

    private static NodeConstruction construct(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        PluginsLoader empty = PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false);
        NodeServiceProvider provider = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader loader) {
                return new ClasspathPluginsService(env.settings(), loader, plugins);
            }
        };
        return NodeConstruction.prepareConstruction(environment, empty, provider, true);
    }
}
