using Pipeline.Grains.Metrics;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Scraping.Targets;

namespace Pipeline.Tests.PromQl;

/// <summary>
/// Deterministic Kubernetes-like samples for the differential tests: cAdvisor counters with resets,
/// gauges, kube-state-metrics info series, a classic histogram (one pod's buckets briefly not
/// monotonic), a pod that goes stale (staleness marker) and comes back, a pod with a gap longer than
/// the lookback, series on exact 15 s boundaries for the lookback edge, and jittered scrape times.
/// </summary>
public sealed class DifferentialDataSet
{
    public const long Interval = 15_000;
    public const int Steps = 240;

    private readonly Random _random = new(20261126);

    public DifferentialDataSet(long startMs)
    {
        StartMs = startMs;
        Build();
    }

    /// <summary>The time of the first scrape.</summary>
    public long StartMs { get; }

    /// <summary>The time of the last scrape on the exact grid (<c>edge_gauge</c>'s last sample).</summary>
    public long EndMs => StartMs + ((Steps - 1) * Interval);

    /// <summary>When <c>cart-2</c>'s staleness marker was written.</summary>
    public long StaleAtMs => StartMs + (121 * Interval) + 7;

    /// <summary>When <c>dns-1</c>'s gap begins (its last sample before the gap is just before).</summary>
    public long GapFromMs => StartMs + (80 * Interval);

    public List<SeriesSamples> Series { get; } = [];

    private static readonly (string Namespace, string Pod, string Node)[] Pods =
    [
        ("default", "web-0", "node-a"), ("default", "web-1", "node-b"), ("default", "db-0", "node-a"),
        ("kube-system", "dns-0", "node-a"), ("kube-system", "dns-1", "node-b"), ("kube-system", "proxy-0", "node-b"),
        ("shop", "cart-0", "node-a"), ("shop", "cart-1", "node-b"), ("shop", "cart-2", "node-a"),
    ];

    private static readonly string[] Containers = ["app", "sidecar"];

