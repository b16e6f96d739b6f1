using System.Globalization;
using System.Text.Json;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>An HTTP answer from Elasticsearch: status, JSON body, and the body as text.</summary>
internal sealed record ElasticsearchRestAnswer(int Status, JsonElement Json, string Text)
{
    /// <summary>
    /// The value at a path of the YAML tests' form, <c>items.0.index.status</c> (numbers index
    /// arrays); null when the path leads nowhere.
    /// </summary>
    public JsonElement? At(string path)
    {
        var node = Json;
        foreach (var step in path.Split('.'))
        {
            if (node.ValueKind == JsonValueKind.Array && int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < node.GetArrayLength())
            {
                node = node[i];
            }
            else if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(step, out var member))
            {
                node = member;
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The text of a string, or the JSON of anything else, at the path (the YAML <c>match</c> compares this).</summary>
    public string? this[string path] => At(path) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    public override string ToString() => $"{Status} {Text}";
}
