using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The silo executable as a user runs it: configuration errors, exit_on_eof, search API, metrics.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task A_bad_key_fails_start_up_naming_the_key_and_line()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, "logs:\n  inputs:\n    - type: tail\n      paths: [\"/x/*.log\"]\n      read_form_head: true\n");

        await using var silo = SiloProcess.Start("--config", config);
        var code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains("logs.inputs[0].read_form_head (line 5): unknown key 'read_form_head'", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_on_eof_stops_with_status_zero_once_every_line_is_acknowledged()
    {
        using var dir = new TempDirectory();
        var file = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main"), cri: false, TimeProvider.System);
        for (var i = 0; i < 3000; i++)
        {
            file.Write($"line {i}", i);
        }

        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            logs:
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  exit_on_eof: true
              outputs:
                - type: embedded
            """);

        await using var silo = SiloProcess.Start("--config", config);
        var code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.True(code == 0, silo.Output);
        Assert.Contains("3000 records were acknowledged", silo.Output, StringComparison.Ordinal);
        Assert.Contains("pipeline-usage cpu_seconds=", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_answers_exact_totals_newest_first_and_rejects_malformed_queries_with_the_position()
    {
        using var dir = new TempDirectory();
        var web = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main"), cri: false, TimeProvider.System);
        var api = new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "payments", "api", "main"), cri: true, TimeProvider.System);
        for (var i = 0; i < 50; i++)
        {
            web.Write(i % 10 == 0 ? $"GET /checkout 500 request {i}" : $"GET /products 200 request {i}", i);
            api.Write($"payment {i} authorised", i, i % 5 == 0 ? "stderr" : "stdout");
        }

        // What goes wrong on real nodes: garbage, broken UTF-8, an over-long line; each is kept and marked.
        File.AppendAllText(web.Path, "this is not json\n");
        File.AppendAllBytes(web.Path, [.. Encoding.UTF8.GetBytes("{\"log\":\"bad \""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes($" utf8\\n\",\"stream\":\"stdout\",\"time\":\"{web.Time(98)}\"}}\n")]);
        web.Write(new string('y', 300_000), 99);

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
                - type: embedded
            """);

        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitHealthyAsync();
        await Eventually.Until(() => silo.SearchTotalAsync(""), t => t >= 103, "every record stored");

        Assert.Equal(103, await silo.SearchTotalAsync(""));
        Assert.Equal(48, await silo.SearchTotalAsync("kubernetes.namespace_name:shop and not log:*checkout*"));
        Assert.Equal(5, await silo.SearchTotalAsync("log:\"/checkout 500\""));
        Assert.Equal(10, await silo.SearchTotalAsync("kubernetes.namespace_name:payments and stream:stderr"));
        Assert.Equal(1, await silo.SearchTotalAsync("log:\"not json\""));

        var newest = await silo.SearchAsync("kubernetes.namespace_name:payments", 3);
        var times = newest.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("@timestamp").GetString()).ToList();
        Assert.Equal(3, times.Count);
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        var hit = newest.GetProperty("hits")[0];
        Assert.Equal("payment 49 authorised", hit.GetProperty("log").GetString());
        Assert.Equal("api", hit.GetProperty("kubernetes").GetProperty("pod_name").GetString());

        var marked = await silo.SearchAsync("pipeline_flags:*", 10);
        Assert.Equal(3, marked.GetProperty("total").GetInt64());

        using var bad = await silo.Http.GetAsync("/api/logs/search?q=" + Uri.EscapeDataString("kubernetes.pod_name:(web or"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("kubernetes.pod_name:(web or".Length, error.GetProperty("position").GetInt32());

        using var badTime = await silo.Http.GetAsync("/api/logs/search?q=x&from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);

        var metrics = await silo.Http.GetStringAsync("/metrics");
        Assert.Contains("pipeline_input_records_total{node=", metrics, StringComparison.Ordinal);
        Assert.Contains("pipeline_input_paused{node=", metrics, StringComparison.Ordinal);
        Assert.Contains("pipeline_input_problems_total{node=\"", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"unparsed\"", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"truncated\"", metrics, StringComparison.Ordinal);

        using var dashboard = await silo.Http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Demo_mode_shows_container_logs_of_several_namespaces_within_seconds()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"data_dir: {dir.Combine("data")}\n");

        await using var silo = SiloProcess.Start("--demo", "--config", config);
        await silo.WaitHealthyAsync();

        foreach (var ns in new[] { "shop", "payments", "monitoring" })
        {
            await Eventually.Until(() => silo.SearchTotalAsync($"kubernetes.namespace_name:{ns}"), t => t > 0, $"demo records of {ns}");
        }

        // The demo writes CRI lines split into P/F pieces: they arrive joined.
        var joined = await Eventually.Until(() => silo.SearchTotalAsync("log:\"payload dump\""), t => t > 0, "a joined long line", TimeSpan.FromSeconds(90));
        Assert.True(joined > 0);
        var hit = (await silo.SearchAsync("log:\"payload dump\"", 1)).GetProperty("hits")[0];
        Assert.True(hit.GetProperty("log").GetString()!.Length > 20_000);

        // The demo's directories exist before the silo starts: no warning about paths that follow nothing.
        Assert.DoesNotContain("follows no file", silo.Output, StringComparison.Ordinal);
    }
}
