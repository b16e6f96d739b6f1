namespace Pipeline.Tests.Support;

/// <summary>
/// An analyzer as Elasticsearch builds one: a tokenizer, then token filters in order. Text fields
/// index the terms it produces and match queries analyze their text with it, so a search finds
/// what Elasticsearch would find for the same mapping.
/// </summary>
public sealed class ElasticsearchStandInAnalyzer
{
    private readonly Func<string, List<ElasticsearchStandInToken>> _tokenizer;
    private readonly IReadOnlyList<Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>>> _filters;
    private readonly IReadOnlyList<Func<string, string>> _normalizers;

    internal ElasticsearchStandInAnalyzer(
        string name,
        Func<string, List<ElasticsearchStandInToken>> tokenizer,
        IReadOnlyList<Func<List<ElasticsearchStandInToken>, List<ElasticsearchStandInToken>>> filters,
        IReadOnlyList<Func<string, string>> normalizers)
    {
        Name = name;
        _tokenizer = tokenizer;
        _filters = filters;
        _normalizers = normalizers;
    }

    public string Name { get; }

    public List<ElasticsearchStandInToken> Analyze(string text)
    {
        var tokens = _tokenizer(text);
        foreach (var filter in _filters)
        {
            tokens = filter(tokens);
        }

        return tokens;
    }

    public List<string> Terms(string text) => [.. Analyze(text).Select(t => t.Term)];

    /// <summary>
    /// What the analyzer does to a wildcard or prefix pattern (<c>analyze_wildcard</c>): only its
    /// per-character filters (lowercase, asciifolding), which Lucene calls multi-term aware.
    /// </summary>
    public string Normalize(string text)
    {
        foreach (var normalize in _normalizers)
        {
            text = normalize(text);
        }

        return text;
    }
}
