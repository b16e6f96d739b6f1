using System.Globalization;
using System.Text;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// The scrape bodies of the scrape bench: for each target, a few versions of the same series with
/// different values (served in turn, so consecutive scrapes of a target never see the same body).
/// Each body holds exactly the asked number of series in the text format 0.0.4 as client_golang,
/// kube-state-metrics and cAdvisor write it: HELP and TYPE lines, label names sorted, request
/// histograms (12 buckets + sum + count), request counters, container CPU and memory series with
/// cgroup-path and image labels, pod restart counters and pod phases. Pod names carry the target's
/// number, so no two targets expose the same label sets.
/// </summary>
internal sealed class ScrapeTargetBodies
{
    private static readonly string[] Namespaces = ["shop", "payments", "checkout", "search", "identity", "monitoring", "ingress-nginx", "kube-system"];
    private static readonly string[] Apps = ["cart", "catalog", "frontend", "orders", "ledger", "gateway", "recommender", "auth"];
    private static readonly string[] Routes = ["/api/v1/cart", "/api/v1/cart/{id}", "/api/v1/items", "/api/v1/items/{id}", "/api/v1/orders", "/api/v1/orders/{id}/status", "/healthz", "/metrics", "/api/v1/search", "/api/v1/login"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Codes = ["200", "201", "204", "301", "400", "401", "404", "409", "500", "503"];
    private static readonly string[] Containers = ["app", "istio-proxy", "log-shipper"];
    private static readonly string[] Phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];
    private static readonly string[] Buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
    private static readonly double[] BucketShare = [0.02, 0.06, 0.18, 0.37, 0.58, 0.79, 0.90, 0.96, 0.985, 0.995, 0.999, 1.0];

    private ScrapeTargetBodies(byte[][][] bodies, int series)
    {
        Bodies = bodies;
        SeriesPerTarget = series;
    }

    /// <summary>[target][version]: UTF-8 text bodies.</summary>
    public byte[][][] Bodies { get; }

    public int SeriesPerTarget { get; }

    public int Targets => Bodies.Length;

    public int Versions => Bodies[0].Length;

    public long TotalBytes => Bodies.Sum(t => t.Sum(v => (long)v.Length));

    public static ScrapeTargetBodies Create(int targets, int series, int versions)
    {
        var bodies = new byte[targets][][];
        Parallel.For(0, targets, t =>
        {
            bodies[t] = new byte[versions][];
            for (var v = 0; v < versions; v++)
            {
                bodies[t][v] = Encoding.UTF8.GetBytes(Body(t, series, v));
            }
        });
        return new ScrapeTargetBodies(bodies, series);
    }

