using Xunit;

namespace Pipeline.Tests.PromQl;

/// <summary>
/// Differential tests: every query runs on a real Prometheus 2.42 and on our engine over the same
/// samples, at instants chosen around the data's edges (a gap, a staleness marker, the exact end of
/// the lookback window) and as two range queries; the answers must agree series for series, within
/// 1e-9 relative, NaN equal to NaN, errors of the same type.
/// </summary>
public sealed class PromQlDifferentialTests(PrometheusDifferentialFixture fixture) : IClassFixture<PrometheusDifferentialFixture>
{
    private const string Cpu = "container_cpu_usage_seconds_total";
    private const string Mem = "container_memory_working_set_bytes";
    private const string Bucket = "http_request_duration_seconds_bucket";
    private const string Temp = "temperature_delta";

    public static TheoryData<string> Selectors => new()
    {
        Cpu,
        $"{Cpu}{{namespace=\"shop\"}}",
        $"{Cpu}{{namespace!=\"shop\",container=\"app\"}}",
        $"{Cpu}{{pod=~\"web-.*\"}}",
        $"{Cpu}{{pod!~\"web-.*|db-0\",namespace=~\"default|shop\"}}",
        "{__name__=~\"container_.*\",namespace=\"default\",pod=\"web-0\"}",
        $"{Mem} offset 5m",
        $"{Mem} offset -2m",
        $"{Mem} offset 1h30s",
        $"{Cpu}{{pod=\"cart-2\"}}",
        $"{Cpu}{{pod=\"dns-1\"}}",
        "edge_gauge",
        "edge_gauge offset 1m",
        $"{Cpu}{{pod=\"cart-2\",container=\"app\"}}[3m]",
        "edge_gauge[1m]",
        "nonexistent_metric",
        "42",
        "-0x1F + 1e1",
        "1 < bool 2",
        "2 ^ 3 ^ 2",
        "-2 ^ 2",
        "(1 + 2) * 3 - 4 / 8 % 3",
        "NaN",
        "-Inf",
    };

    public static TheoryData<string> RangeFunctions => new()
    {
        $"rate({Cpu}[5m])",
        $"rate({Cpu}[1m])",
        $"rate({Cpu}[5m] offset 10m)",
        $"rate({Cpu}{{pod=\"web-1\"}}[10m])",
        $"irate({Cpu}[2m])",
        $"increase({Cpu}[10m])",
        $"increase({Cpu}{{pod=\"cart-2\"}}[15m])",
        $"delta({Mem}[5m])",
        $"delta({Temp}[3m])",
        $"idelta({Temp}[3m])",
        $"changes({Temp}[5m])",
        $"resets({Cpu}[30m])",
        $"avg_over_time({Mem}[10m])",
        $"min_over_time({Temp}[10m])",
        $"max_over_time({Temp}[10m])",
        $"sum_over_time({Temp}[10m])",
        $"count_over_time({Cpu}[7m])",
        $"last_over_time({Mem}[10m])",
        $"quantile_over_time(0.9, {Temp}[10m])",
        $"quantile_over_time(0, {Temp}[10m])",
        $"stddev_over_time({Temp}[10m])",
        $"stdvar_over_time({Mem}[10m])",
        $"present_over_time({Cpu}{{pod=\"cart-2\"}}[5m])",
        $"absent_over_time({Cpu}{{pod=\"cart-2\"}}[5m])",
        "absent_over_time(nonexistent_metric{job=\"x\"}[5m])",
        $"histogram_quantile(0.9, sum by (le, namespace) (rate({Bucket}[5m])))",
        $"histogram_quantile(0.5, rate({Bucket}[5m]))",
        $"histogram_quantile(0.99, {Bucket})",
        $"histogram_quantile(0, {Bucket})",
        $"histogram_quantile(1, {Bucket})",
        $"histogram_quantile(1.5, {Bucket})",
        $"histogram_quantile(0.75, {Bucket}{{le!=\"+Inf\"}})",
        $"histogram_quantile(0.9, sum without (pod) (rate({Bucket}[10m])))",
        $"histogram_quantile(NaN, {Bucket})",
        $"histogram_quantile(-1, {Bucket})",
        $"irate({Cpu}{{pod=~\"cart-2|web-1\"}}[1m])",
        $"rate({Cpu}[5m] offset -3m)",
        $"increase({Bucket}[1h])",
        $"max_over_time(edge_gauge[30s])",
        $"deriv({Mem}[10m])",
        "deriv(edge_gauge[5m])",
        $"predict_linear({Mem}[15m], 3600)",
        $"predict_linear({Cpu}[5m] offset 2m, 600)",
        $"count_over_time({Mem}{{pod=\"dns-1\"}}[6m])",
    };

