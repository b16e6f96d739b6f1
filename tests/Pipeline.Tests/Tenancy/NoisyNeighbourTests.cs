using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;
using Pipeline.Tests.Support;
using Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Tenancy;

/// <summary>
/// One tenant writes ten times faster than its throttle while two others write a little. The
/// collector and the aggregators' filter chains run on a manual clock, so "delay" is measured in
/// the pipeline's own time, step by step: no wall-clock timing is asserted.
/// </summary>
public sealed class NoisyNeighbourTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private const int NoisyRatePerSecond = 1000;
    private const int Seconds = 10;

    /// <summary>The throttle's <c>window: 1</c> (intervals of a second): how much unused rate it saves up.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Other_tenants_records_arrive_within_the_flush_interval_while_one_floods_past_its_throttle()
    {
        var config = PipelineConfigLoader.Parse($"""
            data_dir: {_dir.Combine("data")}
            logs:
              shards_per_tenant: 1
              flush_interval: 1s
              inputs:
                - type: tail
                  paths: ["{_dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 100ms
              filters:
                - type: throttle
                  namespaces: [noisy]
                  rate: {NoisyRatePerSecond}
                  window: 1
              outputs:
                - type: null
            """);
        var metrics = new PipelineMetrics(_services.GetRequiredService<IMeterFactory>());
        var dropped = new List<(string Filter, string Tenant, long Count)>();
        using var listener = DroppedListener(dropped, _services.GetRequiredService<IMeterFactory>());
        var sender = new FilteringSender(new FilterChainFactory(config.Logs, new LogMetricsRegistry(_services.GetRequiredService<IMeterFactory>()), metrics, _time), _time);
        using var checkpoints = new CheckpointStore(_dir.Combine("checkpoints.db"), _time);
        var input = config.Logs.Inputs[0];
        using var tailer = new FileTailer(
            new TailOptions { Paths = input.Paths, ReadFromHead = true },
            checkpoints,
            _time,
            NullLogger<FileTailer>.Instance);
        var collector = new LogCollector("node-1", input, config.Logs, tailer, sender, new TenantDirectory(config), metrics, _time, NullLogger<LogCollector>.Instance);

        var noisy = new ContainerLogFile(ContainerLogFile.ContainersPath(_dir.Combine("logs"), "noisy", "flood", "main"), cri: false, _time);
        var calm = new[] { "orders", "billing" }
            .Select(ns => new ContainerLogFile(ContainerLogFile.ContainersPath(_dir.Combine("logs"), ns, "api", "main"), cri: true, _time))
            .ToArray();
        var noisyPerTick = NoisyRatePerSecond * 10 / (int)(TimeSpan.FromSeconds(1) / Tick);
        var ticks = (int)(TimeSpan.FromSeconds(Seconds) / Tick);
        var noisyWritten = 0;
        var start = _time.GetUtcNow();
        for (var tick = 0; tick < ticks; tick++)
        {
            noisy.WriteMany(Enumerable.Range(noisyWritten, noisyPerTick).Select(i => $"flood {i} {new string('x', 80)}"), noisyWritten);
            noisyWritten += noisyPerTick;
            foreach (var file in calm)
            {
                // A calm tenant's line names the tick it was written at.
                file.Write($"tick {tick}", tick);
            }

            await collector.StepAsync();
            _time.Advance(Tick);
            await collector.StepAsync();
        }

        for (var i = 0; i < 30; i++)
        {
            _time.Advance(Tick);
            await collector.StepAsync();
        }

        // Every calm line arrived, in order, at most one flush interval (plus the step it was read in) after it was written.
        foreach (var ns in new[] { "orders", "billing" })
        {
            var arrivals = sender.Kept.Where(k => k.Tenant == ns).ToList();
            Assert.Equal(Enumerable.Range(0, ticks).Select(t => $"tick {t}"), arrivals.Select(a => a.Message));
            var worst = arrivals.Max(a => a.At - (start + (int.Parse(a.Message[5..], System.Globalization.CultureInfo.InvariantCulture) * Tick)));
            Assert.InRange(worst, TimeSpan.Zero, config.Logs.FlushInterval + 2 * Tick);
        }

        // The flood was cut to its rate, and every record it lost is counted against it alone.
        var noisyKept = sender.Kept.Count(k => k.Tenant == "noisy");
        var noisyDropped = dropped.Where(d => d.Tenant == "noisy" && d.Filter == "throttle").Sum(d => d.Count);
        Assert.Equal(noisyWritten, noisyKept + noisyDropped);

        // The throttle is a token bucket per tenant: it starts full with window × rate = 1,000 tokens and refills at
        // 1,000 a second of pipeline time, one token per record kept. Noisy batches reach it at most a window (1 s)
        // apart, so no refill is lost to the cap; each offers more records than refilled since the one before, so
        // the tokens are spent as they come. Between the first and the last noisy batch it therefore keeps the rate
        // times that span, plus at most the initial burst: a range one burst wide.
        var batches = sender.Filtered.Where(f => f.Tenant == "noisy").ToList();
        Assert.All(batches.Zip(batches.Skip(1)), pair =>
        {
            var gap = pair.Second.At - pair.First.At;
            Assert.InRange(gap, TimeSpan.Zero, Window);
            Assert.True(pair.Second.Offered > NoisyRatePerSecond * gap.TotalSeconds, $"a batch of {pair.Second.Offered} records {gap.TotalMilliseconds} ms after the last does not flood the throttle");
        });
        var span = batches[^1].At - batches[0].At;
        // Written from 0 to 9.9 s; the first lines reach the throttle within a flush interval and two steps, as the calm tenants' do.
        Assert.InRange(span, TimeSpan.FromSeconds(Seconds) - Tick - config.Logs.FlushInterval - (2 * Tick), TimeSpan.FromSeconds(Seconds) + config.Logs.FlushInterval + (2 * Tick));
        var refilled = (int)(NoisyRatePerSecond * span.TotalSeconds);
        Assert.InRange(noisyKept, refilled, refilled + (NoisyRatePerSecond * (int)Window.TotalSeconds));
        Assert.DoesNotContain(dropped, d => d.Tenant != "noisy");
        Assert.True(collector.Drained);
    }

    /// <summary>Listens to this test's meter only: other tests in the process record into meters of the same name.</summary>
    private static MeterListener DroppedListener(List<(string Filter, string Tenant, long Count)> dropped, IMeterFactory ours)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, ours) && instrument.Name == "pipeline_filter_dropped_records")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string filter = "", tenant = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "filter") { filter = (string)tag.Value!; }
                if (tag.Key == "tenant") { tenant = (string)tag.Value!; }
            }

            lock (dropped)
            {
                dropped.Add((filter, tenant, value));
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>What an aggregator does with a batch, without Orleans: the tenant's filter chain, then an output that keeps what arrives and when.</summary>
    private sealed class FilteringSender(FilterChainFactory filters, TimeProvider time) : ILogBatchSender
    {
        private readonly Dictionary<string, FilterChain> _chains = [];

        public List<(string Tenant, string Message, DateTimeOffset At)> Kept { get; } = [];

        /// <summary>Every batch the chain filtered: when, and how many records it was given.</summary>
        public List<(string Tenant, DateTimeOffset At, int Offered)> Filtered { get; } = [];

        public Task<DeliveryResult> SendAsync(string tenant, int shard, LogBatch batch)
        {
            if (!_chains.TryGetValue(tenant, out var chain))
            {
                chain = filters.Create(tenant);
                _chains.Add(tenant, chain);
            }

            var records = LogEventBatch.Read(batch);
            Filtered.Add((tenant, time.GetUtcNow(), records.Count));
            chain.Apply(records);
            Kept.AddRange(records.Select(r => (tenant, r.Log!, time.GetUtcNow())));
            return Task.FromResult(DeliveryResult.Success);
        }
    }
}
