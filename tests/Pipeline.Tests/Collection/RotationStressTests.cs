using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Collection;

/// <summary>
/// The collector loop on real threads against writers that rotate their files hundreds of times
/// (rename and copytruncate, several rotations between two rescans), with busy threads competing for
/// the CPU, a buffer small enough to pause reading again and again, and a store that acknowledges late
/// and sometimes fails. Whatever the interleaving, every line must reach the store exactly once by
/// record id, no record may be anything but a written line, and reading must resume after each pause.
/// </summary>
/// <remarks>
/// CI runs a bounded version. The soak is the same test in a loop with more rotations:
/// <c>PIPELINE_STRESS_ROTATIONS=200 PIPELINE_STRESS_RUNS=50 dotnet test --filter RotationStressTests</c>.
/// </remarks>
public sealed class RotationStressTests
{
    private const int Files = 4;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hundreds_of_rotations_under_cpu_load_with_a_small_buffer_store_every_line_exactly_once(bool inotify)
    {
        var rotationsPerFile = EnvironmentInt("PIPELINE_STRESS_ROTATIONS", 40);
        var runs = EnvironmentInt("PIPELINE_STRESS_RUNS", 1);
        for (var run = 0; run < runs; run++)
        {
            await RunOnceAsync(inotify, rotationsPerFile, seed: run);
        }
    }

    private static async Task RunOnceAsync(bool inotify, int rotationsPerFile, int seed)
    {
        using var dir = new TempDirectory();
        var logs = dir.Combine("logs");
        Directory.CreateDirectory(logs);
        var paths = Enumerable.Range(0, Files).Select(f => ContainerLogFile.ContainersPath(logs, "shop", $"writer-{f}", "app")).ToList();
        foreach (var path in paths)
        {
            // Kubelet creates the file before the container writes: the collector meets it empty.
            File.WriteAllText(path, string.Empty);
        }

        var input = new TailInputConfig
        {
            Paths = [Path.Combine(logs, "*.log")],
            ReadFromHead = true,
            RefreshInterval = TimeSpan.FromMilliseconds(500),
            RotateWait = TimeSpan.FromMilliseconds(200),
            MemBufLimit = 48 * 1024,
            InotifyWatcher = inotify,
        };
        var config = new LogsConfig { BatchBytes = 8 * 1024, MaxInFlightBatches = 2, FlushInterval = TimeSpan.FromMilliseconds(20), Inputs = [input] };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new PipelineMetrics(services.GetRequiredService<IMeterFactory>());
        using var checkpoints = new CheckpointStore(dir.Combine("checkpoints.db"), TimeProvider.System);
        using var tailer = new FileTailer(
            new TailOptions { Paths = input.Paths, ReadFromHead = true, RescanInterval = input.RefreshInterval, RotateWait = input.RotateWait },
            checkpoints,
            TimeProvider.System,
            NullLogger<FileTailer>.Instance);
        using var watch = inotify ? new FileChangeWatch(input.Paths, NullLogger<FileChangeWatch>.Instance) : null;
        var store = new DeduplicatingStore(seed);
        var collector = new LogCollector(
            "node-1", input, config, tailer, store, new TenantDirectory(new PipelineConfig { NodeName = "node-1", Logs = config }), metrics, TimeProvider.System, NullLogger<LogCollector>.Instance, watch: watch);

        using var stop = new CancellationTokenSource();
        using var burners = new CpuBurners(Environment.ProcessorCount);
        var loop = Task.Run(() => collector.RunAsync(stop.Token));
        await Eventually.Until(() => Task.FromResult(collector.Status.Ready), ready => ready, "the first scan");

        var written = await Task.WhenAll(paths.Select((path, f) => Task.Run(() => new RotatingWriter(path, f, seed, copytruncate: f % 2 == 1).Run(rotationsPerFile))));
        var expected = written.SelectMany(w => w).ToHashSet(StringComparer.Ordinal);

        try
        {
            await Eventually.Until(() => Task.FromResult(store.Messages.Count), count => count >= expected.Count, $"{expected.Count} lines stored", TimeSpan.FromMinutes(5));
            await Eventually.Until(() => Task.FromResult(collector.Status.Drained), drained => drained, "every record acknowledged");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (run {seed}, inotify {inotify})\n{Describe(collector, tailer, store, expected)}", e);
        }
        finally
        {
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromMinutes(1));
        }

        burners.Dispose();
        Assert.Empty(store.Messages.Keys.Where(m => !expected.Contains(m)).Take(5));
        Assert.Empty(expected.Where(m => !store.Messages.ContainsKey(m)).Take(5));

        // Exactly once: each line under one record id only (replays of that id are the store's to drop).
        Assert.Empty(store.Messages.Where(m => m.Value.Count != 1).Take(5).Select(m => $"{m.Key}: {string.Join(", ", m.Value.Keys)}"));
        Assert.True(collector.Pauses > 0, "the buffer is small enough to pause reading");

