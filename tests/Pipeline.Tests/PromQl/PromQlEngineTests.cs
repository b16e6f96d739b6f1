using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Scraping.Targets;
using Xunit;

namespace Pipeline.Tests.PromQl;

/// <summary>The evaluator's Prometheus semantics on small hand-computed series.</summary>
public sealed class PromQlEngineTests
{
    private const long S = 1000;
    private readonly PromQlEngine _engine = new();

    private static SeriesSamples Series(string labels, params (long Seconds, double Value)[] points) =>
        InMemorySeriesSource.Series(LabelSet.Of(labels.Split(',')), [.. points.Select(p => (p.Seconds * S, p.Value))]);

    private async Task<List<PromQlSample>> InstantAsync(string query, long atSeconds, params SeriesSamples[] series)
    {
        var result = await _engine.InstantQueryAsync(new InMemorySeriesSource(series), query, atSeconds * S, CancellationToken.None);
        Assert.Equal(PromQlValueType.Vector, result.Type);
        return [.. result.Vector];
    }

    private async Task<double> SingleAsync(string query, long atSeconds, params SeriesSamples[] series) =>
        Assert.Single(await InstantAsync(query, atSeconds, series)).Value;

    private async Task<PromQlException> FailsAsync(string query, params SeriesSamples[] series) =>
        await Assert.ThrowsAsync<PromQlException>(() => _engine.InstantQueryAsync(new InMemorySeriesSource(series), query, 100 * S, CancellationToken.None));

    [Fact]
    public async Task The_lookback_window_includes_its_start_and_ends_five_minutes_after_the_last_sample()
    {
        var x = Series("__name__,x", (0, 1), (60, 2));
        Assert.Equal(1, await SingleAsync("x", 59, x));
        Assert.Equal(2, await SingleAsync("x", 60, x));
        Assert.Equal(2, await SingleAsync("x", 360, x));
        Assert.Empty(await InstantAsync("x", 361, x));
        var exact = await _engine.InstantQueryAsync(new InMemorySeriesSource([x]), "x", (360 * S) + 1, CancellationToken.None);
        Assert.Empty(exact.Vector);
    }

    [Fact]
    public async Task A_staleness_marker_ends_a_series_at_once_and_is_never_in_a_range()
    {
        var x = Series("__name__,x", (0, 1), (15, StaleMarker.Value), (30, 3));
        Assert.Equal(1, await SingleAsync("x", 14, x));
        Assert.Empty(await InstantAsync("x", 15, x));
        Assert.Empty(await InstantAsync("x", 29, x));
        Assert.Equal(3, await SingleAsync("x", 30, x));
        Assert.Equal(2, await SingleAsync("count_over_time(x[1m])", 30, x));
        Assert.Equal(3, await SingleAsync("last_over_time(x[20s])", 30, x));
    }

    [Fact]
    public async Task An_ordinary_NaN_is_a_value_not_a_staleness_marker() =>
        Assert.True(double.IsNaN(await SingleAsync("x", 10, Series("__name__,x", (0, double.NaN)))));

    [Fact]
    public async Task Offsets_move_the_window_back_or_forward()
    {
        var x = Series("__name__,x", (0, 1), (60, 2), (120, 3));
        Assert.Equal(1, await SingleAsync("x offset 1m", 119, x));
        Assert.Equal(3, await SingleAsync("x offset -1m", 60, x));
        Assert.Equal(3, await SingleAsync("sum_over_time(x[1m] offset 1m)", 120, x));
    }

    [Fact]
    public async Task Rate_extrapolates_to_the_window_edges_but_not_below_zero()
    {
        // Samples 10 s, 25 s, 40 s, 55 s rising by 1/s; window [0, 60]: 10 s to the start (the counter was 0 just
        // then), 5 s to the end, both under 1.1 sample intervals: 45 * 60 / 45 = 60 over 60 s.
        var c = Series("__name__,c", (10, 10), (25, 25), (40, 40), (55, 55));
        Assert.Equal(1, await SingleAsync("rate(c[1m])", 60, c), 14);
        Assert.Equal(60, await SingleAsync("increase(c[1m])", 60, c), 12);

        // Starting at 50: zero lies 45 * 50/45 = 50 s back, so the start gap of 10 s stands.
        var high = Series("__name__,c", (10, 50), (25, 65), (40, 80), (55, 95));
        Assert.Equal(60, await SingleAsync("increase(c[1m])", 60, high), 12);

        // Window [17, 77] holds 65, 80, 95: 8 s to the start, but 22 s to the end, over 1.1 intervals: half an
        // interval (7.5 s) instead, so 30 * (30 + 8 + 7.5) / 30.
        Assert.Equal(45.5, await SingleAsync("increase(c[1m] offset -17s)", 60, high), 12);
    }

