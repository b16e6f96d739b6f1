using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Benchmarks.Scraping;

/// <summary>
/// <c>metric_relabel_configs</c> per series (Mean is per series thanks to OperationsPerInvoke) over
/// 2,000 scraped series of an instrumented Go service on Kubernetes: about a quarter are Go runtime and
/// process series dropped by name, and every kept series loses two of its labels. The series are relabeled
/// as a scrape loop would: one reused builder, the result taken as a label set. The baseline runs no rule;
/// the last benchmark writes the drop as a regex the engine must run.
/// </summary>
[MemoryDiagnoser]
public class MetricRelabelBenchmarks
{
    private const int SeriesCount = 2_000;

    private const string Rules = """
        relabel_configs:
          - source_labels: [__name__]
            regex: go_.*|process_.*|promhttp_.*
            action: drop
          - action: labeldrop
            regex: pod_template_hash|controller_revision_hash
        """;

    private static readonly string[] RuntimeNames =
    [
        "go_gc_duration_seconds", "go_goroutines", "go_memstats_alloc_bytes", "go_memstats_heap_inuse_bytes",
        "process_cpu_seconds_total", "process_resident_memory_bytes", "promhttp_metric_handler_requests_total",
    ];

    private static readonly string[] AppNames =
    [
        "http_requests_total", "http_request_duration_seconds_bucket", "http_request_duration_seconds_sum",
        "http_request_duration_seconds_count", "orders_created_total", "cache_hits_total", "db_query_duration_seconds_bucket",
    ];

    private static readonly string[] Handlers = ["/api/orders", "/api/cart", "/api/users", "/healthz", "/metrics"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Codes = ["200", "201", "400", "404", "500"];
    private static readonly string[] Buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];

    private readonly LabelSetBuilder _builder = new(32);
    private LabelSet[] _series = [];
    private List<RelabelRule> _rules = [];
    private List<RelabelRule> _engineRules = [];
    private readonly List<RelabelRule> _none = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _series = new LabelSet[SeriesCount];
        for (var i = 0; i < SeriesCount; i++)
        {
            var runtime = i % 4 == 0;
            var name = runtime ? RuntimeNames[random.Next(RuntimeNames.Length)] : AppNames[random.Next(AppNames.Length)];
            var labels = new List<string>
            {
                "__name__", name,
                "instance", $"10.42.{i % 7}.{i % 200}:8080",
                "job", "kubernetes-pods",
                "namespace", "shop",
                "pod", $"web-7c9d8f6b5-{i % 13:x5}",
                "pod_template_hash", "7c9d8f6b5",
                "controller_revision_hash", "5d8f9c7b46",
                "app", "web",
            };
            if (!runtime)
            {
                labels.AddRange(["handler", Handlers[random.Next(Handlers.Length)], "method", Methods[random.Next(Methods.Length)], "code", Codes[random.Next(Codes.Length)]]);
                if (name.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    labels.AddRange(["le", Buckets[random.Next(Buckets.Length)]]);
                }
            }

            _series[i] = LabelSet.Of([.. labels]);
        }

        _rules = RelabelConfigReader.Parse(Rules);

        // The same drop written so that it needs the regex engine (no literal or prefix shortcut).
        _engineRules = RelabelConfigReader.Parse(Rules.Replace("go_.*|process_.*|promhttp_.*", "(go|process|promhttp)_.+", StringComparison.Ordinal));

        // A sample that drops nothing, or keeps the dropped labels, would measure the wrong path.
        var kept = 0;
        foreach (var series in _series)
        {
            if (Relabeler.Process(series, _rules, out var result))
            {
                kept++;
                if (result.Contains("pod_template_hash") || result.Count != series.Count - 2)
                {
                    throw new InvalidOperationException("labeldrop did not drop both labels");
                }
            }
        }

        if (kept is < 1_400 or > 1_600)
        {
            throw new InvalidOperationException($"expected about 1,500 series kept, got {kept}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SeriesCount)]
    public int NoRules() => Run(_none);

    [Benchmark(OperationsPerInvoke = SeriesCount)]
    public int DropByNameAndLabelDrop() => Run(_rules);

    [Benchmark(OperationsPerInvoke = SeriesCount)]
    public int DropByRegexEngineAndLabelDrop() => Run(_engineRules);

    private int Run(List<RelabelRule> rules)
    {
        var kept = 0;
        foreach (var series in _series)
        {
            _builder.Reset(series);
            if (Relabeler.Process(_builder, rules))
            {
                kept += _builder.ToLabelSet().Count;
            }
        }

        return kept;
    }
}
