using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Discovery;
using Pipeline.Tests.Logging;
using Pipeline.Tests.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Discovery.DiscovererWatch;

namespace Pipeline.Tests.Discovery;

/// <summary>
/// A file_sd path that finds nothing because it is wrong (a named file or a directory that does not exist) is a
/// discovery error, logged once and counted at each refresh, not a job that quietly has no targets.
/// </summary>
public sealed class FileDiscoveryErrorTests : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);
    private readonly TempDirectory _directory = new("file-sd-errors");
    private readonly ManualTimers _clock = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private long _readErrors;

    public FileDiscoveryErrorTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == DiscoveryMetrics.FileReadErrorsInstrument && instrument.Meter.Name == "test-meter")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.Length == 1 && tags[0].Key == "job" && (string?)tags[0].Value == "test-job")
            {
                Interlocked.Add(ref _readErrors, value);
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task A_missing_file_and_a_missing_directory_are_errors_counted_each_refresh_and_logged_once()
    {
        var named = _directory.Combine("targets.json");
        var inMissingDirectory = _directory.Combine("nowhere", "*.json");
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var metrics = new DiscoveryMetrics(_services.GetRequiredService<IMeterFactory>(), "test-meter");
        var config = new FileDiscoveryConfig { Files = [named, inMissingDirectory], RefreshInterval = Refresh };
        await using var watch = DiscovererWatch.Of(config.Create(new DiscoveryContext("test-job", _clock, loggers, metrics)));

        var error = await watch.UntilError(e => e is not null, "the discovery error");
        Assert.Contains($"{named}: no such file", error, StringComparison.Ordinal);
        Assert.Contains($"{inMissingDirectory}: directory {_directory.Combine("nowhere")} does not exist", error, StringComparison.Ordinal);
        Assert.Equal(2, Interlocked.Read(ref _readErrors));

        await Eventually.Until(
            () =>
            {
                _clock.Advance(Refresh);
                return Task.FromResult(Interlocked.Read(ref _readErrors));
            },
            n => n >= 4,
            "the next refresh counting both again");
        Assert.Equal(2, logs.Logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("file_sd cannot read", StringComparison.Ordinal)));
        Assert.Contains(logs.Logger.Entries, e => e.Message.Contains($"file_sd cannot read {named}: no such file", StringComparison.Ordinal));

        await File.WriteAllTextAsync(named, """[{"targets": ["10.0.0.1:8080"]}]""");
        Directory.CreateDirectory(_directory.Combine("nowhere"));
        var set = await watch.Until(s => Addresses(s).Length == 1, "the target of the file once written", poke: () => _clock.Advance(Refresh));
        Assert.Equal(["10.0.0.1:8080"], Addresses(set));
        await watch.UntilError(e => e is null, "the error cleared", poke: () => _clock.Advance(Refresh));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }
}