    private static readonly string[] Bounds = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];

    private long Jittered(int step, int seriesIndex) => StartMs + (step * Interval) + ((seriesIndex * 37 % 11) * 50) + _random.Next(0, 200);

    /// <summary>Whether a pod's sample exists at a step: cart-2 stops after step 120 and restarts at 160, dns-1 skips steps 81–110.</summary>
    private static bool Present(string pod, int step) => pod switch
    {
        "cart-2" => step <= 120 || step >= 160,
        "dns-1" => step <= 80 || step > 110,
        _ => true,
    };

    private void Build()
    {
        var index = 0;
        foreach (var (ns, pod, node) in Pods)
        {
            foreach (var container in Containers)
            {
                index++;
                var cpu = new List<(long, double)>();
                var memory = new List<(long, double)>();
                var counter = _random.NextDouble() * 100;
                for (var step = 0; step < Steps; step++)
                {
                    if (!Present(pod, step))
                    {
                        if (pod == "cart-2" && step == 121)
                        {
                            cpu.Add((StaleAtMs, StaleMarker.Value));
                            memory.Add((StaleAtMs, StaleMarker.Value));
                        }

                        continue;
                    }

                    var t = Jittered(step, index);

                    // Counter resets: web-1 restarts twice, cart-2's counter starts over when it comes back.
                    if ((pod == "web-1" && step is 100 or 170) || (pod == "cart-2" && step == 160))
                    {
                        counter = _random.NextDouble() * 0.2;
                    }
                    else
                    {
                        counter += _random.NextDouble() * (container == "app" ? 0.8 : 0.1);
                    }

                    cpu.Add((t, counter));
                    memory.Add((t, Math.Round(1e8 + (_random.NextDouble() * 5e7) + (index * 1e6))));
                }

                Add(cpu, "__name__", "container_cpu_usage_seconds_total", "namespace", ns, "pod", pod, "container", container, "job", "kubelet");
                Add(memory, "__name__", "container_memory_working_set_bytes", "namespace", ns, "pod", pod, "container", container, "job", "kubelet");
                var limit = new List<(long, double)>();
                for (var step = 0; step < Steps; step += 2)
                {
                    if (Present(pod, step))
                    {
                        limit.Add((Jittered(step, index + 50), container == "app" ? 0.5 * ((index % 3) + 1) : 0.1));
                    }
                }

                Add(limit, "__name__", "kube_pod_container_resource_limits", "namespace", ns, "pod", pod, "container", container, "resource", "cpu");
            }

            var info = new List<(long, double)>();
            for (var step = 0; step < Steps; step += 2)
            {
                if (Present(pod, step))
                {
                    info.Add((Jittered(step, index + 90), 1));
                }
            }

            Add(info, "__name__", "kube_pod_info", "namespace", ns, "pod", pod, "node", node, "job", "kube-state-metrics");
        }

        BuildHistograms();
        BuildGauges();
    }

    private void BuildHistograms()
    {
        var pods = Pods.Where(p => p.Namespace is "default" or "shop").Take(4).ToArray();
        var index = 200;
        foreach (var (ns, pod, _) in pods)
        {
            index++;
            var buckets = new double[Bounds.Length];
            var series = Bounds.Select(_ => new List<(long, double)>()).ToArray();
            var sum = new List<(long, double)>();
            var count = new List<(long, double)>();
            var total = 0.0;
            for (var step = 0; step < Steps; step++)
            {
                var t = Jittered(step, index);
                var observations = _random.Next(0, 12);
                for (var o = 0; o < observations; o++)
                {
                    var latency = Math.Pow(_random.NextDouble(), 2) * 3;
                    total += latency;
                    for (var b = 0; b < Bounds.Length; b++)
                    {
                        if (b == Bounds.Length - 1 || latency <= double.Parse(Bounds[b], System.Globalization.CultureInfo.InvariantCulture))
                        {
                            buckets[b]++;
                        }
                    }
                }

                for (var b = 0; b < Bounds.Length; b++)
                {
                    // web-0's 0.25 bucket reads low for a while: histogram_quantile must force the counts monotonic.
                    var value = pod == "web-0" && b == 2 && step is >= 150 and < 160 ? buckets[1] - 3 : buckets[b];
                    series[b].Add((t, value));
                }

                sum.Add((t, total));
                count.Add((t, buckets[^1]));
            }

            for (var b = 0; b < Bounds.Length; b++)
            {
                Add(series[b], "__name__", "http_request_duration_seconds_bucket", "namespace", ns, "pod", pod, "le", Bounds[b]);
            }

            Add(sum, "__name__", "http_request_duration_seconds_sum", "namespace", ns, "pod", pod);
            Add(count, "__name__", "http_request_duration_seconds_count", "namespace", ns, "pod", pod);
        }
    }

    private void BuildGauges()
    {
        for (var sensor = 0; sensor < 4; sensor++)
        {
            var points = new List<(long, double)>();
            for (var step = 0; step < Steps; step++)
            {
                // Signed values with halves, so abs, ceil, floor, round and clamp all have work.
                points.Add((Jittered(step, 300 + sensor), Math.Round((_random.NextDouble() * 10) - 5, step % 3 == 0 ? 1 : 3)));
            }

            Add(points, "__name__", "temperature_delta", "sensor", $"s{sensor}", "room", sensor < 2 ? "a" : "b");
        }

        for (var instance = 0; instance < 3; instance++)
        {
            var points = new List<(long, double)>();
            for (var step = 0; step < Steps; step++)
            {
                points.Add((Jittered(step, 400 + instance), instance == 2 && step % 40 < 5 ? 0 : 1));
            }

            Add(points, "__name__", "up", "job", "node", "instance", $"10.0.0.{instance + 1}:9100");
        }

        // On the exact grid, for the lookback edge: the last sample is at EndMs exactly.
        var edge = new List<(long, double)>();
        for (var step = 0; step < Steps; step++)
        {
            edge.Add((StartMs + (step * Interval), step));
        }

        Add(edge, "__name__", "edge_gauge", "job", "edge");
    }

    private void Add(List<(long T, double V)> points, params string[] labels) =>
        Series.Add(new SeriesSamples(LabelSet.Of(labels), [.. points.Select(p => p.T)], [.. points.Select(p => p.V)]));
}
