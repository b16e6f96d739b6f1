using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>An installed composable index template: its body as sent and what index creation reads from it.</summary>
/// <param name="Name">The template's name.</param>
/// <param name="Body">The body of <c>PUT _index_template/{name}</c>.</param>
internal sealed record ElasticsearchStandInIndexTemplate(string Name, JsonElement Body)
{
    public IReadOnlyList<string> Patterns { get; } =
        !Body.TryGetProperty("index_patterns", out var patterns) ? []
        : patterns.ValueKind == JsonValueKind.Array ? [.. patterns.EnumerateArray().Select(p => p.GetString()!)]
        : [patterns.GetString()!];

    public long Priority { get; } = Body.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;

    /// <summary>Indices it matches are data streams: <c>create</c> only, <c>@timestamp</c> required.</summary>
    public bool DataStream { get; } = Body.TryGetProperty("data_stream", out var ds) && ds.ValueKind == JsonValueKind.Object;

    public JsonElement? Settings => Section("settings");

    public JsonElement? Mappings => Section("mappings");

    public bool Matches(string index) => Patterns.Any(pattern => ElasticsearchStandInText.WildcardMatches(pattern, index));

    private JsonElement? Section(string name) =>
        Body.TryGetProperty("template", out var template) && template.ValueKind == JsonValueKind.Object
        && template.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;
}
