using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.Query;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using MatchType = Pipeline.Grains.Metrics.MatchType;

namespace Pipeline.Tests.MetricQuery;

public sealed class ClusterSeriesSourceMergeTests
{
    [Fact]
    public void A_series_held_by_two_silos_becomes_one_in_time_order_with_shared_samples_once()
    {
        var labels = LabelSet.Of("__name__", "up", "job", "api");
        var before = new SeriesSamples(labels, [1000, 2000, 3000], [1, 1, 0]);
        var after = new SeriesSamples(LabelSet.Of("job", "api", "__name__", "up"), [3000, 4000, 5000], [0, 1, 1]);

        var merged = Assert.Single(ClusterSeriesSource.Merge([[after], [before]]));

        Assert.Equal(labels, merged.Labels);
        Assert.Equal([1000, 2000, 3000, 4000, 5000], merged.TimestampsMs);
        Assert.Equal([1, 1, 0, 1, 1], merged.Values);
    }

    [Fact]
    public void Series_of_different_silos_are_listed_sorted_by_labels()
    {
        var b = new SeriesSamples(LabelSet.Of("__name__", "up", "job", "b"), [1000], [1]);
        var a2 = new SeriesSamples(LabelSet.Of("__name__", "up", "job", "a", "pod", "2"), [1000], [1]);
        var a = new SeriesSamples(LabelSet.Of("__name__", "up", "job", "a"), [1000], [1]);
        var cpu = new SeriesSamples(LabelSet.Of("__name__", "cpu"), [1000], [1]);

        var merged = ClusterSeriesSource.Merge([[b, a2], [a], [cpu]]);

        Assert.Equal(["{__name__=\"cpu\"}", "{__name__=\"up\", job=\"a\"}", "{__name__=\"up\", job=\"a\", pod=\"2\"}", "{__name__=\"up\", job=\"b\"}"], merged.Select(s => s.Labels.ToString()));
    }

    [Fact]
    public void Matchers_cross_silos_and_come_back_as_they_were()
    {
        var matchers = new[] { new LabelMatcher(MatchType.Regex, "pod", "web-.*"), new LabelMatcher(MatchType.NotEqual, "ns", "") };

        var back = MetricSelections.Matchers(MetricSelections.From(matchers, 10, 20));

        Assert.Equal(matchers.Select(m => m.ToString()), back.Select(m => m.ToString()));
        Assert.True(back[0].Matches("web-1"));
        Assert.False(back[0].Matches("api-1"));
        Assert.Null(MetricSelections.MatchersOrNull(MetricSelections.From(null, 10, 20)));
    }
}
