using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>One item of a bulk request, as a fault rule sees it.</summary>
/// <param name="Action">create, index, delete or update.</param>
/// <param name="Index">The target index.</param>
/// <param name="Id">The <c>_id</c> of the action line, null when the server would generate one.</param>
/// <param name="Source">The document (default when the line was not JSON, or for delete).</param>
public sealed record ElasticsearchStandInBulkItem(string Action, string Index, string? Id, JsonElement Source)
{
    /// <summary>A top-level string member of the document, or null.</summary>
    public string? this[string member] =>
        Source.ValueKind == JsonValueKind.Object && Source.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
