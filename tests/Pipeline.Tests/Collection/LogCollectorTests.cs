using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Collection;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Telemetry;
using Pipeline.Tests.Support;
using Pipeline.Grains.Tenancy;
using Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Collection;

public sealed class LogCollectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly RecordingSender _sender = new();
    private readonly List<IDisposable> _owned = [];

    private LogCollector Collector(long memBufLimit = 64 << 20, long batchBytes = 512 * 1024, int maxInFlight = 4, bool exitOnEof = false, List<TenantConfig>? tenants = null, long? tenantLimit = null, List<MultilineConfig>? multiline = null)
    {
        var checkpoints = new CheckpointStore(_dir.Combine("checkpoints.db"), _time);
        var tailer = new FileTailer(
            new TailOptions { Paths = [_dir.Combine("logs", "*.log")], ReadFromHead = true },
            checkpoints,
            _time,
            NullLogger<FileTailer>.Instance);
        _owned.Add(tailer);
        _owned.Add(checkpoints);
        var input = new TailInputConfig { Paths = [_dir.Combine("logs", "*.log")], ReadFromHead = true, MemBufLimit = memBufLimit, ExitOnEof = exitOnEof };
        var logs = new LogsConfig { BatchBytes = batchBytes, MaxInFlightBatches = maxInFlight, Inputs = [input], TenantMemBufLimit = tenantLimit, Multiline = multiline ?? [] };
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _owned.Add(services);
        var metrics = new PipelineMetrics(services.GetRequiredService<IMeterFactory>());
        return new LogCollector("node-1", input, logs, tailer, _sender, new TenantDirectory(new PipelineConfig { NodeName = "node-1", Logs = logs, Tenants = tenants ?? [] }), metrics, _time, NullLogger<LogCollector>.Instance);
    }

    private ContainerLogFile File(string pod = "web", bool cri = false, string ns = "shop") =>
        new(ContainerLogFile.ContainersPath(_dir.Combine("logs"), ns, pod, "main"), cri, _time);

    private static FileCheckpoint? Checkpoint(string db, TimeProvider time, string key)
    {
        using var store = new CheckpointStore(db, time);
        return store.TryGet(key, out var checkpoint) ? checkpoint : null;
    }

    [Fact]
    public async Task Offsets_are_committed_only_after_the_batch_is_acknowledged()
    {
        var file = File();
        for (var i = 0; i < 100; i++)
        {
            file.Write($"line {i}", i);
        }

        var collector = Collector();
        await collector.StepAsync();
        Assert.Equal(0, _sender.Sends);
        await collector.StepAsync();
        Assert.Equal(1, _sender.Pending);
        var key = _sender.PendingKeys().Single();
        Assert.Equal(0, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)?.Offset ?? 0);

        _sender.AcknowledgeAll();
        await collector.StepAsync();

        Assert.Equal(new FileInfo(file.Path).Length, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)!.Offset);
        Assert.Equal(100, collector.RecordsAcknowledged);
        Assert.True(collector.Drained);
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_with_the_same_records_until_it_succeeds()
    {
        var file = File();
        for (var i = 0; i < 10; i++)
        {
            file.Write($"line {i}", i);
        }

        var collector = Collector();
        await collector.StepAsync();
        await collector.StepAsync();
        _sender.FailAll("store down");
        await collector.StepAsync();
        Assert.False(collector.Drained);

        _time.Advance(TimeSpan.FromMinutes(1));
        await collector.StepAsync();
        Assert.Equal(2, _sender.Sends);
        _sender.AcknowledgeAll();
        await collector.StepAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"line {i}"), _sender.DeliveredMessages());
        Assert.True(collector.Drained);
    }

    [Fact]
    public async Task Multiline_records_are_joined_per_file_and_their_first_line_bounds_the_committed_offset()
    {
        var java = File("java", ns: "shop");
        var plain = File("plain", ns: "other");
        java.Write("INFO starting", 0);
        var traceStart = new FileInfo(java.Path).Length;
        java.Write("java.lang.IllegalStateException: boom", 1, "stderr");
        java.Write("\tat com.shop.Cart.add(Cart.java:42)", 2, "stderr");
        java.Write("\tat com.shop.Api.post(Api.java:7)", 3, "stderr");
        plain.Write("java.lang.IllegalStateException: not joined here", 0);
        plain.Write("\tat x.y(Z.java:1)", 1);

        var collector = Collector(multiline:
        [
            new MultilineConfig
            {
                Selector = new FilterSelector { Namespaces = ["shop"] },
                Options = new MultilineOptions { Mode = MultilineMode.Java, FlushTimeout = TimeSpan.FromSeconds(2) },
            },
        ]);

        await collector.StepAsync();
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        await collector.StepAsync();
        _sender.AcknowledgeAll();
        await collector.StepAsync();

        // The trace may still grow: it is held back, and the checkpoint stays before its first line.
        var key = _sender.Delivered.SelectMany(b => b.Sources).Single(s => s.Path == java.Path).FileKey;
        Assert.Equal(traceStart, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)!.Offset);
        Assert.DoesNotContain(_sender.DeliveredMessages(), m => m.StartsWith("java.lang.IllegalStateException: boom", StringComparison.Ordinal));
        Assert.False(collector.Drained);

        _time.Advance(TimeSpan.FromSeconds(3));
        await collector.StepAsync();
        await collector.StepAsync();
        _sender.AcknowledgeAll();
        await collector.StepAsync();

        var messages = _sender.DeliveredMessages();
        Assert.Contains("java.lang.IllegalStateException: boom\n\tat com.shop.Cart.add(Cart.java:42)\n\tat com.shop.Api.post(Api.java:7)", messages);
        Assert.Contains("INFO starting", messages);
        Assert.Contains("java.lang.IllegalStateException: not joined here", messages);
        Assert.Contains("\tat x.y(Z.java:1)", messages);
        Assert.Equal(4, messages.Count);
        Assert.Equal(new FileInfo(java.Path).Length, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)!.Offset);
        Assert.True(collector.Drained);
    }

    [Fact]
    public async Task A_tenant_whose_store_is_stuck_pauses_only_its_own_files()
    {
        var noisy = File("flood", ns: "noisy-a");
        var calm = File("quiet", ns: "calm");
        var line = new string('x', 1000);
        for (var i = 0; i < 3000; i++)
        {
            noisy.Write($"{i} {line}", i);
        }

        const long tenantLimit = 1024 * 1024;
        const long batch = 32 * 1024;
        var collector = Collector(batchBytes: batch, tenantLimit: tenantLimit,
            tenants: [new TenantConfig { Name = "noisy", Namespaces = ["noisy-*"] }]);

        // The noisy tenant's store never answers; the calm tenant's answers at once.
        var calmSent = 0;
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                calm.Write($"calm {calmSent++}", calmSent);
            }

            await collector.StepAsync();
            _sender.AcknowledgeWhere(b => b.Tenant == "calm");
            _time.Advance(TimeSpan.FromSeconds(2));
            await collector.StepAsync();
            _sender.AcknowledgeWhere(b => b.Tenant == "calm");
        }

        var noisyStatus = Assert.Single(collector.Status.Tenants, t => t.Tenant == "noisy");
        Assert.True(noisyStatus.Paused, "the flooding tenant's files should be paused by its own limit");
        Assert.InRange(noisyStatus.PeakBufferedBytes, tenantLimit, tenantLimit + batch + 2048);
        Assert.False(collector.Paused, "the input as a whole must not pause for one tenant");
        Assert.False(Assert.Single(collector.Status.Tenants, t => t.Tenant == "calm").Paused);
        Assert.Equal(Enumerable.Range(0, calmSent).Select(i => $"calm {i}"), _sender.DeliveredMessages("calm"));
        Assert.Empty(_sender.DeliveredMessages("noisy"));
        Assert.True(collector.RecordsRead < 3000 + calmSent, "the noisy file should not have been read to its end");

        // Once its store answers again, the noisy tenant's records all arrive, in order, none lost.
        while (!collector.Drained)
        {
            _sender.AcknowledgeAll();
            _time.Advance(TimeSpan.FromSeconds(2));
            await collector.StepAsync();
        }

        Assert.Equal(Enumerable.Range(0, 3000).Select(i => $"{i} {line}"), _sender.DeliveredMessages("noisy"));
    }

    [Fact]
    public async Task A_full_buffer_pauses_reading_and_nothing_is_dropped()
    {
        var file = File();
        var line = new string('x', 1000);
        for (var i = 0; i < 5000; i++)
        {
            file.Write($"{i} {line}", i);
        }

        const long limit = 256 * 1024;
        const long batch = 32 * 1024;
        var collector = Collector(memBufLimit: limit, batchBytes: batch, maxInFlight: 64);

        // Nothing is acknowledged: the collector reads until the buffer is full, then waits.
        var step = Task.FromResult(true);
        for (var i = 0; i < 1000 && step.IsCompleted; i++)
        {
            step = collector.StepAsync();
        }

        Assert.False(step.IsCompleted, "the collector never stopped to wait for acknowledgements");
        Assert.True(collector.Paused);
        Assert.InRange(collector.BufferedBytes, limit, limit + batch + 2048);
        var readWhilePaused = collector.RecordsRead;
        Assert.True(readWhilePaused < 5000);

        while (!collector.Drained)
        {
            _sender.AcknowledgeAll();
            await step;
            Assert.InRange(collector.BufferedBytes, 0, limit + batch + 2048);
            _time.Advance(TimeSpan.FromSeconds(2));
            step = collector.StepAsync();
        }

        var delivered = _sender.DeliveredMessages();
        Assert.Equal(5000, delivered.Count);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"{i} {line}"), delivered);
    }

    [Fact]
    public async Task A_half_joined_cri_line_holds_the_committed_offset_back()
    {
        var file = File(cri: true);
        file.Write("whole", 0);
        var committedBefore = new FileInfo(file.Path).Length;
        System.IO.File.AppendAllText(file.Path, "2026-11-25T10:00:01.000000000Z stdout P first half, \n");

        var collector = Collector();
        await collector.StepAsync();
        await collector.StepAsync();
        var key = _sender.PendingKeys().Single();
        _sender.AcknowledgeAll();
        await collector.StepAsync();

        Assert.Equal(committedBefore, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)!.Offset);
        Assert.False(collector.Drained);

        System.IO.File.AppendAllText(file.Path, "2026-11-25T10:00:01.000000000Z stdout F second half\n");
        await collector.StepAsync();
        await collector.StepAsync();
        _sender.AcknowledgeAll();
        await collector.StepAsync();

        Assert.Equal(["whole", "first half, second half"], _sender.DeliveredMessages());
        Assert.Equal(new FileInfo(file.Path).Length, Checkpoint(_dir.Combine("checkpoints.db"), _time, key)!.Offset);
        Assert.True(collector.Drained);
    }

    [Fact]
    public async Task Records_carry_the_kubernetes_metadata_of_their_file_name()
    {
        File("web-7c9d8f6b5-x2x4q").Write("hello", 0);
        _sender.AutoAcknowledge = true;
        var collector = Collector();
        await collector.StepAsync();
        await collector.StepAsync();

        var source = Assert.Single(Assert.Single(_sender.Delivered).Sources);
        Assert.Equal("shop", source.Namespace);
        Assert.Equal("web-7c9d8f6b5-x2x4q", source.PodName);
        Assert.Equal("main", source.ContainerName);
        Assert.Equal("node-1", source.Host);
        Assert.Equal(64, source.ContainerId!.Length);
        Assert.Equal("shop", _sender.Delivered[0].Tenant);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _dir.Dispose();
    }
}
