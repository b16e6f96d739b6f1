using Pipeline.Grains.Metrics;
using Xunit;
using static Pipeline.Tests.MetricStore.StoreHarness;

namespace Pipeline.Tests.MetricStore;

public sealed class MetricStoreSelectTests : IDisposable
{
    private readonly StoreHarness _harness = new();
    private readonly long _t;

    public MetricStoreSelectTests()
    {
        _t = _harness.NowMs - 60_000;
        Add("__name__", "http_requests_total", "job", "api", "path", "/a");
        Add("__name__", "http_requests_total", "job", "api", "path", "/b");
        Add("__name__", "http_requests_total", "job", "web", "path", "/a", "canary", "yes");
        Add("__name__", "up", "job", "api");
        Add("__name__", "up", "job", "web");
        Add("__name__", "up", "job", "apiserver");
        Add("__name__", "up", "job", "line\nbreak");
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Equal_selects_through_the_index() =>
        Assert.Equal(["{__name__=\"up\", job=\"api\"}"], Names(Eq("__name__", "up"), Eq("job", "api")));

    [Fact]
    public void Not_equal_keeps_series_lacking_the_label() =>
        Assert.Equal(
            ["{__name__=\"http_requests_total\", job=\"api\", path=\"/a\"}", "{__name__=\"http_requests_total\", job=\"api\", path=\"/b\"}"],
            Names(Eq("__name__", "http_requests_total"), Ne("canary", "yes")));

    [Fact]
    public void Regex_is_anchored_at_both_ends() =>
        Assert.Equal(["{__name__=\"up\", job=\"api\"}"], Names(Eq("__name__", "up"), Re("job", "api")));

    [Fact]
    public void Regex_alternatives_and_wildcards_pick_values() =>
        Assert.Equal(
            ["{__name__=\"up\", job=\"api\"}", "{__name__=\"up\", job=\"apiserver\"}"],
            Names(Re("job", "api.*"), Eq("__name__", "up")));

    [Fact]
    public void Regex_dot_matches_a_newline() =>
        Assert.Equal(["{__name__=\"up\", job=\"line\\nbreak\"}"], Names(Re("job", "line.break")));

    [Fact]
    public void Not_regex_is_anchored_and_keeps_series_lacking_the_label()
    {
        Assert.Equal(
            ["{__name__=\"up\", job=\"apiserver\"}", "{__name__=\"up\", job=\"line\\nbreak\"}", "{__name__=\"up\", job=\"web\"}"],
            Names(Eq("__name__", "up"), Nre("job", "api")));
        Assert.Equal(2, Names(Eq("__name__", "http_requests_total"), Nre("canary", "y.*")).Count);
    }

    [Fact]
    public void Empty_value_selects_series_without_the_label() =>
        Assert.Equal(
            ["{__name__=\"http_requests_total\", job=\"api\", path=\"/a\"}", "{__name__=\"http_requests_total\", job=\"api\", path=\"/b\"}"],
            Names(Eq("__name__", "http_requests_total"), Eq("canary", "")));

    [Fact]
    public void Not_empty_selects_series_with_the_label() =>
        Assert.Equal(["{__name__=\"http_requests_total\", canary=\"yes\", job=\"web\", path=\"/a\"}"], Names(Ne("canary", "")));

    [Fact]
    public void A_regex_matching_empty_also_selects_series_without_the_label()
    {
        Assert.Equal(3, Names(Eq("__name__", "http_requests_total"), Re("canary", "yes|")).Count);
        Assert.Equal(3, Names(Eq("__name__", "http_requests_total"), Re("canary", ".*")).Count);
        Assert.Single(Names(Eq("__name__", "http_requests_total"), Re("canary", ".+")));
    }

    [Fact]
    public void A_label_no_series_has_selects_nothing_unless_matching_empty()
    {
        Assert.Empty(Names(Eq("nope", "x")));
        Assert.Empty(Names(Eq("__name__", "up"), Re("nope", ".+")));
        Assert.Equal(4, Names(Eq("__name__", "up"), Ne("nope", "x")).Count);
    }

    [Fact]
    public void A_selector_with_only_empty_matching_matchers_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _harness.SelectAll(Re("job", ".*")));
        Assert.Throws<ArgumentException>(() => _harness.SelectAll(Ne("job", "api")));
        Assert.Throws<ArgumentException>(() => _harness.SelectAll());
    }

    [Fact]
    public void Series_come_sorted_by_labels_and_outside_the_range_they_are_left_out()
    {
        var all = Names(Re("__name__", ".+"));
        Assert.Equal(7, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Empty(_harness.Select(_t + 1, _t + 100, Re("__name__", ".+")));
        Assert.Equal(7, _harness.Select(_t, _t, Re("__name__", ".+")).Count);
    }

    [Fact]
    public void Label_names_and_values_answer_in_order_with_and_without_matchers()
    {
        Assert.Equal(["__name__", "canary", "job", "path"], _harness.LabelNames(null, long.MinValue, long.MaxValue));
        Assert.Equal(["__name__", "job"], _harness.LabelNames([Eq("__name__", "up")], long.MinValue, long.MaxValue));
        Assert.Equal(["api", "apiserver", "line\nbreak", "web"], _harness.LabelValues("job", null, long.MinValue, long.MaxValue));
        Assert.Equal(["api", "web"], _harness.LabelValues("job", [Eq("__name__", "http_requests_total")], long.MinValue, long.MaxValue));
        Assert.Equal(["/a", "/b"], _harness.LabelValues("path", null, long.MinValue, long.MaxValue));
        Assert.Empty(_harness.LabelValues("nope", null, long.MinValue, long.MaxValue));
        Assert.Empty(_harness.LabelNames(null, _t + 1, long.MaxValue));
        Assert.Empty(_harness.LabelValues("job", [Eq("__name__", "up")], long.MinValue, _t - 1));
    }

    [Fact]
    public void Label_values_count_only_series_with_a_sample_in_range_even_inside_a_chunk()
    {
        var a = Labels("__name__", "gap", "v", "a");
        var b = Labels("__name__", "gap", "v", "b");
        var t = _harness.NowMs - 3_600_000;
        // a has samples at t and t+20m (one chunk straddling the query range); b inside it.
        _harness.Append(a, t, 1);
        _harness.Append(a, t + 1_200_000, 1);
        _harness.Append(b, t + 600_000, 1);
        Assert.Equal(["b"], _harness.LabelValues("v", null, t + 300_000, t + 900_000));
        Assert.Equal(["a", "b"], _harness.LabelValues("v", null, t, t + 900_000));
    }

    private void Add(params string[] namesAndValues) => _harness.Append(Labels(namesAndValues), _t, 1);

    private List<string> Names(params LabelMatcher[] matchers) => [.. _harness.SelectAll(matchers).Select(s => s.Labels.ToString())];
}
