using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Benchmarks.Store;

/// <summary>
/// Write throughput of the embedded store (batches of 2,000 records of about 180 bytes into a
/// fresh file; time is reported per row) and KQL search latency over 100,000 rows.
/// </summary>
[MemoryDiagnoser]
public class EmbeddedLogStoreBenchmarks
{
    public const int RecordsPerBatch = 2_000;
    public const int BatchesPerWrite = 10;
    public const int SearchRows = 100_000;

    private static readonly string[] Namespaces = ["shop", "billing", "kube-system", "search", "auth"];
    private static readonly string[] Levels = ["INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"];
    private static readonly string[] Paths = ["/api/orders", "/api/cart", "/healthz", "/api/users", "/api/payments", "/metrics"];
    private static readonly string[] Outcomes = ["completed", "completed", "completed", "retrying after timeout", "connection refused by upstream", "cache miss"];

    private LogBatch[] _writeBatches = [];
    private string _writeDirectory = string.Empty;
    private EmbeddedLogStore? _writeStore;
    private string _searchDirectory = string.Empty;
    private EmbeddedLogStore? _searchStore;

    [GlobalSetup]
    public async Task GlobalSetup()
    {
        _writeBatches = MakeBatches(BatchesPerWrite, seed: 1);
        _searchDirectory = NewDirectory();
        _searchStore = OpenStore(_searchDirectory);
        foreach (var batch in MakeBatches(SearchRows / RecordsPerBatch, seed: 2))
        {
            await _searchStore.WriteAsync(batch, CancellationToken.None);
        }
    }

    [GlobalCleanup]
    public async Task GlobalCleanup()
    {
        if (_searchStore is not null)
        {
            await _searchStore.DisposeAsync();
        }

        Directory.Delete(_searchDirectory, recursive: true);
    }

    [IterationSetup(Target = nameof(Write_batches_of_2000_into_a_fresh_store))]
    public void CreateWriteStore()
    {
        _writeDirectory = NewDirectory();
        _writeStore = OpenStore(_writeDirectory);
    }

    [IterationCleanup(Target = nameof(Write_batches_of_2000_into_a_fresh_store))]
    public void DeleteWriteStore()
    {
        _writeStore!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_writeDirectory, recursive: true);
    }

    /// <summary>Time per row; rows/s is 1e9 divided by the mean in ns.</summary>
    [Benchmark(OperationsPerInvoke = RecordsPerBatch * BatchesPerWrite)]
    public async Task<int> Write_batches_of_2000_into_a_fresh_store()
    {
        var stored = 0;
        foreach (var batch in _writeBatches)
        {
            stored += (await _writeStore!.WriteAsync(batch, CancellationToken.None)).Stored;
        }

        return stored;
    }

    [Benchmark]
    public Task<LogSearchResult> Search_all_newest_100() => Search("*");

    [Benchmark]
    public Task<LogSearchResult> Search_free_text_term() => Search("refused");

    [Benchmark]
    public Task<LogSearchResult> Search_phrase() => Search("\"retrying after timeout\"");

    [Benchmark]
    public Task<LogSearchResult> Search_namespace_and_term() => Search("kubernetes.namespace_name:billing and error");

    [Benchmark]
    public Task<LogSearchResult> Search_pod_prefix_not_term() => Search("kubernetes.pod_name:web-1* and not completed");

    [Benchmark]
    public Task<LogSearchResult> Search_message_infix_wildcard() => Search("*ayment*");

    private Task<LogSearchResult> Search(string kql) =>
        _searchStore!.SearchAsync(KqlParser.Parse(kql), long.MinValue, long.MaxValue, 100, CancellationToken.None);

    private static EmbeddedLogStore OpenStore(string directory) => new(
        Options.Create(new EmbeddedLogStoreOptions { DatabasePath = Path.Combine(directory, "logs.db") }),
        TimeProvider.System,
        NullLogger<EmbeddedLogStore>.Instance);

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pipeline-store-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Application-log-like lines of about 180 bytes from 5 namespaces and 50 pods.</summary>
    private static LogBatch[] MakeBatches(int count, int seed)
    {
        var random = new Random(seed);
        var sources = Enumerable.Range(0, 50).Select(i => new LogSource
        {
            FileKey = $"8:{1000 + i}:{seed:x4}{i:x4}",
            Path = $"/var/log/pods/{Namespaces[i % Namespaces.Length]}_web-{i}_uid/web/0.log",
            Namespace = Namespaces[i % Namespaces.Length],
            PodName = $"web-{i}-7c9d8f6b5-x2x4q",
            PodId = $"4f1c{i:x4}-0000-4000-8000-00000000{i:x4}",
            ContainerName = "web",
            ContainerId = $"9a0e{i:x60}",
            Host = $"node-{i % 3}",
        }).ToArray();
        var offsets = new long[sources.Length];
        // Stamped from now: the store refuses records older than its retention.
        var time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var writer = new LogBatchWriter();
        var batches = new LogBatch[count];
        var message = new StringBuilder(256);
        for (var b = 0; b < count; b++)
        {
            for (var r = 0; r < RecordsPerBatch; r++)
            {
                var s = random.Next(sources.Length);
                message.Clear()
                    .Append("2026-11-25 10:00:00.").Append(random.Next(1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture))
                    .Append(' ').Append(Levels[random.Next(Levels.Length)])
                    .Append(" [http-nio-8080-exec-").Append(random.Next(1, 20)).Append("] c.example.web.RequestLogger - ")
                    .Append(Paths[random.Next(Paths.Length)]).Append('/').Append(random.Next(100_000))
                    .Append(" status=").Append(random.Next(10) == 0 ? 503 : 200)
                    .Append(" took=").Append(random.Next(1, 900)).Append("ms ")
                    .Append(Outcomes[random.Next(Outcomes.Length)])
                    .Append(" trace=").Append(random.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
                var bytes = Encoding.UTF8.GetBytes(message.ToString());
                time += 50_000;
                writer.Append(sources[s], offsets[s], time, r % 7 == 0 ? LogStream.Stderr : LogStream.Stdout, LogRecordFlags.None, bytes);
                offsets[s] += bytes.Length + 1;
            }

            batches[b] = writer.Build("tenant-a", "node-0", b);
        }

        return batches;
    }
}
