using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Telemetry;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>Records, options and outputs for the Elasticsearch tests.</summary>
internal static class ElasticsearchTestRecords
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static long At(int seconds) => Nanos(BaseTime) + (seconds * 1_000_000_000L);

    public static LogSource Source(string file = "f1", string ns = "shop", string pod = "web-1", string container = "web") => new()
    {
        FileKey = file,
        Path = $"/var/log/pods/{ns}_{pod}_uid/{container}/0.log",
        Namespace = ns,
        PodName = pod,
        PodId = $"uid-{pod}",
        ContainerName = container,
        ContainerId = $"cid-{container}",
        Host = "node-3",
    };

    public static LogEvent Record(string log, long offset, long? time = null, string tenant = "shop", LogSource? source = null, LogStream stream = LogStream.Stdout) =>
        new(tenant, source ?? Source(ns: tenant), offset, time ?? At((int)offset), stream, LogRecordFlags.None, log);

    /// <summary><paramref name="count"/> records of one file, ids f1-0, f1-1, …, one second apart.</summary>
    public static List<LogEvent> Records(int count, string tenant = "shop", string file = "f1", string text = "line") =>
        [.. Enumerable.Range(0, count).Select(i => Record($"{text} {i}", i, tenant: tenant, source: Source(file, ns: tenant)))];

    public static ElasticsearchLogOutputOptions Options(ElasticsearchStandIn standIn, Action<ElasticsearchLogOutputOptions>? change = null)
    {
        var options = new ElasticsearchLogOutputOptions
        {
            Name = "es-test",
            Hosts = [standIn.Uri],
            RequestTimeout = TimeSpan.FromSeconds(10),
            RetryBackoff = TimeSpan.FromMilliseconds(1),
            RetryMaxBackoff = TimeSpan.FromMilliseconds(5),
        };
        change?.Invoke(options);
        return options;
    }

    public static PipelineMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public static ElasticsearchLogOutput Output(ElasticsearchLogOutputOptions options, RecordingDeadLetterSink? sink = null, PipelineMetrics? metrics = null) =>
        new(options, sink ?? new RecordingDeadLetterSink(), metrics ?? Metrics(), TimeProvider.System, NullLogger<ElasticsearchLogOutput>.Instance);
}
