using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Metrics;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Placement;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Grains.Scraping.Targets;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// Scrapes one target at its slots (<see cref="ScrapeSchedule"/>) for as long as its discovery grain
/// keeps calling <see cref="Run"/>. The key is <c>job/hash</c>; the grain rebuilds the target from the
/// discovered labels with the job's rules, so every silo scrapes it the same way. The scrape loop runs
/// off the grain's turn (a scrape may take up to its timeout); status reads interleave with it.
/// </summary>
[TargetPlacement]
public sealed partial class TargetGrain : Grain, ITargetGrain, IGrainMigrationParticipant
{
    private const string SpecKey = "spec";

    // Without a Run call for this long (several discovery refreshes), the target is taken as abandoned.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    private readonly ScrapeJobs _jobs;
    private readonly IScrapeSampleSink _sink;
    private readonly TimeProvider _time;
    private readonly MetricMetadataRegistry _metadata;
    private readonly ILogger _logger;
    private readonly ILocalSiloDetails _silo;
    private readonly ScrapeMetrics _metrics;
    private readonly object _gate = new();
    private ScrapeTargetSpec? _spec;
    private ScrapeTarget? _target;
    private TargetScraper? _scraper;
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private string? _buildError;
    private ScrapeReport? _last;
    private long _scrapes;
    private DateTimeOffset _lastRun;
    private ScrapeTargetSpec? _migratedSpec;

    public TargetGrain(ScrapeJobs jobs, IScrapeSampleSink sink, TimeProvider time, ILogger<TargetGrain> logger, ILocalSiloDetails silo, ScrapeMetrics metrics, MetricMetadataRegistry metadata)
    {
        _metrics = metrics;
        _jobs = jobs;
        _sink = sink;
        _metadata = metadata;
        _time = time;
        _logger = logger;
        _silo = silo;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Keeps the activation alive while it scrapes (the loop runs off the grain's turns), and ends an abandoned one.
        this.RegisterGrainTimer(CheckAbandonedAsync, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        return _migratedSpec is { } spec ? Run(spec) : Task.CompletedTask;
    }

    /// <summary>Moving to another silo (rebalancing): the target goes along and scrapes there from its next slot.</summary>
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_spec is not null)
        {
            dehydrationContext.TryAddValue(SpecKey, _spec);
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<ScrapeTargetSpec>(SpecKey, out var spec))
        {
            _migratedSpec = spec;
        }
    }

