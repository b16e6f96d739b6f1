using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Tests.Support;

/// <summary>
/// The analyzers of an index: Elasticsearch's built-in <c>standard</c>, <c>simple</c>,
/// <c>whitespace</c>, <c>keyword</c>, <c>stop</c> and <c>pattern</c> analyzers, and the ones its
/// <c>index.analysis.*</c> settings define from the <c>standard</c>, <c>whitespace</c>,
/// <c>keyword</c>, <c>letter</c>, <c>lowercase</c> and <c>pattern</c> tokenizers and the
/// <c>lowercase</c>, <c>uppercase</c>, <c>asciifolding</c>, <c>truncate</c>, <c>trim</c>,
/// <c>length</c> and <c>stop</c> filters, plus <c>lowercase</c> and custom normalizers.
/// <para>
/// Building it refuses what Elasticsearch refuses, with its messages (an unknown component type,
/// a custom analyzer naming a tokenizer or filter that does not exist). A component Elasticsearch
/// has but the stand-in does not implement (stemmers, synonyms, n-grams, char filters…) is
/// refused too, saying so, rather than silently analysed differently.
/// </para>
/// </summary>
public sealed class ElasticsearchStandInAnalysis
{
    private const int MaxTokenLength = 255;

    private static readonly string[] EnglishStopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or",
        "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
    ];

    private static readonly string[] UnimplementedTokenizers =
        ["classic", "uax_url_email", "ngram", "edge_ngram", "path_hierarchy", "char_group", "simple_pattern", "simple_pattern_split", "thai"];

    private static readonly string[] UnimplementedFilters =
    [
        "stemmer", "porter_stem", "kstem", "snowball", "synonym", "synonym_graph", "word_delimiter", "word_delimiter_graph", "edge_ngram",
        "ngram", "shingle", "elision", "apostrophe", "cjk_width", "cjk_bigram", "decimal_digit", "reverse", "pattern_replace",
        "pattern_capture", "keyword_marker", "fingerprint", "min_hash", "limit", "classic", "common_grams", "hunspell",
        "dictionary_decompounder", "hyphenation_decompounder", "delimited_payload", "keep", "keep_types", "multiplexer", "condition",
        "predicate_token_filter", "remove_duplicates", "flatten_graph", "unique", "stemmer_override", "german_normalization",
    ];

    private static readonly string[] UnimplementedAnalyzers =
    [
        "fingerprint", "snowball", "arabic", "armenian", "basque", "bengali", "brazilian", "bulgarian", "catalan", "cjk", "czech", "danish",
        "dutch", "english", "estonian", "finnish", "french", "galician", "german", "greek", "hindi", "hungarian", "indonesian", "irish",
        "italian", "latvian", "lithuanian", "norwegian", "persian", "portuguese", "romanian", "russian", "serbian", "sorani", "spanish",
        "swedish", "turkish", "thai",
    ];

    private static readonly string[] CharFilters = ["html_strip", "mapping", "pattern_replace"];

    private static readonly string[] MultiTermAware = ["lowercase", "uppercase", "asciifolding"];

    private readonly Dictionary<string, ElasticsearchStandInAnalyzer> _analyzers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ElasticsearchStandInAnalyzer> _normalizers = new(StringComparer.Ordinal);

    private ElasticsearchStandInAnalysis()
    {
        foreach (var name in new[] { "standard", "simple", "whitespace", "keyword", "stop", "pattern" })
        {
            _analyzers[name] = BuiltInAnalyzer(name, name, ElasticsearchStandInIndexSettings.Empty, "");
        }

        _normalizers["lowercase"] = new ElasticsearchStandInAnalyzer("lowercase", KeywordTokens, [Lowercase], [s => s.ToLowerInvariant()]);
    }

    /// <summary>Only the built-in analyzers: an index without <c>index.analysis</c> settings.</summary>
    public static ElasticsearchStandInAnalysis BuiltIn { get; } = new();

    /// <summary>The analyzer of text fields that name none (<c>default</c> when the index defines one).</summary>
    public ElasticsearchStandInAnalyzer Default => _analyzers.TryGetValue("default", out var a) ? a : _analyzers["standard"];

    /// <summary>The search analyzer of text fields that name none.</summary>
    public ElasticsearchStandInAnalyzer DefaultSearch => _analyzers.TryGetValue("default_search", out var a) ? a : Default;

    public ElasticsearchStandInAnalyzer? Analyzer(string name) => _analyzers.GetValueOrDefault(name);

    public ElasticsearchStandInAnalyzer? Normalizer(string name) => _normalizers.GetValueOrDefault(name);

    /// <summary>
    /// Builds the analyzers <paramref name="settings"/> define; throws the error Elasticsearch
    /// answers when a definition is invalid.
    /// </summary>
    public static ElasticsearchStandInAnalysis Build(ElasticsearchStandInIndexSettings settings)
    {
        var analysis = new ElasticsearchStandInAnalysis();
        if (!settings.Values.Keys.Any(k => k.StartsWith("index.analysis.", StringComparison.Ordinal)))
        {
            return analysis;
        }

        foreach (var name in settings.Names("index.analysis.char_filter"))
        {
            var type = settings.String($"index.analysis.char_filter.{name}.type");
            throw CharFilters.Contains(type) ? NotImplemented($"char_filter type [{type}]", name) : Refused($"Unknown char_filter type [{type}] for [{name}]");
        }

        var tokenizers = new Dictionary<string, Func<string, List<ElasticsearchStandInToken>>>(StringComparer.Ordinal);
        foreach (var name in settings.Names("index.analysis.tokenizer"))
        {
            tokenizers[name] = DefinedTokenizer(name, settings, $"index.analysis.tokenizer.{name}.");
        }

        var filters = new Dictionary<string, (Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Filter, Func<string, string>? Normalize)>(StringComparer.Ordinal);
        foreach (var name in settings.Names("index.analysis.filter"))
        {
            filters[name] = DefinedFilter(name, settings, $"index.analysis.filter.{name}.");
        }

        foreach (var name in settings.Names("index.analysis.analyzer"))
        {
            var prefix = $"index.analysis.analyzer.{name}.";
            var type = settings.String(prefix + "type");
            var tokenizer = settings.String(prefix + "tokenizer");
            if (type is null && tokenizer is null)
            {
                throw Refused($"analyzer [{name}] must specify either an analyzer type, or a tokenizer");
            }

            analysis._analyzers[name] = type is null or "custom"
                ? Custom(name, settings, prefix, tokenizers, filters, "Custom Analyzer")
                : BuiltInAnalyzer(name, type, settings, prefix);
        }

        foreach (var name in settings.Names("index.analysis.normalizer"))
        {
            var prefix = $"index.analysis.normalizer.{name}.";
            var type = settings.String(prefix + "type") ?? "custom";
            if (type != "custom")
            {
                throw Refused($"Unknown normalizer type [{type}] for [{name}]");
            }

            foreach (var filter in settings.List(prefix + "filter"))
            {
                var filterType = filters.ContainsKey(filter) ? settings.String($"index.analysis.filter.{filter}.type") : filter;
                if (!MultiTermAware.Contains(filterType))
                {
                    throw Refused($"Custom normalizer [{name}] may not use filter [{filter}]");
                }
            }

            analysis._normalizers[name] = Custom(name, settings, prefix, new(StringComparer.Ordinal) { ["keyword"] = KeywordTokens }, filters, "Custom normalizer", tokenizerName: "keyword");
        }

        return analysis;
    }

    private static ElasticsearchStandInAnalyzer Custom(
        string name,
        ElasticsearchStandInIndexSettings settings,
        string prefix,
        Dictionary<string, Func<string, List<ElasticsearchStandInToken>>> tokenizers,
        Dictionary<string, (Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Filter, Func<string, string>? Normalize)> filters,
        string kind,
        string? tokenizerName = null)
    {
        if (settings.List(prefix + "char_filter") is [var charFilter, ..])
        {
            throw NotImplemented($"char_filter [{charFilter}]", name);
        }

        tokenizerName ??= settings.String(prefix + "tokenizer") ?? throw Refused($"{kind} [{name}] must be configured with a tokenizer");
        var tokenizer = tokenizers.TryGetValue(tokenizerName, out var defined) ? defined
            : BuiltInTokenizer(tokenizerName, name) ?? throw Refused($"{kind} [{name}] failed to find tokenizer under name [{tokenizerName}]");
        var chain = new List<Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>>>();
        var normalizers = new List<Func<string, string>>();
        foreach (var filterName in settings.List(prefix + "filter"))
        {
            var (filter, normalize) = filters.TryGetValue(filterName, out var found) ? found
                : BuiltInFilter(filterName, name) ?? throw Refused($"{kind} [{name}] failed to find filter under name [{filterName}]");
            chain.Add(filter);
            if (normalize is not null)
            {
                normalizers.Add(normalize);
            }
        }

        return new ElasticsearchStandInAnalyzer(name, tokenizer, chain, normalizers);
    }

    private static ElasticsearchStandInAnalyzer BuiltInAnalyzer(string name, string type, ElasticsearchStandInIndexSettings settings, string prefix)
    {
        var stopwords = Stopwords(settings, prefix + "stopwords", type == "stop" ? "_english_" : "_none_");
        var lowercaseAndStop = new List<Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>>> { Lowercase, Stop(stopwords, false) };
        var lower = new List<Func<string, string>> { s => s.ToLowerInvariant() };
        switch (type)
        {
            case "standard":
                var length = Int(settings, prefix + "max_token_length", MaxTokenLength);
                return new ElasticsearchStandInAnalyzer(name, text => ElasticsearchStandInStandardTokenizer.Tokenize(text, length), lowercaseAndStop, lower);
            case "simple" or "stop":
                return new ElasticsearchStandInAnalyzer(name, LetterTokens, lowercaseAndStop, lower);
            case "whitespace":
                return new ElasticsearchStandInAnalyzer(name, text => WhitespaceTokens(text, MaxTokenLength), [], []);
            case "keyword":
                return new ElasticsearchStandInAnalyzer(name, KeywordTokens, [], []);
            case "pattern":
                var tokenize = PatternTokens(settings.String(prefix + "pattern") ?? @"\W+", settings.String(prefix + "flags"), -1, name);
                var lowercase = settings.String(prefix + "lowercase") != "false";
                return new ElasticsearchStandInAnalyzer(name, tokenize, lowercase ? lowercaseAndStop : [Stop(stopwords, false)], lowercase ? lower : []);
            default:
                throw UnimplementedAnalyzers.Contains(type) ? NotImplemented($"analyzer type [{type}]", name) : Refused($"Unknown analyzer type [{type}] for [{name}]");
        }
    }

    private static Func<string, List<ElasticsearchStandInToken>>? BuiltInTokenizer(string type, string user) => type switch
    {
        "standard" => text => ElasticsearchStandInStandardTokenizer.Tokenize(text),
        "whitespace" => text => WhitespaceTokens(text, MaxTokenLength),
        "keyword" => KeywordTokens,
        "letter" => LetterTokens,
        "lowercase" => text => Lowercase(LetterTokens(text)),
        "pattern" => PatternTokens(@"\W+", null, -1, user),
        _ when UnimplementedTokenizers.Contains(type) => throw NotImplemented($"tokenizer [{type}]", user),
        _ => null,
    };

    private static Func<string, List<ElasticsearchStandInToken>> DefinedTokenizer(string name, ElasticsearchStandInIndexSettings settings, string prefix)
    {
        var type = settings.String(prefix + "type") ?? throw Refused($"tokenizer [{name}] must specify either an analyzer type, or a tokenizer");
        var length = Int(settings, prefix + "max_token_length", MaxTokenLength);
        return type switch
        {
            "standard" => text => ElasticsearchStandInStandardTokenizer.Tokenize(text, length),
            "whitespace" => text => WhitespaceTokens(text, length),
            "keyword" => KeywordTokens,
            "letter" => LetterTokens,
            "lowercase" => text => Lowercase(LetterTokens(text)),
            "pattern" => PatternTokens(settings.String(prefix + "pattern") ?? @"\W+", settings.String(prefix + "flags"), Int(settings, prefix + "group", -1), name),
            _ when UnimplementedTokenizers.Contains(type) => throw NotImplemented($"tokenizer type [{type}]", name),
            _ => throw Refused($"Unknown tokenizer type [{type}] for [{name}]"),
        };
    }

    private static (Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Filter, Func<string, string>? Normalize)? BuiltInFilter(string type, string user) => type switch
    {
        "lowercase" => (Lowercase, s => s.ToLowerInvariant()),
        "uppercase" => (tokens => Map(tokens, t => t.ToUpperInvariant()), s => s.ToUpperInvariant()),
        "asciifolding" => (tokens => Map(tokens, ElasticsearchStandInAsciiFolding.Fold), ElasticsearchStandInAsciiFolding.Fold),
        "trim" => (tokens => Map(tokens, t => t.Trim()), null),
        "truncate" => (Truncate(10), null),
        "stop" => (Stop([.. EnglishStopWords], false), null),
        _ when UnimplementedFilters.Contains(type) => throw NotImplemented($"filter [{type}]", user),
        _ => null,
    };

    private static (Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Filter, Func<string, string>? Normalize) DefinedFilter(string name, ElasticsearchStandInIndexSettings settings, string prefix)
    {
        var type = settings.String(prefix + "type") ?? throw Refused($"filter [{name}] must specify either an analyzer type, or a tokenizer");
        switch (type)
        {
            case "asciifolding" when settings.String(prefix + "preserve_original") == "true":
                return (PreservingFold, ElasticsearchStandInAsciiFolding.Fold);
            case "truncate":
                return (Truncate(Int(settings, prefix + "length", 10)), null);
            case "length":
                var min = Int(settings, prefix + "min", 0);
                var max = Int(settings, prefix + "max", int.MaxValue);
                return (tokens => [.. tokens.Where(t => t.Term.Length >= min && t.Term.Length <= max)], null);
            case "stop":
                return (Stop(Stopwords(settings, prefix + "stopwords", "_english_"), settings.String(prefix + "ignore_case") == "true"), null);
            default:
                return BuiltInFilter(type, name) ?? throw Refused($"Unknown filter type [{type}] for [{name}]");
        }
    }

    private static List<ElasticsearchStandInToken> KeywordTokens(string text) => [new(text, 0)];

    private static List<ElasticsearchStandInToken> LetterTokens(string text) => Runs(text, Rune.IsLetter, MaxTokenLength);

    // Java's Character.isWhitespace: no-break spaces are not whitespace.
    private static List<ElasticsearchStandInToken> WhitespaceTokens(string text, int maxLength) =>
        Runs(text, r => !(Rune.IsWhiteSpace(r) && r.Value is not (0xA0 or 0x2007 or 0x202F)) && r.Value is not (>= 0x1C and <= 0x1F), maxLength);

    private static List<ElasticsearchStandInToken> Runs(string text, Func<Rune, bool> inToken, int maxLength)
    {
        var tokens = new List<ElasticsearchStandInToken>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (inToken(rune))
            {
                current.Append(rune.ToString());
                if (current.Length >= maxLength)
                {
                    tokens.Add(new(current.ToString(), tokens.Count));
                    current.Clear();
                }
            }
            else if (current.Length > 0)
            {
                tokens.Add(new(current.ToString(), tokens.Count));
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(new(current.ToString(), tokens.Count));
        }

        return tokens;
    }

    private static Func<string, List<ElasticsearchStandInToken>> PatternTokens(string javaPattern, string? flags, int group, string user)
    {
        Regex regex;
        try
        {
            regex = new Regex(JavaPattern(javaPattern), JavaFlags(flags) | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw NotImplemented($"pattern [{javaPattern}] ({e.Message})", user);
        }

        return text =>
        {
            var tokens = new List<ElasticsearchStandInToken>();
            if (group < 0)
            {
                var start = 0;
                foreach (Match match in regex.Matches(text))
                {
                    if (match.Index > start)
                    {
                        tokens.Add(new(text[start..match.Index], tokens.Count));
                    }

                    start = match.Index + match.Length;
                }

                if (start < text.Length)
                {
                    tokens.Add(new(text[start..], tokens.Count));
                }
            }
            else
            {
                foreach (Match match in regex.Matches(text))
                {
                    if (match.Groups[group].Length > 0)
                    {
                        tokens.Add(new(match.Groups[group].Value, tokens.Count));
                    }
                }
            }

            return tokens;
        };
    }

    /// <summary>
    /// Java's <c>\w</c>, <c>\d</c> and <c>\s</c> are ASCII-only (without <c>UNICODE_CHARACTER_CLASS</c>);
    /// .NET's are Unicode. Unicode property classes such as <c>\p{L}</c> mean the same in both.
    /// </summary>
    private static string JavaPattern(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                builder.Append((next, inClass) switch
                {
                    ('w', false) => "[a-zA-Z_0-9]",
                    ('W', false) => "[^a-zA-Z_0-9]",
                    ('d', false) => "[0-9]",
                    ('D', false) => "[^0-9]",
                    ('s', false) => @"[ \t\n\x0B\f\r]",
                    ('S', false) => @"[^ \t\n\x0B\f\r]",
                    ('w', true) => "a-zA-Z_0-9",
                    ('d', true) => "0-9",
                    ('s', true) => @" \t\n\x0B\f\r",
                    _ => "\\" + next,
                });
                continue;
            }

            inClass = c switch
            {
                '[' => true,
                ']' => false,
                _ => inClass,
            };
            builder.Append(c);
        }

        return builder.ToString();
    }

    private static RegexOptions JavaFlags(string? flags)
    {
        var options = RegexOptions.None;
        foreach (var flag in (flags ?? "").Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            options |= flag switch
            {
                "CASE_INSENSITIVE" => RegexOptions.IgnoreCase,
                "MULTILINE" => RegexOptions.Multiline,
                "DOTALL" => RegexOptions.Singleline,
                "COMMENTS" => RegexOptions.IgnorePatternWhitespace,
                _ => RegexOptions.None,
            };
        }

        return options;
    }

    private static List<ElasticsearchStandInToken> Lowercase(List<ElasticsearchStandInToken> tokens) => Map(tokens, t => t.ToLowerInvariant());

    private static List<ElasticsearchStandInToken> Map(List<ElasticsearchStandInToken> tokens, Func<string, string> change) =>
        [.. tokens.Select(t => t with { Term = change(t.Term) })];

    private static List<ElasticsearchStandInToken> PreservingFold(List<ElasticsearchStandInToken> tokens)
    {
        var result = new List<ElasticsearchStandInToken>();
        foreach (var token in tokens)
        {
            result.Add(token);
            var folded = ElasticsearchStandInAsciiFolding.Fold(token.Term);
            if (folded != token.Term)
            {
                result.Add(token with { Term = folded });
            }
        }

        return result;
    }

    private static Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Truncate(int length) =>
        tokens => Map(tokens, t => t.Length <= length ? t : t[..(char.IsHighSurrogate(t[length - 1]) ? length - 1 : length)]);

    // A removed stop word keeps its position, so a phrase does not match across it.
    private static Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>> Stop(HashSet<string> words, bool ignoreCase) =>
        words.Count == 0 ? tokens => tokens : tokens => [.. tokens.Where(t => !words.Contains(ignoreCase ? t.Term.ToLowerInvariant() : t.Term))];

    private static HashSet<string> Stopwords(ElasticsearchStandInIndexSettings settings, string key, string fallback)
    {
        var words = settings.List(key);
        if (words.Count == 0)
        {
            words = [fallback];
        }

        return words switch
        {
            ["_english_"] => new HashSet<string>(EnglishStopWords, StringComparer.Ordinal),
            ["_none_"] => new HashSet<string>(StringComparer.Ordinal),
            [var list] when list.StartsWith('_') => throw NotImplemented($"stopwords [{list}]", key),
            _ => new HashSet<string>(words, StringComparer.Ordinal),
        };
    }

    private static int Int(ElasticsearchStandInIndexSettings settings, string key, int fallback) =>
        settings.String(key) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static ElasticsearchStandInRequestException Refused(string reason) =>
        new(400, new ElasticsearchStandInError("illegal_argument_exception", reason));

    private static ElasticsearchStandInRequestException NotImplemented(string what, string user) =>
        new(400, new ElasticsearchStandInError("illegal_argument_exception", $"the Elasticsearch stand-in does not implement {what} (used by [{user}]); see docs/TESTING.md"));
}
