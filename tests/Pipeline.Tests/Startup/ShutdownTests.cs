using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Silo;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Startup;

/// <summary>SIGTERM, as Kubernetes stops a pod: the silo ends within <c>shutdown_timeout</c> and says what it gave up.</summary>
public sealed partial class ShutdownTests
{
    [Fact]
    public async Task Sigterm_with_the_remote_write_receiver_down_gives_up_at_the_shutdown_timeout_and_logs_what_was_lost()
    {
        using var dir = new TempDirectory();
        var http = LoopbackPort.Free();
        var refused = LoopbackPort.Free(); // nothing listens there: every send is refused and retried
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            shutdown_timeout: 3s
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ["127.0.0.1:{http}"]
            remote_write:
              - url: http://127.0.0.1:{refused}/api/v1/write
                queue_config:
                  max_shards: 2
            """);

        await using var silo = SiloCommand.Start(
            "--config", config, "--urls", $"http://127.0.0.1:{http}", "--silo-port", $"{LoopbackPort.Free()}", "--gateway-port", $"{LoopbackPort.Free()}");
        await Eventually.Until(() => Task.FromResult(silo.Output), o => o.Contains("samples not accepted", StringComparison.Ordinal) || silo.HasExited, "a refused remote_write request");
        silo.Terminate();

        // The bound only catches a hang (the old 1-minute flush deadline); the log line is what shows the timeout applied.
        Assert.Equal(SiloExitCodes.Stopped, await silo.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var gaveUp = GaveUp().Match(silo.Output);
        Assert.True(gaveUp.Success, silo.Output);
        var samples = long.Parse(gaveUp.Groups["samples"].Value, CultureInfo.InvariantCulture);
        var batches = long.Parse(gaveUp.Groups["batches"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(batches, 1, samples);
        Assert.Contains($"stopped before the receiver took everything: {samples} samples in {batches} batches not delivered to http://127.0.0.1:{refused}/api/v1/write", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shutdown_timeout_is_twenty_seconds_unless_the_file_says_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), PipelineConfigLoader.Parse("data_dir: /d\n").ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), PipelineConfigLoader.Parse("shutdown_timeout: 45s\n").ShutdownTimeout);
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("shutdown_timeout: 0s\n"));
        Assert.StartsWith("shutdown_timeout (line 1): '0s' is not a duration of at least 1s", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20, 0, 18)]
    [InlineData(20, 5, 13)]
    [InlineData(4, 0, 3)]
    [InlineData(20, 25, 0)]
    public void The_flush_gets_the_shutdown_timeout_less_what_has_passed_and_a_reserve(int timeoutSeconds, int elapsedSeconds, double budgetSeconds) =>
        Assert.Equal(
            TimeSpan.FromSeconds(budgetSeconds),
            RemoteWriteFlushOnStop.Budget(TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(elapsedSeconds)));

    [GeneratedRegex(@"shutdown_timeout \(3 s\) reached before remote_write was flushed: gave up (?<samples>\d+) samples in (?<batches>\d+) batches not delivered")]
    private static partial Regex GaveUp();
}
