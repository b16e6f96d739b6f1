using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Search;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// Service discovery of one scrape job (keyed by <c>job_name</c>). Its discoverers run in the
/// background and leave their latest target groups here; a timer reconciles: the groups are
/// relabeled into targets (<see cref="ScrapePoolTargets"/>), new targets get a <see cref="ITargetGrain"/>
/// on the silo <see cref="TargetAssignment"/> chose, gone ones are stopped (staleness markers), and every
/// target is renewed now and then, which brings back a target whose silo died.
/// </summary>
public sealed partial class DiscoveryGrain : Grain, IDiscoveryGrain
{
    /// <summary>How often the latest groups are checked for a change (Prometheus's target manager waits 5 s).</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often every target is renewed (and re-created if its activation was lost).</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(15);

    private readonly ScrapeJobs _jobs;
    private readonly IClusterMembershipService _membership;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly DiscoveryMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<ulong, ScrapeTargetSpec> _running = [];
    private Dictionary<string, string> _placed = new(StringComparer.Ordinal);
    private string _silos = "";
    private bool _placementKnown;
    private ScrapeJobConfig? _job;
    private ITargetDiscoverer[] _discoverers = [];
    private IReadOnlyList<TargetGroup>?[] _latest = [];
    private int _changed;
    private ScrapePoolTargets? _targets;
    private DateTimeOffset _lastRenew;
    private string? _idleReason;