    [Fact]
    public async Task A_counter_reset_adds_the_value_before_it()
    {
        // 5, 10, 2, 7: 2 + 10 = 12 over 45 s; 15 s to the window start (zero would be 18.75 s back), 0 to the end.
        var c = Series("__name__,c", (0, 5), (15, 10), (30, 2), (45, 7));
        Assert.Equal(16, await SingleAsync("increase(c[1m])", 45, c), 12);
        Assert.Equal(16 / 60.0, await SingleAsync("rate(c[1m])", 45, c), 15);
        Assert.Equal(1, await SingleAsync("resets(c[1m])", 45, c));
        Assert.Equal(3, await SingleAsync("changes(c[1m])", 45, c));
        Assert.Equal(5 / 15.0, await SingleAsync("irate(c[1m])", 45, c), 15);
        Assert.Equal(2 / 15.0, await SingleAsync("irate(c[1m])", 30, c), 15);
        Assert.Equal(-8, await SingleAsync("idelta(c[1m])", 30, c));
    }

    [Fact]
    public async Task Delta_is_not_a_counter_and_needs_two_samples()
    {
        var g = Series("__name__,g", (0, 10), (15, 4), (30, 1));
        Assert.Equal(-9 * (45.0 / 30), await SingleAsync("delta(g[45s])", 30, g), 12);
        Assert.Empty(await InstantAsync("delta(g[10s])", 30, g));
        Assert.Empty(await InstantAsync("rate(g[10s])", 30, g));
    }

    [Fact]
    public async Task Over_time_functions_see_every_sample_in_the_closed_range()
    {
        var g = Series("__name__,g,a,1", (0, 4), (10, 1), (20, 3), (30, 2));
        Assert.Equal(2.5, await SingleAsync("avg_over_time(g[30s])", 30, g));
        Assert.Equal(1, await SingleAsync("min_over_time(g[30s])", 30, g));
        Assert.Equal(4, await SingleAsync("max_over_time(g[30s])", 30, g));
        Assert.Equal(10, await SingleAsync("sum_over_time(g[30s])", 30, g));
        Assert.Equal(4, await SingleAsync("count_over_time(g[30s])", 30, g));
        Assert.Equal(3, await SingleAsync("count_over_time(g[29s])", 30, g));
        Assert.Equal(1.25, await SingleAsync("stdvar_over_time(g[30s])", 30, g));
        Assert.Equal(Math.Sqrt(1.25), await SingleAsync("stddev_over_time(g[30s])", 30, g));
        Assert.Equal(3.25, await SingleAsync("quantile_over_time(0.75, g[30s])", 30, g));
        Assert.Equal(double.NegativeInfinity, await SingleAsync("quantile_over_time(-1, g[30s])", 30, g));
        Assert.Equal(1, await SingleAsync("present_over_time(g[30s])", 30, g));
        Assert.Empty(await InstantAsync("absent_over_time(g[30s])", 30, g));

        // The name goes, except for last_over_time.
        Assert.Equal(LabelSet.Of("a", "1"), (await InstantAsync("avg_over_time(g[30s])", 30, g))[0].Labels);
        Assert.Equal(LabelSet.Of("__name__", "g", "a", "1"), (await InstantAsync("last_over_time(g[30s])", 30, g))[0].Labels);
    }

    [Fact]
    public async Task Absent_answers_with_the_labels_of_its_equality_matchers()
    {
        var absent = Assert.Single(await InstantAsync("absent(nothing{job=\"a\", env=~\"p\", job=\"b\"})", 10));
        Assert.Equal(LabelSet.Empty, absent.Labels);
        var labeled = Assert.Single(await InstantAsync("absent_over_time(nothing{job=\"a\", env=~\"p\"}[1m])", 10));
        Assert.Equal(LabelSet.Of("job", "a"), labeled.Labels);
        Assert.Equal(1, labeled.Value);
    }

    private static SeriesSamples Bucket(string le, double count, string pod = "p") =>
        Series($"__name__,h_bucket,pod,{pod},le,{le}", (0, count));

