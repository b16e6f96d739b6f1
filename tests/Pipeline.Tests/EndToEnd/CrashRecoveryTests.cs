using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The real silo process, killed with SIGKILL mid-ingest and restarted.</summary>
public sealed class CrashRecoveryTests
{
    private const int Files = 4;
    private const int LinesPerFile = 1500;
    private const int RotateEvery = 400;

    [Fact]
    public async Task Sigkill_during_ingest_of_rotating_files_stores_every_line_exactly_once()
    {
        using var dir = new TempDirectory();
        var config = WriteConfig(dir);
        var files = Enumerable.Range(0, Files)
            .Select(i => new ContainerLogFile(ContainerLogFile.ContainersPath(dir.Combine("logs"), "crash", $"writer-{i}", "app"), cri: i % 2 == 1, TimeProvider.System))
            .ToList();

        var written = 0;
        var firstOutput = "";
        await using (var first = SiloProcess.Start("--config", config))
        {
            await first.WaitHealthyAsync();
            // The first line of each file must be seen before the first rotation: a file rotated away
            // before the collector's first scan is outside the glob and, with no checkpoint, not ours.
            written = WriteLines(files, 0, 1);
            await Eventually.Until(() => first.SearchTotalAsync(""), t => t >= Files, "the first line of every file stored");
            written += WriteLines(files, 1, LinesPerFile / 2);
            // Kill once part of what was written is stored, so the crash lands in the middle of ingest.
            await Eventually.Until(() => first.SearchTotalAsync(""), t => t >= 500, "some records stored before the crash");
            first.Kill();
            firstOutput = first.Output;
        }

        written += WriteLines(files, LinesPerFile / 2, LinesPerFile);
        await using var second = SiloProcess.Start("--config", config);
        await second.WaitHealthyAsync();
        long total;
        try
        {
            total = await Eventually.Until(() => second.SearchTotalAsync(""), t => t >= written, $"{written} records stored after restart", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            // Say which lines are missing and what both silos logged, so a failure on CI can be understood.
            var stored = (await Hits(second, "", 10_000)).Select(h => h.GetProperty("log").GetString()!).ToHashSet(StringComparer.Ordinal);
            var missing = Enumerable.Range(0, Files)
                .Select(f => $"writer-{f}: " + Ranges(Enumerable.Range(0, LinesPerFile).Where(n => !stored.Contains($"writer-{f} line {n}"))));
            throw new TimeoutException(
                $"{e.Message}\nmissing lines: {string.Join("; ", missing)}\n--- first silo ---\n{Tail(firstOutput)}\n--- second silo ---\n{Tail(second.Output)}", e);
        }

        Assert.Equal(Files * LinesPerFile, written);
        Assert.Equal(written, total);
        var hits = await Hits(second, "kubernetes.namespace_name:crash", 10_000);
        var lines = hits.Select(h => h.GetProperty("log").GetString()!).ToList();
        Assert.Equal(written, lines.Count);
        Assert.Equal(written, lines.Distinct(StringComparer.Ordinal).Count());
        for (var f = 0; f < Files; f++)
        {
            for (var n = 0; n < LinesPerFile; n++)
            {
                Assert.Contains($"writer-{f} line {n}", lines);
            }
        }
    }

    private static string Ranges(IEnumerable<int> numbers)
    {
        var ranges = new List<string>();
        int? start = null, end = null;
        foreach (var n in numbers)
        {
            if (end is { } e && n == e + 1)
            {
                end = n;
                continue;
            }

            if (start is not null)
            {
                ranges.Add($"{start}..{end}");
            }

            start = end = n;
        }

        if (start is not null)
        {
            ranges.Add($"{start}..{end}");
        }

        return ranges.Count == 0 ? "none" : string.Join(",", ranges);
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(150));

    private static int WriteLines(List<ContainerLogFile> files, int from, int to)
    {
        var count = 0;
        for (var n = from; n < to; n++)
        {
            for (var f = 0; f < files.Count; f++)
            {
                files[f].Write($"writer-{f} line {n}", n);
                count++;
                if ((n + 1) % RotateEvery == 0)
                {
                    files[f].RotateByRename();
                }
            }
        }

        return count;
    }

    private static string WriteConfig(TempDirectory dir)
    {
        var path = dir.Combine("pipeline.yaml");
        File.WriteAllText(path, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              batch_size: 64KiB
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
                  rotate_wait: 30s
              outputs:
                - type: embedded
            """);
        return path;
    }

    private static async Task<List<JsonElement>> Hits(SiloProcess silo, string query, int limit)
    {
        var answer = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/logs/search?q={Uri.EscapeDataString(query)}&limit={limit}");
        return [.. answer.GetProperty("hits").EnumerateArray()];
    }
}
