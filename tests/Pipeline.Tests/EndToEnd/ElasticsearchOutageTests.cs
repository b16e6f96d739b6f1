using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The real silo process writing to the Elasticsearch stand-in (Elasticsearch cannot be installed
/// on the test machines; the stand-in speaks its bulk protocol) through an outage: connections
/// refused, then items answered 429, then recovery; and documents refused for good, dead-lettered
/// and replayed once the cause is fixed.
/// </summary>
public sealed class ElasticsearchOutageTests
{
    private const int Files = 4;
    private const int LinesPerFile = 5000;
    private const int RotateEvery = 2000;
    private const long MemBufLimit = 2L << 20;
    private const long BatchBytes = 64 << 10;
    private const long MaxLineSize = 16 << 10;

    [Fact]
    public async Task Every_line_is_stored_once_through_an_outage_and_the_buffer_stays_under_its_limit()
    {
        using var dir = new TempDirectory();
        await using var es = await ElasticsearchStandIn.StartAsync();
        es.RecordBodies = false;
        await es.StopListeningAsync();

        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              batch_size: {BatchBytes}
              tenant_mem_buf_limit: {MemBufLimit}
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
                  rotate_wait: 60s
                  mem_buf_limit: {MemBufLimit}
                  max_line_size: {MaxLineSize}
              outputs:
                - type: elasticsearch
                  id: es
                  hosts: [{es.Uri}]
                  max_retries: 2
                  retry_backoff: 50ms
                  timeout: 5s
            """);

        var files = Enumerable.Range(0, Files)
            .Select(i => new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", $"writer-{i}", "app"), cri: i % 2 == 1, TimeProvider.System))
            .ToList();
        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();
        var written = 0;
        for (var n = 0; n < LinesPerFile; n++)
        {
            if (n == 1)
            {
                // Every file must be followed before its first rotation: a file rotated away before the
                // collector's first scan is outside the glob and, with no checkpoint, never read.
                await Eventually.Until(() => silo.MetricAsync("pipeline_input_files"), v => v >= Files, "every file followed");
            }

            for (var f = 0; f < Files; f++)
            {
                files[f].Write($"writer-{f} line {n} {new string('z', 100)}", n);
                written++;
                if ((n + 1) % RotateEvery == 0)
                {
                    files[f].RotateByRename();
                }
            }
        }

        // While Elasticsearch refuses connections the buffer fills and reading pauses; nothing is lost.
        try
        {
            await Eventually.Until(() => silo.MetricAsync("pipeline_input_paused"), v => v >= 1, "reading paused by the full buffer");
        }
        catch (TimeoutException e)
        {
            var metrics = await silo.Http.GetStringAsync("/metrics");
            throw new TimeoutException($"{e.Message}\n--- metrics ---\n{string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("pipeline_", StringComparison.Ordinal)))}\n--- silo ---\n{string.Join('\n', silo.Output.Split('\n').TakeLast(80))}", e);
        }
        Assert.Equal(0, es.DocumentCount);

        // It comes back, but sheds load: a third of the items are answered 429 a few times each.
        es.RejectItems(item => item["log"] is { } log && log.Contains(" line 1", StringComparison.Ordinal), status: 429, times: 300);
        await es.StartListeningAsync();

        await Eventually.Until(() => Task.FromResult(es.DocumentCount), c => c >= written, $"{written} documents in Elasticsearch", TimeSpan.FromSeconds(180));
        await Eventually.Until(() => silo.MetricAsync("pipeline_input_buffer_bytes"), v => v == 0, "every batch acknowledged");

        var documents = es.Documents();
        Assert.Equal(written, documents.Count);
        Assert.Equal(written, documents.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        var lines = documents.Select(d => d["log"]!).ToHashSet(StringComparer.Ordinal);
        for (var f = 0; f < Files; f++)
        {
            for (var n = 0; n < LinesPerFile; n++)
            {
                Assert.Contains($"writer-{f} line {n} {new string('z', 100)}", lines);
            }
        }

        Assert.True(es.Counters.ItemErrors > 0, "the 429s should have been answered and retried");
        var peak = await silo.MetricAsync("pipeline_input_buffer_peak_bytes");
        Assert.InRange(peak, MemBufLimit / 2, MemBufLimit + BatchBytes + MaxLineSize);
    }

    [Fact]
    public async Task Documents_refused_for_good_are_dead_lettered_listed_and_replayed_once_fixed()
    {
        using var dir = new TempDirectory();
        await using var es = await ElasticsearchStandIn.StartAsync();
        es.RejectDocuments(item => item["log"] is { } log && log.StartsWith("poison", StringComparison.Ordinal));

        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
              outputs:
                - type: elasticsearch
                  id: es
                  hosts: [{es.Uri}]
            """);
        var file = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main"), cri: false, TimeProvider.System);
        for (var i = 0; i < 50; i++)
        {
            file.Write(i % 10 == 3 ? $"poison {i}" : $"fine {i}", i);
        }

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();
        await Eventually.Until(() => DeadLetters(silo), d => d.GetProperty("total").GetInt64() >= 5, "5 dead letters");
        await Eventually.Until(() => Task.FromResult(es.DocumentCount), c => c >= 45, "45 documents stored");

        var letters = await DeadLetters(silo);
        Assert.Equal(5, letters.GetProperty("total").GetInt64());
        var first = letters.GetProperty("letters")[0];
        Assert.Equal("es", first.GetProperty("output").GetString());
        Assert.Equal(400, first.GetProperty("status").GetInt32());
        Assert.StartsWith("document_parsing_exception", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("poison", first.GetProperty("document").GetProperty("log").GetString(), StringComparison.Ordinal);
        var metrics = await silo.Http.GetStringAsync("/metrics");
        Assert.Contains("pipeline_dead_letter_records_total{", metrics, StringComparison.Ordinal);

        // The offsets moved on: the collector is not stuck behind the refused records.
        await Eventually.Until(() => silo.MetricAsync("pipeline_input_buffer_bytes"), v => v == 0, "every batch acknowledged");

        es.ClearFaults();
        using var replay = await silo.Http.PostAsync("/api/logs/deadletter/replay", null);
        var result = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, result.GetProperty("stored").GetInt64());
        Assert.Equal(0, result.GetProperty("remaining").GetInt64());
        Assert.Equal(50, es.DocumentCount);
        Assert.Equal(5, es.Documents().Count(d => d["log"]!.StartsWith("poison", StringComparison.Ordinal)));
        Assert.Equal(0, (await DeadLetters(silo)).GetProperty("total").GetInt64());

        // The search API reads Elasticsearch when it is the store: KQL becomes the query DSL. The
        // replayed documents become searchable at Elasticsearch's next refresh, so the test polls as
        // a user would.
        var search = await Eventually.Until(
            () => silo.SearchAsync("log:poison and kubernetes.pod_name:web", 2),
            s => s.GetProperty("total").GetInt64() == 5,
            "the 5 replayed documents searchable");
        var hits = search.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(2, hits.Count);
        Assert.Equal("poison 43", hits[0].GetProperty("log").GetString());
        Assert.Equal("poison 33", hits[1].GetProperty("log").GetString());
    }

    private static Task<JsonElement> DeadLetters(SiloProcess silo) => silo.Http.GetFromJsonAsync<JsonElement>("/api/logs/deadletter?limit=10");
}