    [Fact]
    public async Task Histogram_quantile_interpolates_inside_the_bucket_holding_the_rank()
    {
        SeriesSamples[] buckets = [Bucket("1", 10), Bucket("2", 20), Bucket("+Inf", 20)];
        Assert.Equal(1, await SingleAsync("histogram_quantile(0.5, h_bucket)", 10, buckets));
        Assert.Equal(1.5, await SingleAsync("histogram_quantile(0.75, h_bucket)", 10, buckets));
        Assert.Equal(2, await SingleAsync("histogram_quantile(1, h_bucket)", 10, buckets));
        Assert.Equal(0.25, await SingleAsync("histogram_quantile(0.125, h_bucket)", 10, buckets));
        Assert.Equal(double.PositiveInfinity, await SingleAsync("histogram_quantile(2, h_bucket)", 10, buckets));
        Assert.True(double.IsNaN(await SingleAsync("histogram_quantile(NaN, h_bucket)", 10, buckets)));
        Assert.Equal(LabelSet.Of("pod", "p"), (await InstantAsync("histogram_quantile(0.5, h_bucket)", 10, buckets))[0].Labels);
    }

    [Fact]
    public async Task Histogram_quantile_forces_counts_monotonic_and_needs_the_inf_bucket()
    {
        // le=2 reads 8 < 10: taken as 10, so the rank 15 falls in the +Inf bucket: the highest finite bound.
        Assert.Equal(2, await SingleAsync("histogram_quantile(0.75, h_bucket)", 10, Bucket("1", 10), Bucket("2", 8), Bucket("+Inf", 20)));
        Assert.True(double.IsNaN(await SingleAsync("histogram_quantile(0.5, h_bucket)", 10, Bucket("1", 10), Bucket("2", 20))));
        Assert.True(double.IsNaN(await SingleAsync("histogram_quantile(0.5, h_bucket)", 10, Bucket("1", 0), Bucket("+Inf", 0))));

        // A bucket whose le does not parse is left out; a negative first bound is returned as is.
        Assert.Equal(-1, await SingleAsync("histogram_quantile(0.1, h_bucket)", 10, Bucket("-1", 5), Bucket("x", 1), Bucket("1", 10), Bucket("+Inf", 10)));
    }

    private static readonly SeriesSamples[] Pods =
    [
        Series("__name__,mem,namespace,a,pod,a1", (0, 1)),
        Series("__name__,mem,namespace,a,pod,a2", (0, 5)),
        Series("__name__,mem,namespace,b,pod,b1", (0, 3)),
        Series("__name__,info,namespace,a,pod,a1,node,n1", (0, 1)),
        Series("__name__,info,namespace,a,pod,a2,node,n2", (0, 1)),
        Series("__name__,info,namespace,b,pod,b1,node,n1", (0, 1)),
        Series("__name__,quota,namespace,a", (0, 10)),
        Series("__name__,quota,namespace,b", (0, 20)),
    ];

    [Fact]
    public async Task Aggregations_group_by_or_without_labels()
    {
        var sums = await InstantAsync("sum by (namespace) (mem)", 10, Pods);
        Assert.Equal([(LabelSet.Of("namespace", "a"), 6.0), (LabelSet.Of("namespace", "b"), 3.0)], sums.Select(s => (s.Labels, s.Value)));
        Assert.Equal([(LabelSet.Of("namespace", "a"), 2.0), (LabelSet.Of("namespace", "b"), 1.0)], (await InstantAsync("count without (pod) (mem)", 10, Pods)).Select(s => (s.Labels, s.Value)));
        Assert.Equal(3, await SingleAsync("avg(mem)", 10, Pods));
        Assert.Equal(1, await SingleAsync("min(mem)", 10, Pods));
        Assert.Equal(5, await SingleAsync("max(mem)", 10, Pods));
        Assert.Equal(8.0 / 3, await SingleAsync("stdvar(mem)", 10, Pods), 14);
        Assert.Equal(3, await SingleAsync("quantile(0.5, mem)", 10, Pods));
        Assert.Equal(1, await SingleAsync("group(mem)", 10, Pods));
    }

    [Fact]
    public async Task Topk_and_bottomk_keep_each_series_labels_and_order_by_value()
    {
        var top = await InstantAsync("topk(2, mem)", 10, Pods);
        Assert.Equal(["a2", "b1"], top.Select(s => s.Labels.Get("pod")));
        Assert.Equal("mem", top[0].Labels.Get("__name__"));
        Assert.Equal(["a1", "b1"], (await InstantAsync("bottomk(1, mem) by (namespace)", 10, Pods)).Select(s => s.Labels.Get("pod")));
        Assert.Empty(await InstantAsync("topk(0, mem)", 10, Pods));
    }

