using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The real silo process whose Elasticsearch (the stand-in) refuses connections: the search API says which store
/// failed and why, and the retries of the deliveries are one log line each, not a stack trace each.
/// </summary>
public sealed partial class ElasticsearchDownTests
{
    [Fact]
    public async Task Search_answers_502_naming_the_store_and_the_cause_and_retries_log_one_line_each()
    {
        using var dir = new TempDirectory();
        await using var es = await ElasticsearchStandIn.StartAsync();
        await es.StopListeningAsync();
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
                  timeout: 5s
            """);
        var file = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main"), cri: false, TimeProvider.System);
        file.Write("a line Elasticsearch will not get", 0);

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();

        using var answer = await silo.Http.GetAsync("/api/logs/search?q=*");
        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var error = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("es", error.GetProperty("store").GetString());
        Assert.Equal("elasticsearch", error.GetProperty("storeType").GetString());
        Assert.StartsWith("the log store 'es' (Elasticsearch) could not answer the search: ", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal($"Connection refused ({es.Uri.Host}:{es.Port})", error.GetProperty("cause").GetString());

        // Deliveries keep failing and are retried; each failure is a line with its cause, the trace came once per aggregator.
        await Eventually.Until(() => Task.FromResult(OutputFailures().Count(silo.Output)), n => n >= 4, "several failed deliveries");
        var output = silo.Output;
        var aggregators = OutputFailures().Matches(output).Select(m => m.Groups["aggregator"].Value).Distinct(StringComparer.Ordinal).Count();
        Assert.All(OutputFailures().Matches(output), m => Assert.Contains("Connection refused", m.Value, StringComparison.Ordinal));
        Assert.Equal(aggregators, Regex.Count(output, @"^\s+Pipeline\.Grains\.Outputs\.Elasticsearch\.ElasticsearchRequestException: ", RegexOptions.Multiline));
    }

    [GeneratedRegex(@"Output es could not take batch \d+ of (?<aggregator>\S+?)( \(failure \d+ in a row\))?; the collector will retry: .*$", RegexOptions.Multiline)]
    private static partial Regex OutputFailures();
}