    /// <summary>Target <paramref name="t"/>'s body at <paramref name="version"/>: exactly <paramref name="series"/> sample lines.</summary>
    public static string Body(int t, int series, int version)
    {
        var text = new StringBuilder(series * 170);
        // Histograms take 40 % of the series, request counters 15 %, container CPU 15 %, memory 10 %, restarts 5 %, pod phases the rest.
        var histogramSets = series * 40 / 100 / (Buckets.Length + 2);
        var requestSets = series * 15 / 100;
        var cpuSets = series * 15 / 100;
        var memorySets = series * 10 / 100;
        var restartSets = series * 5 / 100;
        var phaseSets = series - (histogramSets * (Buckets.Length + 2)) - requestSets - cpuSets - memorySets - restartSets;
        var podHash = $"{(uint)(t * 2654435761u):x8}"[..6];

        Family(text, "http_server_request_duration_seconds", "histogram", "Duration of HTTP server requests.");
        for (var k = 0; k < histogramSets; k++)
        {
            var labels = RequestLabels(t, k, podHash);
            var rate = 1 + (long)(Mix(t, k) % 40);
            var count = (long)(Mix(t, k + 7) % 100_000) + (version * rate);
            for (var b = 0; b < Buckets.Length; b++)
            {
                text.Append("http_server_request_duration_seconds_bucket{").Append(labels).Append(",le=\"").Append(Buckets[b]).Append("\"} ")
                    .Append(((long)(count * BucketShare[b])).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append("http_server_request_duration_seconds_sum{").Append(labels).Append("} ").Append((count * 0.0873).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append("http_server_request_duration_seconds_count{").Append(labels).Append("} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Family(text, "http_server_requests_total", "counter", "Total HTTP server requests.");
        for (var k = 0; k < requestSets; k++)
        {
            var count = (long)(Mix(t, k + 11) % 1_000_000) + (version * (1 + (long)(Mix(t, k) % 90)));
            text.Append("http_server_requests_total{").Append(RequestLabels(t, k, podHash)).Append("} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Family(text, "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds.");
        for (var k = 0; k < cpuSets; k++)
        {
            var seconds = (Mix(t, k + 13) % 10_000_000 / 1000.0) + (version * 0.731);
            text.Append("container_cpu_usage_seconds_total{").Append(ContainerLabels(t, k, podHash)).Append("} ").Append(seconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        Family(text, "container_memory_working_set_bytes", "gauge", "Current working set in bytes.");
        for (var k = 0; k < memorySets; k++)
        {
            // Go prints floats of 1e6 and more in exponent form: 1.23456789e+08.
            var mantissa = 1 + ((Mix(t, (k * 31) + version) % 899_999_999) / 100_000_000.0);
            text.Append("container_memory_working_set_bytes{").Append(ContainerLabels(t, k, podHash)).Append("} ")
                .Append(mantissa.ToString("0.########", CultureInfo.InvariantCulture)).Append("e+08\n");
        }

        Family(text, "kube_pod_container_status_restarts_total", "counter", "The number of container restarts per container.");
        for (var k = 0; k < restartSets; k++)
        {
            var pod = k / Containers.Length;
            text.Append("kube_pod_container_status_restarts_total{container=\"").Append(Containers[k % Containers.Length])
                .Append("\",namespace=\"").Append(Namespaces[pod % Namespaces.Length]).Append("\",pod=\"").Append(PodName(t, pod, podHash))
                .Append("\",uid=\"").Append(Uid(t, pod)).Append("\"} ").Append(((long)(Mix(t, k) % 4) + (version / 2)).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Family(text, "kube_pod_status_phase", "gauge", "The pods current phase.");
        for (var k = 0; k < phaseSets; k++)
        {
            var pod = k / Phases.Length;
            var running = (Mix(t, pod + version) % 10) != 0;
            var value = Phases[k % Phases.Length] == (running ? "Running" : "Pending") ? "1" : "0";
            text.Append("kube_pod_status_phase{namespace=\"").Append(Namespaces[pod % Namespaces.Length]).Append("\",phase=\"").Append(Phases[k % Phases.Length])
                .Append("\",pod=\"").Append(PodName(t, pod, podHash)).Append("\",uid=\"").Append(Uid(t, pod)).Append("\"} ").Append(value).Append('\n');
        }

        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    /// <summary>code, method, namespace, pod, route: one of 400 request shapes per pod, a new pod every 400 sets.</summary>
    private static string RequestLabels(int t, int k, string podHash)
    {
        var shape = k % (Methods.Length * Routes.Length * Codes.Length);
        var pod = k / (Methods.Length * Routes.Length * Codes.Length);
        return string.Create(CultureInfo.InvariantCulture,
            $"code=\"{Codes[shape % Codes.Length]}\",method=\"{Methods[shape / Codes.Length % Methods.Length]}\",namespace=\"{Namespaces[(t + pod) % Namespaces.Length]}\",pod=\"{PodName(t, pod, podHash)}\",route=\"{Routes[shape / (Codes.Length * Methods.Length)]}\"");
    }

    /// <summary>cAdvisor's labels: container, id (the cgroup path), image, name, namespace, pod.</summary>
    private static string ContainerLabels(int t, int k, string podHash)
    {
        var pod = k / Containers.Length;
        var container = Containers[k % Containers.Length];
        var uid = Uid(t, pod);
        var id = $"{Mix(t, k):x16}{Mix(k, t):x16}";
        var image = container switch
        {
            "app" => $"registry.example.com/{Apps[pod % Apps.Length]}:1.{pod % 17}.{t % 9}",
            "istio-proxy" => "docker.io/istio/proxyv2:1.20.3",
            _ => "cr.fluentbit.io/fluent/fluent-bit:3.0.4",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"container=\"{container}\",id=\"/kubepods/burstable/pod{uid}/{id}\",image=\"{image}\",name=\"{id}\",namespace=\"{Namespaces[pod % Namespaces.Length]}\",pod=\"{PodName(t, pod, podHash)}\"");
    }

    private static string PodName(int t, int pod, string podHash) =>
        string.Create(CultureInfo.InvariantCulture, $"{Apps[pod % Apps.Length]}-{podHash}{t % 10}-{Mix(t, pod) % 0xfffff:x5}");

    private static string Uid(int t, int pod)
    {
        var a = Mix(t, pod + 1_000_003);
        var b = Mix(pod, t + 7_000_001);
        return string.Create(CultureInfo.InvariantCulture, $"{a >> 32:x8}-{(a >> 16) & 0xffff:x4}-4{a & 0xfff:x3}-a{b >> 52:x3}-{b & 0xffffffffffff:x12}");
    }

    /// <summary>A deterministic 64-bit mix of two numbers (splitmix64), for label values and base values.</summary>
    private static ulong Mix(int a, int b)
    {
        var z = ((ulong)(uint)a << 32 | (uint)b) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