    [Fact]
    public async Task Arithmetic_drops_the_name_and_filtering_comparisons_keep_it()
    {
        var doubled = Assert.Single(await InstantAsync("mem{pod=\"b1\"} * 2", 10, Pods));
        Assert.Equal((LabelSet.Of("namespace", "b", "pod", "b1"), 6.0), (doubled.Labels, doubled.Value));
        var kept = await InstantAsync("mem > 2", 10, Pods);
        Assert.Equal([5.0, 3.0], kept.Select(s => s.Value));
        Assert.All(kept, s => Assert.Equal("mem", s.Labels.Get("__name__")));
        Assert.Equal([0.0, 1.0, 1.0], (await InstantAsync("mem > bool 2", 10, Pods)).Select(s => s.Value));
        Assert.All(await InstantAsync("mem > bool 2", 10, Pods), s => Assert.False(s.Labels.Contains("__name__")));

        // A scalar on the left of a comparison still keeps the vector's value.
        Assert.Equal([5.0, 3.0], (await InstantAsync("2 < mem", 10, Pods)).Select(s => s.Value));
        Assert.Equal([-1.0, -5.0, -3.0], (await InstantAsync("-mem", 10, Pods)).Select(s => s.Value));
    }

    [Fact]
    public async Task Group_left_copies_labels_from_the_one_side()
    {
        var joined = await InstantAsync("mem * on(namespace, pod) group_left(node) info", 10, Pods);
        Assert.Equal(
            [LabelSet.Of("namespace", "a", "pod", "a1", "node", "n1"), LabelSet.Of("namespace", "a", "pod", "a2", "node", "n2"), LabelSet.Of("namespace", "b", "pod", "b1", "node", "n1")],
            joined.Select(s => s.Labels));
        Assert.Equal([0.1, 0.5], (await InstantAsync("mem{namespace=\"a\"} / on(namespace) group_left quota", 10, Pods)).Select(s => s.Value));
        var right = await InstantAsync("quota / on(namespace) group_right mem", 10, Pods);
        Assert.Equal([10.0, 2.0, 20.0 / 3], right.Select(s => s.Value));
        Assert.Equal("a1", right[0].Labels.Get("pod"));
    }

    [Fact]
    public async Task One_to_one_matching_on_labels_keeps_only_those()
    {
        var matched = await InstantAsync("sum by (namespace) (mem) / on(namespace) quota", 10, Pods);
        Assert.Equal([(LabelSet.Of("namespace", "a"), 0.6), (LabelSet.Of("namespace", "b"), 0.15)], matched.Select(s => (s.Labels, s.Value)));
        Assert.Equal([1.0, 5.0, 3.0], (await InstantAsync("mem / ignoring(node) info", 10, Pods)).Select(s => s.Value));
    }

    [Fact]
    public async Task Ambiguous_matches_are_execution_errors_in_prometheus_words()
    {
        var manyToMany = await FailsAsync("quota + on(namespace) mem", Pods);
        Assert.Equal(PromQlErrorType.Execution, manyToMany.ErrorType);
        Assert.Equal(
            "found duplicate series for the match group {namespace=\"a\"} on the right hand-side of the operation: [{__name__=\"mem\", namespace=\"a\", pod=\"a2\"}, {__name__=\"mem\", namespace=\"a\", pod=\"a1\"}];many-to-many matching not allowed: matching labels must be unique on one side",
            manyToMany.Message);
        Assert.Equal("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)", (await FailsAsync("mem / on(namespace) sum by (namespace) (quota)", Pods)).Message);

        // Two series that differ only by name become one once the name is dropped.
        SeriesSamples[] twins = [Series("__name__,m1,x,1", (0, 1)), Series("__name__,m2,x,1", (0, 2))];
        foreach (var query in new[] { "abs({x=\"1\"})", "-{x=\"1\"}", "{x=\"1\"} * 2", "sum_over_time({x=\"1\"}[5m])" })
        {
            Assert.Equal("vector cannot contain metrics with the same labelset", (await FailsAsync(query, twins)).Message);
        }

        Assert.Equal(2, (await InstantAsync("{x=\"1\"} > 0", 10, twins)).Count);
    }