    public Task Run(ScrapeTargetSpec spec)
    {
        _lastRun = _time.GetUtcNow();
        if (RequestContext.Get(TargetPlacement.SiloHintKey) is string wanted && wanted != _silo.SiloAddress.ToParsableString())
        {
            // The discovery grain moved this target to another silo (the placement director reads the same
            // hint); it keeps scraping here until the move, and carries its spec along.
            this.MigrateOnIdle();
        }

        if (_spec is not null && _scraper is not null && SameLabels(_spec.DiscoveredLabels, spec.DiscoveredLabels))
        {
            return Task.CompletedTask;
        }

        StopLoop(markStale: false);
        _spec = spec;
        _buildError = null;
        var job = _jobs.Find(spec.Job);
        if (job is null)
        {
            _buildError = $"scrape job '{spec.Job}' is not in this silo's pipeline file";
            LogUnbuildable(_logger, this.GetPrimaryKeyString(), _buildError);
            return Task.CompletedTask;
        }

        var result = new TargetBuilder(job.Target).Build(LabelSet.From(spec.DiscoveredLabels));
        if (result.Target is not { } target || KeyOf(spec.Job, target.Key) != this.GetPrimaryKeyString())
        {
            _buildError = result.Target is null
                ? $"the target does not build on this silo: {result.DropReason}"
                : "the target builds to other labels on this silo (do all silos read the same pipeline file?)";
            LogUnbuildable(_logger, this.GetPrimaryKeyString(), _buildError);
            return Task.CompletedTask;
        }

        _target = target;
        _scraper = new TargetScraper(job, target, _jobs.ClientFor(job), _sink, _time, _metadata);
        _stopping = new CancellationTokenSource();
        var scraper = _scraper;
        var schedule = ScrapeSchedule.For(target.Key, target.ScrapeInterval);
        var token = _stopping.Token;
        _metrics.TargetStarted(job.JobName);
        _loop = Task.Run(() => ScrapeLoopAsync(scraper, schedule, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task Stop()
    {
        var loop = StopLoop(markStale: true);
        if (loop is not null)
        {
            await loop;
        }

        _spec = null;
        DeactivateOnIdle();
    }

    public Task<ScrapeTargetStatus?> GetStatus()
    {
        if (_spec is null)
        {
            return Task.FromResult<ScrapeTargetStatus?>(null);
        }

        ScrapeReport? last;
        long scrapes;
        lock (_gate)
        {
            last = _last;
            scrapes = _scrapes;
        }

        var target = _target;
        return Task.FromResult<ScrapeTargetStatus?>(new ScrapeTargetStatus
        {
            ScrapePool = _spec.Job,
            ScrapeUrl = target?.Url ?? "",
            Labels = target?.Labels.ToPairs() ?? [],
            DiscoveredLabels = _spec.DiscoveredLabels,
            Health = _buildError is not null ? "down" : last is null ? "unknown" : last.Value.Up ? "up" : "down",
            LastError = _buildError ?? last?.Error ?? "",
            LastScrape = last?.Start,
            LastScrapeDurationSeconds = last?.Duration.TotalSeconds ?? 0,
            ScrapeInterval = target?.ScrapeInterval ?? TimeSpan.Zero,
            ScrapeTimeout = target?.ScrapeTimeout ?? TimeSpan.Zero,
            Silo = _silo.SiloAddress.ToParsableString(),
            Scrapes = scrapes,
            LastSamples = last?.SamplesPostMetricRelabeling ?? 0,
        });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Moving or shutting down is not the target going away: no staleness markers; the next silo carries on.
        var loop = StopLoop(markStale: false);
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The grain key of a target: its job and the hex of its label hash.</summary>
    public static string KeyOf(string job, ulong targetKey) => job + "/" + targetKey.ToString("x16", CultureInfo.InvariantCulture);

    private async Task ScrapeLoopAsync(TargetScraper scraper, ScrapeSchedule schedule, CancellationToken cancellation)
    {
        try
        {
            await ScrapeLoop.RunAsync(scraper.ScrapeAsync, schedule, _time, report =>
            {
                _metrics.Scraped(scraper.Job.JobName, report.Up, report.SamplesPostMetricRelabeling, report.Duration);
                lock (_gate)
                {
                    _last = report;
                    _scrapes++;
                }
            }, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A fault of ours, not of the target: shown as the target's error; the discovery grain's next Run restarts it.
            LogLoopFailed(_logger, e, this.GetPrimaryKeyString());
            lock (_gate)
            {
                _last = new ScrapeReport(_time.GetUtcNow(), TimeSpan.Zero, "scrape loop failed: " + e.Message, 0, 0, 0);
            }
        }
    }

    private Task? StopLoop(bool markStale)
    {
        var loop = _loop;
        var scraper = _scraper;
        _stopping?.Cancel();
        _stopping?.Dispose();
        _stopping = null;
        _loop = null;
        _scraper = null;
        _target = null;
        if (scraper is null)
        {
            return null;
        }

        _metrics.TargetStopped(scraper.Job.JobName);

        return (loop ?? Task.CompletedTask).ContinueWith(
            _ =>
            {
                if (markStale)
                {
                    scraper.MarkStale(_time.GetUtcNow().ToUnixTimeMilliseconds());
                }

                scraper.Dispose();
            },
            TaskScheduler.Default);
    }

    private Task CheckAbandonedAsync(CancellationToken cancellation)
    {
        if (_spec is not null && _time.GetUtcNow() - _lastRun > AbandonedAfter)
        {
            // Its discovery grain stopped asking (it was lost without a Stop): nothing else would end this scraper.
            LogAbandoned(_logger, this.GetPrimaryKeyString());
            return Stop();
        }

        return Task.CompletedTask;
    }

    private static bool SameLabels(KeyValuePair<string, string>[] a, KeyValuePair<string, string>[] b) =>
        a.AsSpan().SequenceEqual(b);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Target {Target} cannot be scraped: {Reason}")]
    private static partial void LogUnbuildable(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Scrape loop of target {Target} failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Target {Target} was not renewed by its discovery; stopping it")]
    private static partial void LogAbandoned(ILogger logger, string target);
}
