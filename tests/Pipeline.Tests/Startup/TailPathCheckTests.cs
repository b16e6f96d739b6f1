using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Hosting;
using Pipeline.Tests.Logging;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Startup;

/// <summary>A tail path whose directory does not exist is a warning at start-up naming it, not a silent 0 files followed.</summary>
public sealed class TailPathCheckTests
{
    [Theory]
    [InlineData("/var/log/containers/*.log", "/var/log/containers")]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods")]
    [InlineData("/var/log/pods/**/0.log", "/var/log/pods")]
    [InlineData("/var/log/app-[ab].log", "/var/log")]
    [InlineData("/var/log/app.log", "/var/log")]
    [InlineData("/*.log", "/")]
    public void The_directory_a_glob_starts_in_is_before_its_first_wildcard(string glob, string directory) =>
        Assert.Equal(directory, TailPathCheck.FixedDirectory(glob));

    [Fact]
    public async Task A_path_in_a_missing_directory_is_warned_about_at_start_naming_the_path_and_the_directory()
    {
        using var dir = new TempDirectory();
        var typo = dir.Combine("contianers", "*.log");
        var config = new PipelineConfig
        {
            NodeName = "n",
            Logs = new LogsConfig
            {
                Inputs =
                [
                    new TailInputConfig { Paths = [dir.Combine("*.log")] },
                    new TailInputConfig { Paths = [dir.Combine("*.log"), typo] },
                ],
            },
        };
        var logger = new RecordingLogger<TailPathCheck>();

        await new TailPathCheck(config, logger).StartAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith($"logs.inputs[1].paths: '{typo}' follows no file: directory {dir.Combine("contianers")} does not exist.", warning.Message, StringComparison.Ordinal);
    }
}
