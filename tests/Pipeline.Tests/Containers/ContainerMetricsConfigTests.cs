using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics.Containers;
using Xunit;

namespace Pipeline.Tests.Containers;

/// <summary>The <c>containers:</c> section of the pipeline file; mistakes name the key and line.</summary>
public sealed class ContainerMetricsConfigTests
{
    [Fact]
    public void Without_the_section_container_metrics_are_off_with_documented_defaults()
    {
        var config = PipelineConfigLoader.Parse("node_name: n1");

        Assert.False(config.Containers.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(15), config.Containers.Interval);
        Assert.Equal("/sys/fs/cgroup", config.Containers.CgroupRoot);
        Assert.Equal("/proc", config.Containers.ProcRoot);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var config = PipelineConfigLoader.Parse("""
            node_name: n1
            containers:
              enabled: true
              interval: 30s
              cgroup_root: /host/sys/fs/cgroup
              proc_root: /host/proc
            """);

        Assert.True(config.Containers.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Containers.Interval);
        Assert.Equal("/host/sys/fs/cgroup", config.Containers.CgroupRoot);
        Assert.Equal("/host/proc", config.Containers.ProcRoot);
    }

    [Fact]
    public void An_unknown_key_fails_start_up_naming_it_and_its_line()
    {
        var error = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            node_name: n1
            containers:
              enabled: true
              intervall: 30s
            """));

        Assert.Contains("containers.intervall (line 4): unknown key 'intervall' (expected one of cgroup_root, enabled, housekeeping_interval, interval, proc_root)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_fail_start_up_naming_each_key()
    {
        var error = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            node_name: n1
            containers:
              enabled: maybe
              interval: 100ms
              cgroup_root: sys/fs/cgroup
              proc_root: proc
            """));

        Assert.Contains("containers.enabled (line 3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("containers.interval (line 4): '100ms' is not a duration of at least 1s", error.Message, StringComparison.Ordinal);
        Assert.Contains("containers.cgroup_root (line 5): 'sys/fs/cgroup' must be an absolute path", error.Message, StringComparison.Ordinal);
        Assert.Contains("containers.proc_root (line 6): 'proc' must be an absolute path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_collection_loop_collects_at_once_and_stops_when_cancelled()
    {
        using var node = new NodeFixture("v1-cgroupfs");
        var sink = new SignallingSampleSink();
        var options = node.Cgroups.Options;
        options.Interval = TimeSpan.FromHours(1);
        var collector = new ContainerMetricsCollector(options, sink, node.Metadata);
        using var stop = new CancellationTokenSource();

        var loop = Task.Run(() => collector.RunAsync(stop.Token));
        await sink.First.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, collector.Counters.Collections);
        Assert.Equal(4, collector.Counters.Containers);
        Assert.Equal(sink.Samples, collector.Counters.Samples);
        Assert.True(loop.IsCompletedSuccessfully);
    }

    /// <summary>Counts samples and signals the first batch.</summary>
    private sealed class SignallingSampleSink : Pipeline.Grains.Scraping.IScrapeSampleSink
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task First => _first.Task;

        public long Samples { get; private set; }

        public void Append(ReadOnlySpan<Pipeline.Grains.RemoteWrite.RemoteWriteSample> samples)
        {
            Samples += samples.Length;
            _first.TrySetResult();
        }
    }
}