    [Fact]
    public async Task Set_operators_match_on_labels_without_the_name()
    {
        Assert.Equal(["a1", "b1"], (await InstantAsync("mem and on(pod) info{node=\"n1\"}", 10, Pods)).Select(s => s.Labels.Get("pod")));
        Assert.Equal(["a2"], (await InstantAsync("mem unless on(pod) info{node=\"n1\"}", 10, Pods)).Select(s => s.Labels.Get("pod")));
        Assert.Equal(["a1", "b1", "a2"], (await InstantAsync("mem < 4 or mem", 10, Pods)).Select(s => s.Labels.Get("pod")));
    }

    [Fact]
    public async Task Instant_functions_map_values_and_drop_the_name()
    {
        var g = Series("__name__,g", (0, -2.5));
        Assert.Equal(2.5, await SingleAsync("abs(g)", 1, g));
        Assert.Equal(-2, await SingleAsync("ceil(g)", 1, g));
        Assert.Equal(-3, await SingleAsync("floor(g)", 1, g));
        Assert.Equal(-2, await SingleAsync("round(g)", 1, g));
        Assert.Equal(-2.4, await SingleAsync("round(g, 0.3)", 1, g), 12);
        Assert.Equal(0, await SingleAsync("clamp_min(g, 0)", 1, g));
        Assert.Equal(-3, await SingleAsync("clamp_max(g, -3)", 1, g));
        Assert.Equal(-1, await SingleAsync("clamp(g, -1, 1)", 1, g));
        Assert.Empty(await InstantAsync("clamp(g, 1, -1)", 1, g));
        Assert.Equal(0, await SingleAsync("timestamp(g)", 1, g));
        Assert.Equal(1, await SingleAsync("timestamp(abs(g))", 1, g));
        Assert.Equal(LabelSet.Empty, (await InstantAsync("abs(g)", 1, g))[0].Labels);
        Assert.Equal(LabelSet.Of("__name__", "g", "x", "g|"), (await InstantAsync("label_join(g, \"x\", \"|\", \"__name__\", \"missing\")", 1, g))[0].Labels);
    }

    [Fact]
    public async Task Label_replace_expands_groups_and_deletes_on_empty()
    {
        var up = Series("__name__,up,instance,host-1:9100", (0, 1));
        Assert.Equal("host-1", (await InstantAsync("label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", 1, up))[0].Labels.Get("host"));
        Assert.False((await InstantAsync("label_replace(up, \"instance\", \"\", \"instance\", \".*\")", 1, up))[0].Labels.Contains("instance"));
        Assert.Equal(up.Labels, (await InstantAsync("label_replace(up, \"x\", \"y\", \"instance\", \"nomatch\")", 1, up))[0].Labels);
    }

    [Fact]
    public async Task Scalar_results_and_scalar_functions()
    {
        var source = new InMemorySeriesSource(Pods);
        var time = await _engine.InstantQueryAsync(source, "time() * 2", 1500, CancellationToken.None);
        Assert.Equal((PromQlValueType.Scalar, 3.0), (time.Type, time.Scalar));
        Assert.Equal(9.0, (await _engine.InstantQueryAsync(source, "scalar(sum(mem))", 10 * S, CancellationToken.None)).Scalar);
        Assert.True(double.IsNaN((await _engine.InstantQueryAsync(source, "scalar(mem)", 10 * S, CancellationToken.None)).Scalar));
        Assert.Equal(512.0, (await _engine.InstantQueryAsync(source, "2 ^ 3 ^ 2", 0, CancellationToken.None)).Scalar);
        Assert.Equal(1.0, (await _engine.InstantQueryAsync(source, "1 < bool 2", 0, CancellationToken.None)).Scalar);
        var text = await _engine.InstantQueryAsync(source, "\"hello\"", 0, CancellationToken.None);
        Assert.Equal((PromQlValueType.String, "hello"), (text.Type, text.String));
    }

    [Fact]
    public async Task An_instant_query_of_a_range_selector_answers_the_raw_samples()
    {
        var x = Series("__name__,x", (0, 1), (15, StaleMarker.Value), (30, 3), (45, 4));
        var result = await _engine.InstantQueryAsync(new InMemorySeriesSource([x]), "x[40s]", 45 * S, CancellationToken.None);
        Assert.Equal(PromQlValueType.Matrix, result.Type);
        var series = Assert.Single(result.Matrix);
        Assert.Equal([30 * S, 45 * S], series.TimestampsMs);
        Assert.Equal([3.0, 4.0], series.Values);
    }

