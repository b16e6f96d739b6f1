using System.Diagnostics.Metrics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Benchmarks.Filters;

/// <summary>
/// The aggregator's filter chain per record over 10,000 JSON application log lines of about 180
/// bytes (Mean is per record thanks to OperationsPerInvoke), taken as an aggregator takes them: in
/// batches of <see cref="BatchSize"/> records (the default 512 KiB batch of such lines), each batch's
/// events built fresh over the message bytes as <see cref="LogEventBatch.Read"/> does, filtered, then
/// let go. The baseline measures building the events alone. Target: parser json + modify + grep well
/// under 2 µs a record.
/// </summary>
[MemoryDiagnoser]
public class FilterChainBenchmarks
{
    private const int RecordCount = 10_000;

    /// <summary>Records in a default 512 KiB batch of 180-byte lines.</summary>
    public const int BatchSize = 2_900;

    private const string ChainYaml = """
        logs:
          filters:
            - type: parser
              parser: json
              reserve_data: true
            - type: modify
              rename: {msg: message}
              set: {app: "${kubernetes.container_name}", env: production}
              remove: caller
            - type: grep
              exclude: level ^debug$
        """;

    private static readonly string[] Levels = ["info", "info", "info", "warn", "error", "debug"];
    private static readonly string[] Messages = ["order created", "payment authorised", "cache miss, loading from primary", "retrying request", "Bestellung für Müller gespeichert"];

    private readonly List<LogEvent> _events = new(RecordCount);
    private ReadOnlyMemory<byte>[] _messages = [];
    private LogSource _source = null!;
    private FilterChain _chain = null!;
    private FilterChain _parserOnly = null!;
    private FilterChain _grepOnly = null!;
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _messages = new ReadOnlyMemory<byte>[RecordCount];
        for (var i = 0; i < RecordCount; i++)
        {
            _messages[i] = Encoding.UTF8.GetBytes(
                $"{{\"ts\":\"2026-11-25T10:00:{i % 60:00}.{random.Next(0, 999):000}Z\",\"level\":\"{Levels[random.Next(Levels.Length)]}\",\"logger\":\"shop.orders.OrderService\"," +
                $"\"msg\":\"{Messages[random.Next(Messages.Length)]}\",\"order_id\":{random.Next(10_000, 99_999)},\"user\":\"u-{random.Next(1, 999)}\",\"took_ms\":{random.NextDouble() * 50:0.00},\"caller\":\"orders.go:{random.Next(10, 400)}\"}}");
        }

        _source = new LogSource
        {
            FileKey = "8:1234:abcd",
            Path = "/var/log/containers/web-7c9d8f6b5-x2x4q_shop_web-9a0e1f.log",
            Namespace = "shop",
            PodName = "web-7c9d8f6b5-x2x4q",
            PodId = "4f1c0000-0000-4000-8000-000000000001",
            ContainerName = "web",
            ContainerId = "9a0e1f",
            Host = "node-1",
        };

        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        var metrics = new PipelineMetrics(meters);
        var registry = new LogMetricsRegistry(meters);
        _chain = Chain(ChainYaml, registry, metrics);
        _parserOnly = Chain("""
            logs:
              filters:
                - type: parser
                  parser: json
                  reserve_data: true
            """, registry, metrics);
        _grepOnly = Chain("""
            logs:
              filters:
                - type: grep
                  exclude: 'log "level":"debug"'
            """, registry, metrics);

        // A sample that failed to parse or dropped nothing would measure the wrong path.
        Fill(0, RecordCount);
        var dropped = _chain.Apply(_events);
        if (_events.Any(e => e.GetString(FieldPath.Parse("message")) is null) || dropped.GetValueOrDefault("grep") == 0)
        {
            throw new InvalidOperationException("The benchmark sample does not go through the chain as intended.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    private static FilterChain Chain(string yaml, LogMetricsRegistry registry, PipelineMetrics metrics) =>
        new FilterChainFactory(PipelineConfigLoader.Parse(yaml).Logs.Filters, registry, metrics, TimeProvider.System).CreateChain(2);

    private void Fill(int start, int count)
    {
        _events.Clear();
        for (var i = start; i < start + count; i++)
        {
            _events.Add(new LogEvent("shop", _source, i, 1_764_064_800_000_000_000, LogStream.Stdout, LogRecordFlags.None, _messages[i]));
        }
    }

    private int Run(FilterChain? chain)
    {
        var kept = 0;
        for (var start = 0; start < RecordCount; start += BatchSize)
        {
            Fill(start, Math.Min(BatchSize, RecordCount - start));
            chain?.Apply(_events);
            kept += _events.Count;
        }

        _events.Clear();
        return kept;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount, Description = "events only (no filter)")]
    public int EventsOnly() => Run(null);

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "parser json + modify + grep")]
    public int ParserModifyGrep() => Run(_chain);

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "parser json alone")]
    public int ParserJson() => Run(_parserOnly);

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "grep exclude on the raw message")]
    public int GrepRawMessage() => Run(_grepOnly);
}