    public static TheoryData<string> InstantFunctions => new()
    {
        $"abs({Temp})",
        $"ceil({Temp})",
        $"floor({Temp})",
        $"round({Temp})",
        $"round({Temp}, 0.5)",
        $"clamp_min({Temp}, 0)",
        $"clamp_max({Temp}, 1)",
        $"clamp({Temp}, -1, 1)",
        $"clamp({Temp}, 1, -1)",
        $"sqrt({Mem})",
        $"ln({Mem})",
        $"exp({Temp})",
        $"sgn({Temp})",
        "scalar(sum(up))",
        "scalar(up)",
        "vector(1)",
        "vector(time())",
        "time()",
        $"timestamp({Mem})",
        $"timestamp(rate({Cpu}[5m]))",
        "absent(nonexistent_metric{job=\"x\",env=~\"p.*\"})",
        "absent(up)",
        "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
        "label_replace(up, \"job\", \"\", \"job\", \".*\")",
        "label_join(up, \"both\", \"/\", \"job\", \"instance\")",
        $"sort({Temp})",
        $"sort_desc(sum by (pod) (rate({Cpu}[5m])))",
        "minute(edge_gauge)",
        "hour()",
    };

    public static TheoryData<string> Aggregations => new()
    {
        $"sum(rate({Cpu}[5m]))",
        $"sum by (namespace) (rate({Cpu}[5m]))",
        $"sum(rate({Cpu}[5m])) by (namespace, container)",
        $"sum without (container) (rate({Cpu}[5m]))",
        $"avg by (namespace) ({Mem})",
        $"min by (namespace) ({Mem})",
        $"max by (namespace) ({Mem})",
        $"count by (namespace) ({Cpu})",
        $"count without (container, pod) ({Cpu})",
        $"count({Cpu})",
        $"topk(3, {Mem})",
        $"bottomk(2, {Mem})",
        $"topk by (namespace) (1, {Mem})",
        $"bottomk(2, rate({Cpu}[5m])) by (container)",
        $"topk(0, {Mem})",
        $"stddev by (room) ({Temp})",
        $"stdvar({Temp})",
        $"group by (namespace) ({Cpu})",
        $"quantile(0.5, {Mem}) by (namespace)",
        $"quantile by (room) (0.9, {Temp})",
        $"quantile(NaN, {Temp})",
        $"quantile(-1, {Temp})",
        $"avg without () ({Temp})",
        $"max({Cpu}{{pod=\"cart-2\"}})",
        $"sum by (__name__) ({{__name__=~\"container_.*\"}})",
        $"sum by (namespace) ({Mem}) / on(namespace) group_left sum by (namespace) ({Mem})",
    };

    public static TheoryData<string> Operators => new()
    {
        $"{Mem} / 1024",
        $"2 * {Mem}",
        $"{Mem} + {Mem}",
        $"{Mem} - {Mem} offset 5m",
        $"{Mem} % 7",
        $"{Temp} ^ 2",
        $"-{Mem}",
        $"{Temp} atan2 2",
        $"{Mem} > 1.2e8",
        $"{Mem} > bool 1.2e8",
        $"1.2e8 < {Mem}",
        $"1.2e8 >= bool {Mem}",
        $"{Temp} == 0",
        $"{Temp} != 0",
        $"{Temp} <= 0",
        $"{Mem} > {Mem} offset 1m",
        $"{Mem} > bool {Mem} offset 1m",
        $"rate({Cpu}[5m]) / on(namespace, pod, container) kube_pod_container_resource_limits",
        $"rate({Cpu}[5m]) / ignoring(resource, job) kube_pod_container_resource_limits",
        $"{Mem} * on(namespace, pod) group_left(node) kube_pod_info",
        $"kube_pod_info * on(namespace, pod) group_right(node) {Mem}",
        $"sum by (namespace, pod) ({Mem}) * on(namespace, pod) group_left(node) kube_pod_info",
        $"{Mem} + on(namespace) {Mem}",
        $"{Mem} * on(pod) kube_pod_info",
        $"{Mem} > 1.2e8 and {Mem} < 1.4e8",
        $"{Mem} and on(pod) kube_pod_info{{node=\"node-a\"}}",
        "up == 0 or up",
        $"{Mem}{{namespace=\"shop\"}} or {Cpu}{{namespace=\"default\"}}",
        $"{Mem} unless on(namespace) kube_pod_info{{namespace=\"shop\"}}",
        $"rate({Cpu}[5m]) or {Mem}",
        $"-{Mem} + {Cpu}",
        $"{Mem} / ignoring(container) group_left sum without (container) ({Mem})",
        $"kube_pod_info * on(namespace) group_left {Mem}",
        $"sum by (namespace) (kube_pod_info) * on(namespace) group_right kube_pod_info",
        $"{Mem} > bool on(namespace, pod, container) {Mem} offset 2m",
        $"{Mem} and on() (sum(up) < 3)",
        $"sum(rate({Cpu}[5m])) / sum(rate({Cpu}[5m] offset 20m))",
        $"sum by (namespace) (rate({Cpu}[5m])) > 0.01",
        $"-{Temp} ^ 2",
        $"{Temp} - -{Temp}",
        "rate({__name__=~\"container_.*\"}[5m])",
        $"label_replace({Mem}, \"pod\", \"x\", \"pod\", \".*\")",
    };

