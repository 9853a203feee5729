package org.elasticsearch.plugins;

import org.elasticsearch.Version;
import org.elasticsearch.common.settings.Settings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A PluginsService whose plugins are plain classes already on the classpath, instead of bundles
 * unpacked under plugins/ and modules/. Lives in this package because LoadedPlugin, loadPlugin and
 * loadExtensions are package-private.
 */
public class ClasspathPluginsService extends PluginsService {
    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Settings settings, PluginsLoader emptyLoader, Collection<Class<? extends Plugin>> classes) {
        super(settings, null, emptyLoader);
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> cls : classes) {
            PluginDescriptor descriptor = new PluginDescriptor(
                cls.getSimpleName(),           // name
                "classpath plugin (dev node)", // description
                "NA",                          // version
                Version.CURRENT.toString(),    // elasticsearch version
                Integer.toString(Runtime.version().feature()), // java version
                cls.getName(),                 // class name
                null,                          // module name
                List.of(),                     // extended plugins
                false,                         // has native controller
                false,                         // licensed
                false,                         // modular
                false                          // stable api
            );
            Plugin instance = loadPlugin(cls, settings, null);
            loaded.add(new LoadedPlugin(descriptor, instance, cls.getClassLoader()));
        }
        loadExtensions(loaded);
        this.classpathPlugins = List.copyOf(loaded);
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }
}