    public DiscoveryGrain(ScrapeJobs jobs, IClusterMembershipService membership, TimeProvider time, ILoggerFactory loggers, DiscoveryMetrics metrics)
    {
        _metrics = metrics;
        _jobs = jobs;
        _membership = membership;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<DiscoveryGrain>();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        _job = _jobs.Find(name);
        if (_job is null)
        {
            _idleReason = $"scrape job '{name}' is not in this silo's pipeline file";
            return Task.CompletedTask;
        }

        var context = new DiscoveryContext(name, _time, _loggers, _metrics);
        _discoverers = [.. _job.Discovery.Select(d => d.Create(context))];
        _latest = new IReadOnlyList<TargetGroup>?[_discoverers.Length];
        for (var i = 0; i < _discoverers.Length; i++)
        {
            var index = i;
            var discoverer = _discoverers[i];
            _ = Task.Run(() => FollowAsync(discoverer, index, _stopping.Token), CancellationToken.None);
        }

        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(TimeSpan.Zero, ReconcileInterval) { KeepAlive = true });
        LogStarted(_logger, name, _discoverers.Length);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var discoverer in _discoverers)
        {
            discoverer.Dispose();
        }
    }

    public Task Start() => Task.CompletedTask;

    public async Task<ScrapePoolStatus> GetTargets()
    {
        var job = this.GetPrimaryKeyString();
        var statuses = await Task.WhenAll(_running.Select(t => GrainFactory.GetGrain<ITargetGrain>(TargetGrain.KeyOf(job, t.Key)).GetStatus()));
        var errors = new List<string>();
        if (_idleReason is not null)
        {
            errors.Add(_idleReason);
        }

        errors.AddRange(_discoverers.Select(d => d.Error).OfType<string>());
        if (_targets is not null)
        {
            errors.AddRange(_targets.Errors);
        }

        return new ScrapePoolStatus
        {
            Job = job,
            Active = [.. statuses.OfType<ScrapeTargetStatus>().OrderBy(s => s.ScrapeUrl, StringComparer.Ordinal)],
            DroppedCount = _targets?.DroppedCount ?? 0,
            Dropped = _targets is null ? [] : [.. _targets.Dropped.Select(d => d.ToPairs())],
            DiscoveryErrors = errors,
        };
    }

    private async Task FollowAsync(ITargetDiscoverer discoverer, int index, CancellationToken cancellation)
    {
        try
        {
            await foreach (var groups in discoverer.WatchAsync(cancellation))
            {
                Volatile.Write(ref _latest[index], groups);
                Interlocked.Exchange(ref _changed, 1);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDiscovererFailed(_logger, e, this.GetPrimaryKeyString(), index);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellation)
    {
        var job = _job!;
        var now = _time.GetUtcNow();
        var silos = ActiveSilos.Keys(_membership);
        silos.Sort(StringComparer.Ordinal);
        var siloSet = string.Join(',', silos);
        var silosChanged = siloSet != _silos;
        _silos = siloSet;

        // A silo came or went: renew every target now, moving some so the silos share them evenly.
        var renew = silosChanged || now - _lastRenew >= RenewInterval;
        if (Interlocked.Exchange(ref _changed, 0) == 0 && !renew)
        {
            return;
        }

        // Until every discoverer has answered once, a target missing from the set may only not be known yet: keep what runs.
        var ready = _latest.All(l => l is not null);
        var targets = ScrapePoolTargets.Build(job, _latest.OfType<IReadOnlyList<TargetGroup>>());
        _targets = targets;
        var name = this.GetPrimaryKeyString();
        var calls = new List<Task>();
        if (ready)
        {
            foreach (var key in _running.Keys.Where(k => !targets.Active.ContainsKey(k)).ToList())
            {
                _running.Remove(key);
                calls.Add(GrainFactory.GetGrain<ITargetGrain>(TargetGrain.KeyOf(name, key)).Stop());
            }
        }

        var grainKeys = targets.Active.Keys.ToDictionary(k => k, k => TargetGrain.KeyOf(name, k));
        if (!_placementKnown && ready)
        {
            // A new activation of this grain (its silo died, or it was idle): targets may still be running; learn
            // where, so they stay put rather than move to where a fresh assignment would put them.
            _placementKnown = true;
            _placed = await PlacementOfRunningAsync(grainKeys.Values);
            silosChanged = false;
        }

        var placement = TargetAssignment.Assign(grainKeys.Values, silos, _placed, silosChanged ? 0 : TargetAssignment.Slack);
        var toRun = renew
            ? targets.Active.Keys.ToList()
            : targets.Active.Keys.Where(k => !_running.ContainsKey(k) || _placed.GetValueOrDefault(grainKeys[k]) != placement.GetValueOrDefault(grainKeys[k])).ToList();
        _placed = placement;
        if (toRun.Count > 0)
        {
            foreach (var key in toRun)
            {
                if (!_running.TryGetValue(key, out var spec))
                {
                    spec = new ScrapeTargetSpec { Job = name, DiscoveredLabels = targets.Active[key].DiscoveredLabels.ToPairs() };
                    _running[key] = spec;
                }

                var grainKey = grainKeys[key];
                if (placement.TryGetValue(grainKey, out var silo))
                {
                    RequestContext.Set(TargetPlacement.SiloHintKey, silo);
                }

                calls.Add(GrainFactory.GetGrain<ITargetGrain>(grainKey).Run(spec));
                RequestContext.Remove(TargetPlacement.SiloHintKey);
            }
        }

        if (renew)
        {
            _lastRenew = now;
        }

        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception e)
        {
            // Some targets could not be reached (a silo going down): the next renewal tries again.
            LogReconcileFailed(_logger, e, name);
        }
    }

    private async Task<Dictionary<string, string>> PlacementOfRunningAsync(IEnumerable<string> grainKeys)
    {
        var keys = grainKeys.ToList();
        ScrapeTargetStatus?[] statuses;
        try
        {
            statuses = await Task.WhenAll(keys.Select(k => GrainFactory.GetGrain<ITargetGrain>(k).GetStatus()));
        }
        catch (Exception e)
        {
            LogReconcileFailed(_logger, e, this.GetPrimaryKeyString());
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var placed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (statuses[i] is { } status)
            {
                placed[keys[i]] = status.Silo;
            }
        }

        return placed;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Discovery of scrape job {Job} started with {Discoverers} discoverer(s)")]
    private static partial void LogStarted(ILogger logger, string job, int discoverers);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Discoverer {Index} of scrape job {Job} stopped")]
    private static partial void LogDiscovererFailed(ILogger logger, Exception exception, string job, int index);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Some targets of scrape job {Job} could not be reached; renewing them later")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string job);
}
