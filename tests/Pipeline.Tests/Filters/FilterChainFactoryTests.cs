using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class FilterChainFactoryTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void Each_activation_gets_fresh_filter_instances_with_their_own_state()
    {
        var clock = TestClock.Create();
        var factory = new FilterChainFactory(FilterYaml.Load("""
            logs:
              filters:
                - type: throttle
                  rate: 1
                  window: 1
            """).Filters, _metrics.Registry, _metrics.Metrics, clock);

        var first = Assert.Single(factory.CreateFilters(1));
        var second = Assert.Single(factory.CreateFilters(1));

        Assert.NotSame(first, second);
        Assert.Equal(FilterVerdict.Keep, first.Apply(TestRecords.Message("a")));
        Assert.Equal(FilterVerdict.Drop, first.Apply(TestRecords.Message("b")));
        Assert.Equal(FilterVerdict.Keep, second.Apply(TestRecords.Message("c")));
    }

    [Fact]
    public void Without_filters_the_chain_is_empty()
    {
        var factory = new FilterChainFactory([], _metrics.Registry, _metrics.Metrics, TimeProvider.System);

        Assert.True(factory.IsEmpty);
        Assert.Same(FilterChain.Empty, factory.CreateChain(2));
    }

    [Fact]
    public void Parser_modify_and_grep_work_together_on_json_logs()
    {
        var chain = FilterYaml.Chain("""
            logs:
              filters:
                - type: parser
                  parser: json
                  reserve_data: true
                - type: modify
                  rename: {msg: message}
                  set: {app: "${kubernetes.container_name}"}
                  remove: trace_id
                - type: grep
                  exclude: level ^debug$
            """, _metrics);
        var records = new List<LogEvent>
        {
            TestRecords.Message("""{"level":"info","msg":"order placed","trace_id":"abc"}"""),
            TestRecords.Message("""{"level":"debug","msg":"cache hit"}"""),
            TestRecords.Message("plain text line"),
        };

        var dropped = chain.Apply(records);

        Assert.Equal(1, dropped["grep"]);
        Assert.Equal(2, records.Count);
        Assert.Equal("""{"level":"info","message":"order placed","app":"main"}""", TestRecords.Members(records[0]));
        Assert.Equal("""{"log":"plain text line","app":"main"}""", TestRecords.Members(records[1]));
        Assert.Equal(1, _metrics.Problems("parser", "not_an_object"));
    }
}
