using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Tests.Support;
using Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Filters;

public sealed class ThrottleFilterTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();

    public void Dispose() => _metrics.Dispose();

    private ILogFilter Throttle(string keys, int shards = 1) => FilterYaml.Single($"""
        logs:
          filters:
            - type: throttle
        {keys}
        """, _metrics, _clock, shards);

    private static int Passing(ILogFilter filter, int records, string tenant = "shop", string log = "x")
    {
        var kept = 0;
        for (var i = 0; i < records; i++)
        {
            if (filter.Apply(TestRecords.Message(log, tenant: tenant)) == FilterVerdict.Keep)
            {
                kept++;
            }
        }

        return kept;
    }

    [Fact]
    public void A_tenant_may_burst_one_window_of_its_rate_then_gets_the_rate()
    {
        var throttle = Throttle("""
                  rate: 10
                  window: 3
            """);

        Assert.Equal(30, Passing(throttle, 100));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Passing(throttle, 100));

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(5, Passing(throttle, 100));
        Assert.Equal(100 - 30 + 100 - 10 + 100 - 5, ((ThrottleFilter)throttle).Dropped);
    }

    [Fact]
    public void Idle_time_refills_no_more_than_the_window()
    {
        var throttle = Throttle("""
                  rate: 60
                  interval: 1m
                  window: 10s
            """);

        Assert.Equal(10, Passing(throttle, 50));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(10, Passing(throttle, 50));
    }

    [Fact]
    public void Each_shard_enforces_its_share_of_the_tenant_rate()
    {
        var throttle = Throttle("""
                  rate: 100
                  window: 1s
            """, shards: 4);

        Assert.Equal(25, Passing(throttle, 100));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(25, Passing(throttle, 100));
    }

    [Fact]
    public void Tenants_have_separate_buckets()
    {
        var throttle = Throttle("""
                  rate: 5
                  window: 1
            """);

        Assert.Equal(5, Passing(throttle, 20, tenant: "shop"));
        Assert.Equal(5, Passing(throttle, 20, tenant: "billing"));
        Assert.Equal(0, Passing(throttle, 20, tenant: "shop"));
    }

    [Fact]
    public void Bytes_per_second_limits_by_message_bytes_and_a_large_record_passes_into_debt()
    {
        var throttle = Throttle("""
                  bytes_per_second: 1000
                  window: 1s
            """);

        Assert.Equal(10, Passing(throttle, 20, log: new string('a', 100)));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Passing(throttle, 1, log: new string('b', 5000)));

        // 4000 bytes of debt: four more seconds before anything passes.
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, Passing(throttle, 1));
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, Passing(throttle, 1));
    }

    [Fact]
    public void Both_limits_must_allow_a_record_and_a_dropped_record_costs_nothing()
    {
        var throttle = Throttle("""
                  rate: 100
                  bytes_per_second: 500
                  window: 1s
            """);

        Assert.Equal(5, Passing(throttle, 50, log: new string('a', 100)));
        Assert.Equal(0, Passing(throttle, 50, log: "tiny"));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(100, Passing(throttle, 200, log: "12345"));
    }

    [Fact]
    public void The_chain_counts_throttled_records_per_tenant()
    {
        var chain = FilterYaml.Chain("""
            logs:
              filters:
                - type: throttle
                  rate: 2
                  window: 1
            """, _metrics, _clock);
        var records = Enumerable.Range(0, 5).Select(_ => TestRecords.Message("x", tenant: "shop"))
            .Concat(Enumerable.Range(0, 3).Select(_ => TestRecords.Message("y", tenant: "billing")))
            .ToList();

        chain.Apply(records);

        Assert.Equal(4, records.Count);
        Assert.Equal(3, _metrics.Sum("pipeline_filter_dropped_records", ("filter", "throttle"), ("tenant", "shop")));
        Assert.Equal(1, _metrics.Sum("pipeline_filter_dropped_records", ("filter", "throttle"), ("tenant", "billing")));
    }
}
