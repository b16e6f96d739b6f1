using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Grains.Collection;

/// <summary>
/// The shell around the <see cref="LogCollector"/>s of one node: placed on that node's silo,
/// it owns the checkpoint file and runs one collector loop per <c>tail</c> input, for as long
/// as the silo lives. With <c>exit_on_eof</c>, it stops the host once every input is drained.
/// </summary>
[NodePlacement]
public sealed partial class NodeCollectorGrain : Grain, INodeCollectorGrain
{
    private readonly PipelineConfig _config;
    private readonly PipelineMetrics _metrics;
    private readonly TenantDirectory _tenants;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILocalSiloDetails _silo;
    private readonly List<(LogCollector Collector, FileTailer Tailer, FileChangeWatch? Watch, Task Loop)> _collectors = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _node;
    private readonly PodEnrichment? _enrichment;
    private readonly ContainerMetricsCollector? _containers;
    private Task? _containerLoop;
    private CheckpointStore? _checkpoints;
    private string? _idleReason;
    private bool _exitRequested;

    public NodeCollectorGrain(
        PipelineConfig config,
        PipelineMetrics metrics,
        TenantDirectory tenants,
        TimeProvider time,
        ILoggerFactory loggers,
        ILocalSiloDetails silo,
        IServiceProvider services)
    {
        _enrichment = services.GetService(typeof(PodEnrichment)) as PodEnrichment;
        _containers = services.GetService(typeof(ContainerMetricsCollector)) as ContainerMetricsCollector;
        _config = config;
        _metrics = metrics;
        _tenants = tenants;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<NodeCollectorGrain>();
        _silo = silo;
        _node = this.GetPrimaryKeyString();
        _lifetime = services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var node = _node;
        if (node != _config.NodeName)
        {
            // Placed here only because the node's own silo is absent: reading this silo's files under another node's name would be wrong.
            _idleReason = $"silo {_silo.Name} runs on node '{_config.NodeName}', not '{node}'";
            LogMisplaced(_logger, node, _silo.Name, _config.NodeName);
            return Task.CompletedTask;
        }

        Directory.CreateDirectory(_config.DataDir);
        _checkpoints = new CheckpointStore(Path.Combine(_config.DataDir, "checkpoints.db"), _time);
        var sender = new AggregatorBatchSender(GrainFactory);
        foreach (var input in _config.Logs.Inputs)
        {
            var tailer = new FileTailer(TailOptionsFor(input), _checkpoints, _time, _loggers.CreateLogger<FileTailer>());
            var watch = input.InotifyWatcher ? new FileChangeWatch(input.Paths, _loggers.CreateLogger<FileChangeWatch>()) : null;
            var collector = new LogCollector(node, input, _config.Logs, tailer, sender, _tenants, _metrics, _time, _loggers.CreateLogger<LogCollector>(), _enrichment, watch);
            _collectors.Add((collector, tailer, watch, collector.RunAsync(_stopping.Token)));
        }

        if (_containers is not null)
        {
            // containers.enabled: cgroup stats of this node's containers every interval, off the grain's turns (file reads block).
            _containerLoop = Task.Run(() => _containers.RunAsync(_stopping.Token));
        }

        _metrics.RegisterCollector(node, () => Snapshot());
        this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)) { KeepAlive = true });
        LogStarted(_logger, node, _silo.Name, _collectors.Count);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var (_, tailer, watch, loop) in _collectors)
        {
            watch?.Dispose();
            await loop.ContinueWith(_ => { }, TaskScheduler.Current);
            tailer.FlushCheckpoints();
            tailer.Dispose();
        }

        if (_containerLoop is not null)
        {
            await _containerLoop.ContinueWith(_ => { }, TaskScheduler.Current);
        }

        _metrics.UnregisterCollector(this.GetPrimaryKeyString());
        _checkpoints?.Dispose();
    }

    public Task<CollectorStatus> Start() => Task.FromResult(Snapshot());

    public Task<CollectorStatus> GetStatus() => Task.FromResult(Snapshot());

    /// <summary>Sum of the collectors' published states; called from metric export threads too, so it reads only those.</summary>
    private CollectorStatus Snapshot()
    {
        var states = _collectors.Select(c => c.Collector.Status).ToList();
        return new CollectorStatus
        {
            Node = _node,
            Silo = _silo.Name,
            FilesFollowed = states.Sum(s => s.FilesFollowed),
            RecordsRead = states.Sum(s => s.RecordsRead),
            RecordsAcknowledged = states.Sum(s => s.RecordsAcknowledged),
            BufferedBytes = states.Sum(s => s.BufferedBytes),
            PeakBufferedBytes = states.Sum(s => s.PeakBufferedBytes),
            Paused = states.Any(s => s.Paused),
            FilesExcluded = states.Sum(s => s.FilesExcluded),
            RecordsExcluded = states.Sum(s => s.RecordsExcluded),
            RecordsUnenriched = states.Sum(s => s.RecordsUnenriched),
            Tenants = [.. states.SelectMany(s => s.Tenants).GroupBy(t => t.Tenant).Select(g => new TenantBufferStatus
            {
                Tenant = g.Key,
                BufferedBytes = g.Sum(t => t.BufferedBytes),
                PeakBufferedBytes = g.Sum(t => t.PeakBufferedBytes),
                Limit = g.Sum(t => t.Limit),
                Paused = g.Any(t => t.Paused),
            })],
            Drained = _idleReason is null && states.All(s => s.Drained),
            Error = _idleReason,
            Ready = _idleReason is not null || states.All(s => s.Ready),
            NotReadyReason = states.FirstOrDefault(s => !s.Ready)?.NotReadyReason,
        };
    }

    private Task WatchAsync(CancellationToken cancellation)
    {
        foreach (var (collector, _, _, loop) in _collectors)
        {
            if (loop.IsFaulted)
            {
                // A bug, not bad input: bad input is counted and kept. Surface it and stop rather than spin.
                LogLoopFailed(_logger, loop.Exception!.GetBaseException(), this.GetPrimaryKeyString());
                throw loop.Exception!.GetBaseException();
            }
        }

        if (!_exitRequested && _config.Logs.Inputs.Count > 0 && _config.Logs.Inputs.All(i => i.ExitOnEof) && _collectors.All(c => c.Collector.Status.Drained))
        {
            _exitRequested = true;
            LogExitOnEof(_logger, this.GetPrimaryKeyString(), _collectors.Sum(c => c.Collector.RecordsAcknowledged));
            _lifetime?.StopApplication();
        }

        return Task.CompletedTask;
    }

    private static TailOptions TailOptionsFor(TailInputConfig input) => new()
    {
        Paths = [.. input.Paths],
        ExcludePaths = [.. input.ExcludePaths],
        ReadFromHead = input.ReadFromHead,
        RescanInterval = input.RefreshInterval,
        RotateWait = input.RotateWait,
        MaxLineBytes = (int)Math.Min(input.MaxLineSize, int.MaxValue),
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Collector for node {Node} started on silo {Silo} with {Inputs} input(s)")]
    private static partial void LogStarted(ILogger logger, string node, string silo, int inputs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Collector for node {Node} was placed on silo {Silo}, which runs on node {SiloNode}; it stays idle")]
    private static partial void LogMisplaced(ILogger logger, string node, string silo, string siloNode);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Collector loop of node {Node} failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "exit_on_eof: node {Node} read every file to its end and {Records} records were acknowledged; stopping")]
    private static partial void LogExitOnEof(ILogger logger, string node, long records);
}
