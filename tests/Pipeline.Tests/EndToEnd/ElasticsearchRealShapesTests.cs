using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The check that found issue 11, run on the real silo process against the Elasticsearch stand-in
/// (which maps dotted names and checks privileges as Elasticsearch 9 does): 300 JSON log lines
/// through the parser filter with <c>reserve_data</c> and <c>preserve_key</c>, half with <c>app</c>
/// beside <c>app.version</c>, half ECS-style with <c>log.level</c> beside <c>log</c>, written while the
/// output's user lacks its index privileges. Nothing is stored or dead-lettered while the privilege
/// is missing, the silo says which to grant (log, <c>/metrics</c>, <c>/readyz</c>), and once it is
/// granted every line is stored once and is searchable by its dotted fields.
/// </summary>
public sealed class ElasticsearchRealShapesTests
{
    private const int Lines = 300;

    [Fact]
    public async Task Dotted_json_fields_are_stored_once_the_missing_privilege_is_granted_and_never_dead_lettered()
    {
        using var dir = new TempDirectory();
        await using var es = await ElasticsearchStandIn.StartAsync();
        es.Privileges.RevokeIndex("all", "kubernetes_cluster-*");

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
              filters:
                - type: parser
                  key_name: log
                  parser: json
                  reserve_data: true
                  preserve_key: true
              outputs:
                - type: elasticsearch
                  id: es
                  hosts: [{es.Uri}]
                  retry_backoff: 50ms
            """);
        var file = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main"), cri: false, TimeProvider.System);
        for (var i = 0; i < Lines; i++)
        {
            file.Write(
                i % 2 == 0
                    ? $$"""{"app":"checkout","app.version":"1.{{i % 7}}.0","msg":"order {{i}} placed"}"""
                    : $$"""{"log.level":"{{(i % 3 == 0 ? "error" : "info")}}","message":"payment {{i}} answered","ecs.version":"1.6.0"}""",
                i);
        }

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();

        // Blocked: the silo names the privilege, keeps the records and dead-letters none of them.
        var notReady = await Eventually.Until(
            async () =>
            {
                using var answer = await silo.Http.GetAsync("/readyz");
                return answer.StatusCode == HttpStatusCode.ServiceUnavailable ? await answer.Content.ReadAsStringAsync() : "";
            },
            body => body.Contains("auto_configure", StringComparison.Ordinal),
            "readiness naming the missing privilege");
        Assert.Contains("output 'es' cannot deliver (forbidden)", notReady, StringComparison.Ordinal);
        Assert.Contains("kubernetes_cluster-*", notReady, StringComparison.Ordinal);
        Assert.Equal(1, await silo.MetricAsync("pipeline_output_blocked"));
        Assert.Contains("pipeline_output_blocked{output=\"es\",reason=\"forbidden\"}", await silo.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Contains("Elasticsearch output es stopped delivering", silo.Output, StringComparison.Ordinal);
        Assert.Equal(0, es.DocumentCount);
        Assert.Equal(0, (await DeadLetters(silo)).GetProperty("total").GetInt64());
        Assert.True(await silo.MetricAsync("pipeline_input_buffer_bytes") > 0, "the records wait in the buffer");

        es.Privileges.Reset();

        await Eventually.Until(() => Task.FromResult(es.DocumentCount), c => c >= Lines, $"{Lines} documents stored");
        await Eventually.Until(() => silo.MetricAsync("pipeline_input_buffer_bytes"), v => v == 0, "every batch acknowledged");
        Assert.Equal(Lines, es.Documents().Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, (await DeadLetters(silo)).GetProperty("total").GetInt64());
        Assert.Equal(0, await silo.MetricAsync("pipeline_output_blocked"));
        Assert.Contains("Elasticsearch output es delivers again", silo.Output, StringComparison.Ordinal);
        await silo.WaitReadyAsync();

        // Searchable by the dotted names as written (polling: Elasticsearch shows writes after a refresh).
        await Eventually.Until(() => silo.SearchTotalAsync("app.version:*"), t => t == Lines / 2, "app.version searchable");
        Assert.Equal(Lines / 2, await silo.SearchTotalAsync("app:checkout"));
        Assert.Equal(Enumerable.Range(0, Lines).Count(i => i % 2 == 1 && i % 3 == 0), await silo.SearchTotalAsync("log.level:error"));
        Assert.Equal(Lines / 2, await silo.SearchTotalAsync("log.level:*"));
        Assert.Equal(Lines / 2, await silo.SearchTotalAsync("ecs.version:1.6.0 and payment"));
    }

    private static Task<JsonElement> DeadLetters(SiloProcess silo) => silo.Http.GetFromJsonAsync<JsonElement>("/api/logs/deadletter?limit=10");
}
