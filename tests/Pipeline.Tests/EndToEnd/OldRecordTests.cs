using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The silo process given a record stamped a month ago: refused by the embedded store, counted, and done with.</summary>
public sealed class OldRecordTests
{
    private const string Refused = "pipeline_store_records_rejected_total{output=\"embedded\",reason=\"older_than_retention\",tenant=\"shop\"}";

    [Fact]
    public async Task A_record_stamped_thirty_days_ago_is_refused_counted_in_metrics_and_does_not_hold_back_the_checkpoint()
    {
        using var dir = new TempDirectory();
        var path = ContainerLogFile.ContainersPath(dir.Combine("logs"), "shop", "web", "main");
        var today = new ContainerLogFile(path, cri: false, TimeProvider.System);
        var monthAgo = new ContainerLogFile(path, cri: false, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-30)));
        monthAgo.Write("backfilled a month late", 0);
        today.Write("written today", 1);

        // exit_on_eof stops the silo once every line is acknowledged: the refused line counts as handled.
        await using (var first = SiloProcess.Start("--config", WriteConfig(dir, exitOnEof: true)))
        {
            var code = await first.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.True(code == 0, first.Output);
            Assert.Contains("2 records were acknowledged", first.Output, StringComparison.Ordinal);
            Assert.Contains("Refused 1 records older than the 7-day retention", first.Output, StringComparison.Ordinal);
        }

        // The next silo resumes after both lines (the checkpoint moved past the refused one): it reads only what is
        // appended now, and its /metrics counts just the one new refusal.
        monthAgo.Write("another late one", 2);
        today.Write("written today again", 3);
        await using var second = SiloProcess.Start("--config", WriteConfig(dir, exitOnEof: false));
        await second.WaitHealthyAsync();
        await Eventually.Until(() => second.SearchTotalAsync("written"), total => total == 2, "both of today's records stored");
        var metrics = await Eventually.Until(() => second.Http.GetStringAsync("/metrics"), m => m.Contains(Refused, StringComparison.Ordinal), "the refusal counted");

        Assert.Contains($"{Refused} 1\n", metrics, StringComparison.Ordinal);
        Assert.Equal(0, await second.SearchTotalAsync("backfilled or late"));
        Assert.Equal(2, await second.SearchTotalAsync(""));
    }

    private static string WriteConfig(TempDirectory dir, bool exitOnEof)
    {
        var path = dir.Combine(exitOnEof ? "once.yaml" : "serve.yaml");
        File.WriteAllText(path, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
                  exit_on_eof: {(exitOnEof ? "true" : "false")}
              outputs:
                - type: embedded
            """);
        return path;
    }
}