        // Every generation of every file was followed, most of them found only beside the log: rotated twice or more between two rescans.
        Assert.True(tailer.FilesOpened >= Files * (rotationsPerFile + 1) / 2, $"{tailer.FilesOpened} files opened");
        Assert.True(tailer.UnseenGenerationsFound > 0, "some generations were rotated away before a rescan saw them at their path");
    }

    /// <summary>What the collector and the tailer hold, for a failure message.</summary>
    private static string Describe(LogCollector collector, FileTailer tailer, DeduplicatingStore store, HashSet<string> expected)
    {
        var text = new StringBuilder();
        var status = collector.Status;
        text.AppendLine(CultureInfo.InvariantCulture, $"stored {store.Messages.Count} of {expected.Count}; read {status.RecordsRead}, acknowledged {status.RecordsAcknowledged}, buffered {status.BufferedBytes}, paused {status.Paused} ({collector.Pauses} pauses), in flight {collector.InFlightBatches}");
        text.AppendLine(CultureInfo.InvariantCulture, $"rotations {tailer.Rotations}, truncations {tailer.Truncations}, rescues {tailer.CopytruncateRescues}, opened {tailer.FilesOpened}");
        foreach (var file in tailer.Files)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {file} size {file.Size} eof {file.AtEof} rotatedOut {file.IsRotatedOut} committed {file.CommittedOffset} key {file.HasKey}");
        }

        foreach (var missing in expected.Where(m => !store.Messages.ContainsKey(m)).Order(StringComparer.Ordinal).Take(10))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  missing: {missing[..Math.Min(20, missing.Length)]}");
        }

        return text.ToString();
    }

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>Writes lines to one container log and rotates it by rename or copytruncate every few dozen lines.</summary>
    private sealed class RotatingWriter(string path, int index, int seed, bool copytruncate)
    {
        private readonly Random _random = new(HashCode.Combine(seed, index));

        public List<string> Run(int rotations)
        {
            var written = new List<string>();
            var file = new ContainerLogFile(path, cri: index % 2 == 0, TimeProvider.System);
            var sequence = 0L;
            for (var rotation = 0; rotation <= rotations; rotation++)
            {
                var lines = _random.Next(5, 120);
                var messages = new List<string>(lines);
                for (var i = 0; i < lines; i++)
                {
                    messages.Add($"writer-{index} {sequence + i:D7} {new string('x', _random.Next(0, 200))}");
                }

                // Some lines one by one, the rest in one burst: short reads and long ones.
                var single = _random.Next(lines);
                for (var i = 0; i < single; i++)
                {
                    file.Write(messages[i], sequence++);
                }

                file.WriteMany(messages.Skip(single), sequence);
                sequence += lines - single;
                written.AddRange(messages);
                if (rotation == rotations)
                {
                    break;
                }

                var rotated = $"{path}.{rotation + 1}";
                if (copytruncate)
                {
                    // logrotate's copytruncate with the writer quiet in between: no line falls between copy and truncate.
                    File.Copy(path, rotated);
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                    stream.SetLength(0);
                }
                else
                {
                    File.Move(path, rotated);
                }

                if (_random.Next(4) == 0)
                {
                    Thread.Yield();
                }
            }

            return written;
        }
    }

    /// <summary>A store that keys records by id as Elasticsearch does, answers late, and fails one send in eight.</summary>
    private sealed class DeduplicatingStore(int seed) : ILogBatchSender
    {
        private readonly Random _random = new(seed);
        private readonly Lock _lock = new();

        /// <summary>Each stored message with the record ids it arrived under (and how often).</summary>
        public ConcurrentDictionary<string, ConcurrentDictionary<string, int>> Messages { get; } = new(StringComparer.Ordinal);

        public async Task<DeliveryResult> SendAsync(string tenant, int shard, LogBatch batch)
        {
            var copy = new LogBatch { Tenant = batch.Tenant, Node = batch.Node, Sources = batch.Sources, Payload = batch.Payload.ToArray(), Count = batch.Count, Sequence = batch.Sequence };
            int delay;
            bool fail;
            lock (_lock)
            {
                delay = _random.Next(0, 15);
                fail = _random.Next(8) == 0;
            }

            await Task.Delay(delay);
            if (fail)
            {
                return DeliveryResult.Failed("store busy");
            }

            foreach (var record in new LogRecordReader(copy))
            {
                var ids = Messages.GetOrAdd(Encoding.UTF8.GetString(record.Message), _ => new(StringComparer.Ordinal));
                ids.AddOrUpdate($"{record.Source.FileKey}-{record.Offset}", 1, (_, n) => n + 1);
            }

            return DeliveryResult.Success;
        }
    }

    /// <summary>Threads that keep every core busy while the test runs, so the collector competes for the CPU.</summary>
    private sealed class CpuBurners : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Thread> _threads = [];

        public CpuBurners(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var thread = new Thread(() =>
                {
                    var x = 0UL;
                    while (!_stop.IsCancellationRequested)
                    {
                        x = unchecked((x * 6364136223846793005UL) + 1442695040888963407UL);
                    }

                    GC.KeepAlive(x);
                }) { IsBackground = true, Priority = ThreadPriority.BelowNormal };
                thread.Start();
                _threads.Add(thread);
            }
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _stop.Dispose();
        }
    }
}
