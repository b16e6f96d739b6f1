using System.Text;
using System.Text.Json;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Processing;
using Pipeline.Tests.EmbeddedStore;
using Xunit;

namespace Pipeline.Tests.Filters;

/// <summary>
/// What a parser filter leaves is what the stores keep: as in fluent-bit, the parsed key is removed from the record
/// (<c>preserve_key: false</c>, the default), so a search hit has no <c>"log": ""</c>.
/// </summary>
public sealed class ParsedRecordStorageTests : IAsyncDisposable
{
    private readonly FilterMetrics _metrics = new();
    private readonly TemporaryLogStore _store = new(DateTimeOffset.FromUnixTimeMilliseconds(TestRecords.Time / 1_000_000));

    [Fact]
    public async Task The_parsed_log_key_is_removed_from_the_stored_document_unless_preserve_key_keeps_it()
    {
        var removing = Parser("");
        var preserving = Parser("      preserve_key: true\n");
        var parsed = Record(0, """{"level":"info","msg":"order placed"}""");
        var preserved = Record(1, """{"level":"warn","msg":"slow"}""");
        var unparsed = Record(2, "plain text");
        removing.Apply(parsed);
        preserving.Apply(preserved);
        removing.Apply(unparsed);

        await _store.Store.WriteAsync([parsed, preserved, unparsed], CancellationToken.None);

        var hits = await Documents("*");
        var parsedHit = hits.Single(h => h.GetProperty("_id").GetString() == parsed.Id);
        Assert.False(parsedHit.TryGetProperty("log", out _), parsedHit.ToString());
        Assert.False(parsedHit.TryGetProperty("pipeline_flags", out _));
        Assert.Equal("order placed", parsedHit.GetProperty("msg").GetString());
        Assert.False(TestRecords.Document(parsed).ContainsKey("log")); // the Elasticsearch document too
        var preservedHit = hits.Single(h => h.GetProperty("_id").GetString() == preserved.Id);
        Assert.Equal("""{"level":"warn","msg":"slow"}""", preservedHit.GetProperty("log").GetString());
        Assert.Equal("plain text", hits.Single(h => h.GetProperty("_id").GetString() == unparsed.Id).GetProperty("log").GetString());

        // KQL sees the member as gone as well.
        Assert.Equal(2, (await _store.SearchAsync("log:*")).Total);
        Assert.Equal(1, (await _store.SearchAsync("not log:*")).Total);
        Assert.Equal(0, (await _store.SearchAsync("pipeline_flags:*")).Total);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _metrics.Dispose();
    }

    private ILogFilter Parser(string keys) => FilterYaml.Single($"""
        logs:
          filters:
            - type: parser
              parser: json
        {keys}
        """, _metrics);

    private static LogEvent Record(long offset, string log) =>
        new("shop", TestRecords.Source(), offset, TestRecords.Time + offset, LogStream.Stdout, LogRecordFlags.None, Encoding.UTF8.GetBytes(log));

    private async Task<List<JsonElement>> Documents(string kql) =>
        [.. (await _store.SearchAsync(kql)).Hits.Select(h => JsonDocument.Parse(h.Document).RootElement.Clone())];
}