    public static TheoryData<string> ExactJson => new()
    {
        "vector(1e-7)",
        "vector(-1.5e-9)",
        "vector(0.000001)",
        "vector(1e21)",
        "vector(123456789012345678)",
        "vector(0.1 + 0.2)",
        "vector(1/3)",
        "vector(NaN)",
        "vector(-Inf)",
        "up{instance=\"10.0.0.1:9100\"}",
        "sort(container_memory_working_set_bytes)",
        "time()",
        "\"a \\\"quoted\\\" string\"",
        "sum by (container) (rate(container_cpu_usage_seconds_total{pod=\"web-0\"}[5m]))",
    };

    /// <remarks>
    /// Only answers whose series order and float summation order are defined: Prometheus 2.42 returns an
    /// instant vector in its head block's series-id order and sums in that order, while our source
    /// returns series sorted by labels, so a sum of many series may differ in the last bit.
    /// </remarks>
    [PrometheusTheory]
    [MemberData(nameof(ExactJson))]
    public async Task Answers_are_byte_for_byte_the_json_prometheus_writes(string query)
    {
        var data = fixture.Data;
        var at = data.EndMs - 60_000 + 50;
        var theirs = await fixture.PrometheusRawAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}&time={(at / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}");
        var ours = Pipeline.Grains.Metrics.PromQl.PromQlJsonWriter.ToJson(await fixture.Engine.InstantQueryAsync(fixture.Source, query, at, CancellationToken.None));
        Assert.Equal(theirs, ours);

        if (!query.StartsWith('"'))
        {
            var (start, end, step) = (data.EndMs - 600_000 + 7, data.EndMs, 90_000L);
            var range = await fixture.PrometheusRawAsync($"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start / 1000.0:0.###}&end={end / 1000.0:0.###}&step=90");
            var oursRange = Pipeline.Grains.Metrics.PromQl.PromQlJsonWriter.ToJson(await fixture.Engine.RangeQueryAsync(fixture.Source, query, start, end, step, CancellationToken.None));
            Assert.Equal(range, oursRange);
        }
    }

    [PrometheusTheory]
    [MemberData(nameof(Selectors))]
    public Task Selectors_agree_with_prometheus(string query) => AgreeAsync(query);

    [PrometheusTheory]
    [MemberData(nameof(RangeFunctions))]
    public Task Range_functions_agree_with_prometheus(string query) => AgreeAsync(query);

    [PrometheusTheory]
    [MemberData(nameof(InstantFunctions))]
    public Task Instant_functions_agree_with_prometheus(string query) => AgreeAsync(query);

    [PrometheusTheory]
    [MemberData(nameof(Aggregations))]
    public Task Aggregations_agree_with_prometheus(string query) => AgreeAsync(query);

    [PrometheusTheory]
    [MemberData(nameof(Operators))]
    public Task Operators_agree_with_prometheus(string query) => AgreeAsync(query);

    /// <summary>Runs <paramref name="query"/> at every instant of interest and as two range queries on both engines.</summary>
    private async Task AgreeAsync(string query)
    {
        var data = fixture.Data;
        const long Minute = 60_000;
        long[] instants =
        [
            data.StartMs + (10 * Minute) + 3,
            data.GapFromMs + (6 * Minute),
            data.StaleAtMs - 1,
            data.StaleAtMs,
            data.StaleAtMs + (4 * Minute),
            data.EndMs,
            data.EndMs + (5 * Minute),
            data.EndMs + (5 * Minute) + 1,
        ];
        var ordered = query.StartsWith("sort", StringComparison.Ordinal);
        var differences = new List<string>();
        foreach (var at in instants)
        {
            var theirs = await fixture.PrometheusInstantAsync(query, at);
            var ours = await fixture.OursAsync(() => fixture.Engine.InstantQueryAsync(fixture.Source, query, at, CancellationToken.None));
            if (ours.Difference(theirs, ordered) is { } difference)
            {
                differences.Add($"instant at {at - data.StartMs} ms after start: {difference}");
            }
        }

        (long Start, long End, long Step)[] ranges =
        [
            (data.StartMs + (5 * Minute), data.EndMs + (6 * Minute), Minute),
            (data.StartMs + 17_003, data.EndMs, 37_000),
        ];
        foreach (var (start, end, step) in ranges)
        {
            var theirs = await fixture.PrometheusRangeAsync(query, start, end, step);
            var ours = await fixture.OursAsync(() => fixture.Engine.RangeQueryAsync(fixture.Source, query, start, end, step, CancellationToken.None));
            if (ours.Difference(theirs, ordered: false) is { } difference)
            {
                differences.Add($"range {start - data.StartMs}..{end - data.StartMs} step {step}: {difference}");
            }
        }

        Assert.True(differences.Count == 0, $"{query}:\n{string.Join("\n", differences)}");
    }
}
