using Pipeline.Grains.Discovery;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// A scrape job's targets from the latest target groups of each of its discoverers: every discovered
/// target relabeled by the job's <c>relabel_configs</c>, duplicates (same labels, so same key) merged,
/// the dropped ones counted, and <c>target_limit</c> applied as Prometheus does (over the limit, no
/// target of the job is scraped and the reason is shown).
/// </summary>
public sealed class ScrapePoolTargets
{
    private ScrapePoolTargets(IReadOnlyDictionary<ulong, ScrapeTarget> active, int droppedCount, IReadOnlyList<LabelSet> dropped, IReadOnlyList<string> errors)
    {
        Active = active;
        DroppedCount = droppedCount;
        Dropped = dropped;
        Errors = errors;
    }

    /// <summary>The targets to scrape, by key (<see cref="ScrapeTarget.Key"/>).</summary>
    public IReadOnlyDictionary<ulong, ScrapeTarget> Active { get; }

    public int DroppedCount { get; }

    /// <summary>Discovered labels of dropped targets, at most <c>keep_dropped_targets</c> when set.</summary>
    public IReadOnlyList<LabelSet> Dropped { get; }

    /// <summary>Targets that could not be built (no address, bad interval) and a target limit exceeded.</summary>
    public IReadOnlyList<string> Errors { get; }

    public static ScrapePoolTargets Build(ScrapeJobConfig job, IEnumerable<IReadOnlyList<TargetGroup>> groupSets)
    {
        ArgumentNullException.ThrowIfNull(job);
        var builder = new TargetBuilder(job.Target);
        var active = new Dictionary<ulong, ScrapeTarget>();
        var dropped = new List<LabelSet>();
        var errors = new List<string>();
        var droppedCount = 0;
        foreach (var groups in groupSets)
        {
            foreach (var group in groups)
            {
                var groupLabels = LabelSet.From(group.Labels);
                foreach (var target in group.Targets)
                {
                    var result = builder.Build(LabelSet.From(target), groupLabels);
                    if (result.Target is { } built)
                    {
                        active.TryAdd(built.Key, built);
                        continue;
                    }

                    droppedCount++;
                    if (job.KeepDroppedTargets == 0 || dropped.Count < job.KeepDroppedTargets)
                    {
                        dropped.Add(result.DiscoveredLabels);
                    }

                    if (!result.IsDroppedByRelabeling && errors.Count < 10)
                    {
                        errors.Add($"{group.Source}: {result.DropReason}");
                    }
                }
            }
        }

        if (job.TargetLimit > 0 && active.Count > job.TargetLimit)
        {
            errors.Add($"target_limit exceeded (number of targets: {active.Count}, limit: {job.TargetLimit}); no target of job {job.JobName} is scraped");
            active.Clear();
        }

        return new ScrapePoolTargets(active, droppedCount, dropped, errors);
    }
}
