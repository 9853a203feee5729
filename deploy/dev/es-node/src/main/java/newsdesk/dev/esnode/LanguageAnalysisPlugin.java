package newsdesk.dev.esnode;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
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
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The language analyzers of the (unpublished) analysis-common module, plus its English stemming filters,
 * re-created on top of Lucene's analysis-common jar, which the server already depends on. Each analyzer is
 * Lucene's class for that language under the name the official distribution gives it.
 */
public class LanguageAnalysisPlugin extends Plugin implements AnalysisPlugin {

    /** An analyzer name, its default stop words, and how to build it from (stop words, stem exclusions). */
    private record Language(
        String name,
        Supplier<CharArraySet> defaultStopWords,
        BiFunction<CharArraySet, CharArraySet, Analyzer> build
    ) {}

    private static final List<Language> LANGUAGES = List.of(
        new Language("english", EnglishAnalyzer::getDefaultStopSet, EnglishAnalyzer::new),
        new Language("german", GermanAnalyzer::getDefaultStopSet, GermanAnalyzer::new),
        new Language("french", FrenchAnalyzer::getDefaultStopSet, FrenchAnalyzer::new),
        new Language("spanish", SpanishAnalyzer::getDefaultStopSet, SpanishAnalyzer::new),
        new Language("italian", ItalianAnalyzer::getDefaultStopSet, ItalianAnalyzer::new),
        new Language("portuguese", PortugueseAnalyzer::getDefaultStopSet, PortugueseAnalyzer::new),
        new Language("dutch", DutchAnalyzer::getDefaultStopSet, DutchAnalyzer::new)
    );

    /** "analyzer": "german" and the others: one shared instance per Lucene version, as the official ones. */
    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return LANGUAGES.stream()
            .map(lang -> new PreBuiltAnalyzerProviderFactory(
                lang.name(),
                CachingStrategy.LUCENE,
                () -> lang.build().apply(lang.defaultStopWords().get(), CharArraySet.EMPTY_SET)
            ))
            .toList();
    }

    /** "type": "german" (and the others) with optional "stopwords" / "stopwords_path" / "stem_exclusion". */
    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<?>>> getAnalyzers() {
        return LANGUAGES.stream().collect(Collectors.toMap(Language::name, LanguageAnalysisPlugin::provider));
    }

    private static AnalysisProvider<AnalyzerProvider<?>> provider(Language lang) {
        return (indexSettings, env, name, settings) -> {
            Analyzer analyzer = lang.build().apply(
                Analysis.parseStopWords(env, settings, lang.defaultStopWords().get()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
            return new AbstractIndexAnalyzerProvider<Analyzer>(name) {
                @Override
                public Analyzer get() {
                    return analyzer;
                }
            };
        };
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
