using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>
/// Text is analysed as Elasticsearch analyses it: the standard analyzer's Unicode word
/// boundaries, and the analyzers an index's settings define, at index time and for match queries.
/// </summary>
public sealed class ElasticsearchStandInAnalysisTests : ElasticsearchStandInTestBase
{

    [Theory]
    [InlineData("java.lang.NullPointerException at x", "java.lang.nullpointerexception|at|x")]
    [InlineData("error_code=E42", "error_code|e42")]
    [InlineData("pi is 3.14, not 3,15", "pi|is|3.14|not|3,15")]
    [InlineData("GET 192.168.0.1:8080/healthz", "get|192.168.0.1|8080|healthz")]
    [InlineData("foo-bar user@host", "foo|bar|user|host")]
    [InlineData("it's done. end.", "it's|done|end")]
    [InlineData("key:value a:1", "key:value|a|1")]
    [InlineData("v1.2.3-beta _private trailing_", "v1.2.3|beta|_private|trailing_")]
    [InlineData("Ünïcödé Straße ŁÓDŹ", "ünïcödé|straße|łódź")]
    [InlineData("日本語のテキスト", "日|本|語|の|テキスト")]
    [InlineData("שלום עולם", "שלום|עולם")]
    [InlineData("--- *** ...", "")]
    public void The_standard_analyzer_cuts_at_unicode_word_boundaries_and_lowercases(string text, string expected)
    {
        var terms = ElasticsearchStandInAnalysis.BuiltIn.Analyzer("standard")!.Terms(text);

        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), terms);
    }

    [Fact]
    public void Words_longer_than_255_characters_are_cut_into_pieces_of_255()
    {
        var terms = ElasticsearchStandInAnalysis.BuiltIn.Analyzer("standard")!.Terms(new string('a', 300));

        Assert.Equal([255, 45], terms.Select(t => t.Length));
    }

    [Theory]
    [InlineData("simple", "Error42: Disk-full", "error|disk|full")]
    [InlineData("whitespace", "Error42: Disk-full", "Error42:|Disk-full")]
    [InlineData("keyword", "Error42: Disk-full", "Error42: Disk-full")]
    [InlineData("stop", "the disk is full", "disk|full")]
    public void The_built_in_analyzers_tokenize_as_elasticsearchs_do(string analyzer, string text, string expected)
    {
        Assert.Equal(expected.Split('|'), ElasticsearchStandInAnalysis.BuiltIn.Analyzer(analyzer)!.Terms(text));
    }

    [Fact]
    public void A_custom_analyzer_chains_the_pattern_tokenizer_and_the_lowercase_asciifolding_and_truncate_filters()
    {
        var analysis = ElasticsearchStandInAnalysis.Build(Settings("""
            {"analysis":{
              "analyzer":{"words":{"type":"custom","tokenizer":"words","filter":["lowercase","asciifolding","short"]}},
              "tokenizer":{"words":{"type":"pattern","pattern":"[^\\p{L}\\p{N}]+"}},
              "filter":{"short":{"type":"truncate","length":6}}}}
            """));

        var terms = analysis.Analyzer("words")!.Terms("java.lang.NullPointerException: Straße Æsir Øre crème-brûlée");

        Assert.Equal(["java", "lang", "nullpo", "strass", "aesir", "ore", "creme", "brulee"], terms);
    }

    [Theory]
    [InlineData("""{"analysis":{"analyzer":{"a":{"tokenizer":"nope"}}}}""", "Custom Analyzer [a] failed to find tokenizer under name [nope]")]
    [InlineData("""{"analysis":{"analyzer":{"a":{"tokenizer":"standard","filter":["nope"]}}}}""", "Custom Analyzer [a] failed to find filter under name [nope]")]
    [InlineData("""{"analysis":{"analyzer":{"a":{"type":"custom"}}}}""", "Custom Analyzer [a] must be configured with a tokenizer")]
    [InlineData("""{"analysis":{"analyzer":{"a":{"filter":["lowercase"]}}}}""", "analyzer [a] must specify either an analyzer type, or a tokenizer")]
    [InlineData("""{"analysis":{"filter":{"f":{"type":"bogus"}}}}""", "Unknown filter type [bogus] for [f]")]
    [InlineData("""{"analysis":{"tokenizer":{"t":{"type":"bogus"}}}}""", "Unknown tokenizer type [bogus] for [t]")]
    [InlineData("""{"analysis":{"analyzer":{"a":{"type":"bogus"}}}}""", "Unknown analyzer type [bogus] for [a]")]
    public void Invalid_analysis_settings_are_refused_with_elasticsearchs_message(string settings, string reason)
    {
        var refused = Assert.Throws<ElasticsearchStandInRequestException>(() => ElasticsearchStandInAnalysis.Build(Settings(settings)));

        Assert.Equal("illegal_argument_exception", refused.Error.Type);
        Assert.Equal(reason, refused.Error.Reason);
    }

    [Fact]
    public void A_component_elasticsearch_has_but_the_stand_in_does_not_implement_is_refused_saying_so()
    {
        var refused = Assert.Throws<ElasticsearchStandInRequestException>(() => ElasticsearchStandInAnalysis.Build(
            Settings("""{"analysis":{"analyzer":{"a":{"tokenizer":"standard","filter":["porter_stem"]}}}}""")));

        Assert.StartsWith("the Elasticsearch stand-in does not implement filter [porter_stem]", refused.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_queries_analyze_their_text_with_the_fields_analyzer()
    {
        await Http.PutAsync("/standard", """{"mappings":{"properties":{"log":{"type":"text"}}}}""");
        await Http.PutAsync("/words", """
            {"settings":{"analysis":{"analyzer":{"words":{"tokenizer":"words","filter":["lowercase"]}},"tokenizer":{"words":{"type":"pattern","pattern":"[^\\p{L}\\p{N}]+"}}}},
             "mappings":{"properties":{"log":{"type":"text","analyzer":"words"}}}}
            """);
        const string Document = """{"log":"java.lang.NullPointerException at x"}""";
        await Http.CreateAsync("standard", "1", Document);
        await Http.CreateAsync("words", "1", Document);

        // The standard analyzer keeps the dotted class name as one term; the pattern analyzer splits it.
        Assert.Empty(await Http.IdsAsync("standard", """{"match":{"log":"NullPointerException"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("standard", """{"match":{"log":"Java.Lang.NullPointerException"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("words", """{"match":{"log":"NullPointerException"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("words", """{"match_phrase":{"log":"lang NullPointerException"}}"""));
        Assert.Equal(["1"], await Http.IdsAsync("words", """{"query_string":{"query":"nullpointer*","fields":["log"]}}"""));
        Assert.Empty(await Http.IdsAsync("words", """{"match_phrase":{"log":"NullPointerException lang"}}"""));
    }

    private static ElasticsearchStandInIndexSettings Settings(string json) =>
        ElasticsearchStandInIndexSettings.From(JsonDocument.Parse(json).RootElement);
}
