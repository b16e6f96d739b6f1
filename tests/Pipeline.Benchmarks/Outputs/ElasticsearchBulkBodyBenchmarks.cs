using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Benchmarks.Outputs;

/// <summary>
/// The Elasticsearch output's hot path without the network: a batch of 2,000 records (about 180
/// bytes of message, Kubernetes metadata of 50 pods) serialized into the bulk NDJSON body, and an
/// all-201 bulk answer of 2,000 items read back. Times are per record; records/s is 1e9 divided by
/// the mean in ns.
/// </summary>
[MemoryDiagnoser]
public class ElasticsearchBulkBodyBenchmarks
{
    public const int Records = 2_000;

    private static readonly string[] Namespaces = ["shop", "billing", "kube-system", "search", "auth"];
    private static readonly string[] Levels = ["INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"];
    private static readonly string[] Paths = ["/api/orders", "/api/cart", "/healthz", "/api/users", "/api/payments", "/metrics"];

    private LogBatch _batch = null!;
    private List<LogEvent> _events = [];
    private ElasticsearchLogOutput _output = null!;
    private ElasticsearchLogOutput _replacingDots = null!;
    private byte[] _answer = [];
    private byte[] _answerWithError = [];
    private int[] _statuses = [];

    [GlobalSetup]
    public void Setup()
    {
        _batch = MakeBatch();
        _events = LogEventBatch.Read(_batch);
        var metrics = new PipelineMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _output = new ElasticsearchLogOutput(
            new ElasticsearchLogOutputOptions { Hosts = [new Uri("http://127.0.0.1:9")] },
            new NoDeadLetters(),
            metrics,
            TimeProvider.System,
            NullLogger<ElasticsearchLogOutput>.Instance);
        _replacingDots = new ElasticsearchLogOutput(
            new ElasticsearchLogOutputOptions { Hosts = [new Uri("http://127.0.0.1:9")], ReplaceDots = true },
            new NoDeadLetters(),
            metrics,
            TimeProvider.System,
            NullLogger<ElasticsearchLogOutput>.Instance);
        _answer = AllCreatedAnswer(_events);
        _answerWithError = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_answer)
            .Replace("{\"errors\":false", "{\"errors\":true", StringComparison.Ordinal)
            .Replace("\"_primary_term\":1,\"status\":201}}]}", "\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected\"}}}]}", StringComparison.Ordinal));
        _statuses = new int[Records];
        var check = new List<ElasticsearchItemError>();
        if (ElasticsearchBulkResponse.Read(_answerWithError, Records, _statuses, check) != Records || check.Count != 1)
        {
            throw new InvalidOperationException("The bulk answer with an error does not read as 2,000 items with one failure.");
        }

        using var body = _output.Serialize(_events);
        Console.WriteLine($"// bulk body: {body.Length} bytes for {Records} records ({body.Length / Records} bytes a record)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _output.Dispose();
        _replacingDots.Dispose();
    }

    /// <summary>Serialization of records as the aggregator hands them over (messages still the batch's UTF-8 bytes).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int Serialize_bulk_body()
    {
        using var body = _output.Serialize(_events);
        return body.Length;
    }

    /// <summary>With <c>replace_dots</c>: each document written once more with its names changed.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int Serialize_bulk_body_replacing_dots()
    {
        using var body = _replacingDots.Serialize(_events);
        return body.Length;
    }

    /// <summary>The same, including turning the packed batch into events (what a write costs from the batch on).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int Read_batch_and_serialize_bulk_body()
    {
        using var body = _output.Serialize(LogEventBatch.Read(_batch));
        return body.Length;
    }

    /// <summary>Reading an all-201 bulk answer (<c>"errors":false</c>: its items need no reading).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int Read_bulk_answer_without_errors() => ElasticsearchBulkResponse.Read(_answer, Records, _statuses, []);

    /// <summary>Reading a bulk answer with one failed item: every item's status is read.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int Read_bulk_answer_with_an_error() => ElasticsearchBulkResponse.Read(_answerWithError, Records, _statuses, []);

    private static byte[] AllCreatedAnswer(List<LogEvent> events)
    {
        var answer = new StringBuilder("{\"errors\":false,\"took\":30,\"items\":[");
        for (var i = 0; i < events.Count; i++)
        {
            answer.Append(i == 0 ? "" : ",")
                .Append("{\"create\":{\"_index\":\"kubernetes_cluster-2026.11.25\",\"_id\":\"").Append(events[i].Id)
                .Append("\",\"_version\":1,\"result\":\"created\",\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0},\"_seq_no\":")
                .Append(i).Append(",\"_primary_term\":1,\"status\":201}}");
        }

        return Encoding.UTF8.GetBytes(answer.Append("]}").ToString());
    }

    private static LogBatch MakeBatch()
    {
        var random = new Random(7);
        var sources = Enumerable.Range(0, 50).Select(i => new LogSource
        {
            FileKey = $"8:{1000 + i}:{i:x8}",
            Path = $"/var/log/pods/{Namespaces[i % Namespaces.Length]}_web-{i}_uid/web/0.log",
            Namespace = Namespaces[i % Namespaces.Length],
            PodName = $"web-{i}-7c9d8f6b5-x2x4q",
            PodId = $"4f1c{i:x4}-0000-4000-8000-00000000{i:x4}",
            ContainerName = "web",
            ContainerId = $"9a0e{i:x60}",
            Host = $"node-{i % 3}",
        }).ToArray();
        var offsets = new long[sources.Length];
        var time = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        var writer = new LogBatchWriter();
        var message = new StringBuilder(256);
        for (var r = 0; r < Records; r++)
        {
            var s = random.Next(sources.Length);
            message.Clear()
                .Append("2026-11-25 10:00:00.").Append(random.Next(1000).ToString("D3", CultureInfo.InvariantCulture))
                .Append(' ').Append(Levels[random.Next(Levels.Length)])
                .Append(" [http-nio-8080-exec-").Append(random.Next(1, 20)).Append("] c.example.web.RequestLogger - ")
                .Append(Paths[random.Next(Paths.Length)]).Append('/').Append(random.Next(100_000))
                .Append(" status=").Append(random.Next(10) == 0 ? 503 : 200)
                .Append(" took=").Append(random.Next(1, 900)).Append("ms \"quoted\" trace=")
                .Append(random.NextInt64().ToString("x16", CultureInfo.InvariantCulture));
            var bytes = Encoding.UTF8.GetBytes(message.ToString());
            time += 50_000;
            writer.Append(sources[s], offsets[s], time, r % 7 == 0 ? LogStream.Stderr : LogStream.Stdout, LogRecordFlags.None, bytes);
            offsets[s] += bytes.Length + 1;
        }

        return writer.Build("shop", "node-0", 1);
    }

    private sealed class NoDeadLetters : IDeadLetterSink
    {
        public Task AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellation) => Task.CompletedTask;
    }
}
