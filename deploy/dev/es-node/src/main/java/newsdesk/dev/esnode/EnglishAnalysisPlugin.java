package newsdesk.dev.esnode;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The English-language subset of the (unpublished) analysis-common module, re-created on top of
 * Lucene's analysis-common jar, which the server already depends on.
 */
public class EnglishAnalysisPlugin extends Plugin implements AnalysisPlugin {

    /** "analyzer": "english" */
    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(new PreBuiltAnalyzerProviderFactory("english", CachingStrategy.LUCENE, EnglishAnalyzer::new));
    }

    /** "type": "english" with optional "stopwords" / "stopwords_path" / "stem_exclusion". */
    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<?>>> getAnalyzers() {
        return Map.of("english", (indexSettings, env, name, settings) -> {
            EnglishAnalyzer analyzer = new EnglishAnalyzer(
                Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
            return new AbstractIndexAnalyzerProvider<EnglishAnalyzer>(name) {
                @Override
                public EnglishAnalyzer get() {
                    return analyzer;
                }
            };
        });
    }

    /** Filters usable by name inside custom analyzers: "filter": ["lowercase", "asciifolding", "porter_stem"]. */
    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new),
            PreConfiguredTokenFilter.singleton("stemmer", false, PorterStemFilter::new)
        );
    }

    @Override
    public List<PreConfiguredCharFilter> getPreConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    /** Filter types for custom filter definitions, e.g. {"type": "stemmer", "language": "english"}. */
    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "stemmer", (indexSettings, env, name, settings) -> filter(name, englishStemmer(settings)),
            "porter_stem", (indexSettings, env, name, settings) -> filter(name, PorterStemFilter::new),
            "kstem", (indexSettings, env, name, settings) -> filter(name, KStemFilter::new),
            "asciifolding", (indexSettings, env, name, settings) -> {
                boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
                return filter(name, in -> new ASCIIFoldingFilter(in, preserveOriginal));
            }
        );
    }

    private static UnaryOperator<TokenStream> englishStemmer(Settings settings) {
        String language = settings.get("language", settings.get("name", "porter")).toLowerCase(Locale.ROOT);
        return switch (language) {
            case "english", "porter" -> PorterStemFilter::new;
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            default -> throw new IllegalArgumentException(
                "stemmer language [" + language + "] is not available on this dev node (English stemmers only)"
            );
        };
    }

    private static TokenFilterFactory filter(String name, UnaryOperator<TokenStream> fn) {
        return new AbstractTokenFilterFactory(name) {
            @Override
            public TokenStream create(TokenStream tokenStream) {
                return fn.apply(tokenStream);
            }
        };
    }
}
