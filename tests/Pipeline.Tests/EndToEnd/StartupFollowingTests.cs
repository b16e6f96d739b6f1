using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The real silo process meeting container log files the way kubelet makes them: created empty before
/// the container writes. Once <c>/readyz</c> says ready, every file that matched is the silo's, even if
/// it is rotated away before any rescan and the silo is killed at once.
/// </summary>
public sealed class StartupFollowingTests
{
    private const int Files = 4;

    [Fact]
    public async Task Empty_files_are_followed_from_the_first_scan_and_readyz_waits_for_it()
    {
        using var dir = new TempDirectory();
        var files = EmptyFiles(dir);

        // No timed rescan after the first: what is read next comes from following the files found then.
        var config = WriteConfig(dir, refreshInterval: "1h", inotify: true);
        await using var silo = SiloProcess.Start("--config", config);
        await silo.WaitReadyAsync();

        Assert.Equal(Files, await silo.MetricAsync("pipeline_input_files"));
        var health = await silo.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        for (var f = 0; f < Files; f++)
        {
            files[f].Write($"writer-{f} first line", 0);
        }

        await Eventually.Until(() => silo.SearchTotalAsync(""), total => total >= Files, "the first line of every file stored");
        Assert.Equal(Files, await silo.SearchTotalAsync(""));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_sigkill_right_after_readiness_loses_no_line_of_files_rotated_away_before_any_rescan(bool inotify)
    {
        using var dir = new TempDirectory();
        var files = EmptyFiles(dir);
        var config = WriteConfig(dir, refreshInterval: "1h", inotify);

        var expected = new HashSet<string>(StringComparer.Ordinal);
        string firstOutput;
        await using (var first = SiloProcess.Start("--config", config))
        {
            await first.WaitReadyAsync();

            // Each file fills and is renamed away twice, then its third generation gets lines, and the node dies.
            for (var generation = 0; generation < 3; generation++)
            {
                for (var f = 0; f < Files; f++)
                {
                    var lines = Enumerable.Range(0, 200).Select(n => $"writer-{f} generation {generation} line {n}").ToList();
                    files[f].WriteMany(lines, generation * 1000);
                    expected.UnionWith(lines);
                    if (generation < 2)
                    {
                        files[f].RotateByRename();
                    }
                }
            }

            first.Kill();
            firstOutput = first.Output;
        }

        await using var second = SiloProcess.Start("--config", config);
        await second.WaitReadyAsync();
        try
        {
            await Eventually.Until(() => second.SearchTotalAsync(""), total => total >= expected.Count, $"{expected.Count} records stored after the restart", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- first silo ---\n{Tail(firstOutput)}\n--- second silo ---\n{Tail(second.Output)}", e);
        }

        var stored = await Messages(second, expected.Count + 100);
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    private static List<ContainerLogFile> EmptyFiles(TempDirectory dir)
    {
        var files = Enumerable.Range(0, Files)
            .Select(i => new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "startup", $"writer-{i}", "app"), cri: i % 2 == 1, TimeProvider.System))
            .ToList();
        Directory.CreateDirectory(dir.Combine("logs"));
        foreach (var file in files)
        {
            File.WriteAllText(file.Path, string.Empty);
        }

        return files;
    }

    private static string WriteConfig(TempDirectory dir, string refreshInterval, bool inotify)
    {
        var path = dir.Combine("pipeline.yaml");
        File.WriteAllText(path, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: false
                  refresh_interval: {refreshInterval}
                  inotify_watcher: {(inotify ? "true" : "false")}
              outputs:
                - type: embedded
            """);
        return path;
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(100));

    private static async Task<List<string>> Messages(SiloProcess silo, int limit)
    {
        var answer = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/logs/search?q=&limit={limit}");
        return [.. answer.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("log").GetString()!)];
    }
}