    [Fact]
    public async Task A_range_query_evaluates_every_step_and_sorts_series_by_labels()
    {
        var source = new InMemorySeriesSource(
        [
            Series("__name__,x,pod,b", (0, 1), (60, 2), (120, StaleMarker.Value)),
            Series("__name__,x,pod,a", (100, 7)),
        ]);
        var result = await _engine.RangeQueryAsync(source, "x", 0, 180 * S, 30 * S, CancellationToken.None);
        Assert.Equal(PromQlValueType.Matrix, result.Type);
        Assert.Equal(["a", "b"], result.Matrix.Select(s => s.Labels.Get("pod")));
        Assert.Equal([120 * S, 150 * S, 180 * S], result.Matrix[0].TimestampsMs);
        Assert.Equal([0, 30 * S, 60 * S, 90 * S], result.Matrix[1].TimestampsMs);
        Assert.Equal([1.0, 1, 2, 2], result.Matrix[1].Values);
        Assert.Equal(1, source.Selects);

        var scalar = await _engine.RangeQueryAsync(source, "time()", 0, 60 * S, 30 * S, CancellationToken.None);
        var line = Assert.Single(scalar.Matrix);
        Assert.Equal(LabelSet.Empty, line.Labels);
        Assert.Equal([0.0, 30, 60], line.Values);
    }

    [Fact]
    public async Task Each_selector_is_read_once_for_a_whole_range_query()
    {
        var source = new InMemorySeriesSource(Pods);
        await _engine.RangeQueryAsync(source, "sum(rate(mem[5m])) / sum(mem) + count(info)", 0, 3600 * S, 15 * S, CancellationToken.None);
        Assert.Equal(3, source.Selects);
    }

    [Theory]
    [InlineData(10, 0, 1, "end timestamp must not be before start time")]
    [InlineData(0, 10, 0, "zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData(0, 11_001, 1, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")]
    public async Task Range_parameters_are_checked_as_prometheus_checks_them(long start, long end, long step, string message)
    {
        var error = await Assert.ThrowsAsync<PromQlException>(() => _engine.RangeQueryAsync(new InMemorySeriesSource(Pods), "mem", start, end, step, CancellationToken.None));
        Assert.Equal((PromQlErrorType.BadData, message), (error.ErrorType, error.Message));
    }

    [Fact]
    public async Task A_range_query_of_a_range_vector_is_bad_data()
    {
        var error = await Assert.ThrowsAsync<PromQlException>(() => _engine.RangeQueryAsync(new InMemorySeriesSource(Pods), "mem[5m]", 0, 60, 1, CancellationToken.None));
        Assert.Equal("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector", error.Message);
    }

    [Fact]
    public async Task Too_many_samples_is_an_execution_error()
    {
        var engine = new PromQlEngine(new PromQlEngineOptions { MaxSamples = 2 });
        var error = await Assert.ThrowsAsync<PromQlException>(() => engine.InstantQueryAsync(new InMemorySeriesSource(Pods), "mem", 10 * S, CancellationToken.None));
        Assert.Equal((PromQlErrorType.Execution, "query processing would load too many samples into memory in query execution"), (error.ErrorType, error.Message));
        Assert.Equal(2, (await engine.InstantQueryAsync(new InMemorySeriesSource(Pods), "quota", 10 * S, CancellationToken.None)).Vector.Count);
    }

    [Fact]
    public async Task A_source_that_never_answers_times_out_and_a_caller_can_cancel()
    {
        var engine = new PromQlEngine(new PromQlEngineOptions { Timeout = TimeSpan.FromMilliseconds(1) });
        var timeout = await Assert.ThrowsAsync<PromQlException>(() => engine.InstantQueryAsync(new HangingSource(), "x", 0, CancellationToken.None));
        Assert.Equal((PromQlErrorType.Timeout, "query timed out in query execution"), (timeout.ErrorType, timeout.Message));

        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        var cancel = await Assert.ThrowsAsync<PromQlException>(() => _engine.InstantQueryAsync(new HangingSource(), "x", 0, canceled.Token));
        Assert.Equal(PromQlErrorType.Canceled, cancel.ErrorType);
        Assert.Equal(503, cancel.HttpStatus);
    }

    /// <summary>A source whose reads wait until canceled.</summary>
    private sealed class HangingSource : ISeriesSource
    {
        public async ValueTask<IReadOnlyList<SeriesSamples>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minMs, long maxMs, CancellationToken cancellation)
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            return [];
        }

        public ValueTask<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher>? matchers, long minMs, long maxMs, CancellationToken cancellation) => throw new NotSupportedException();
    }
}
