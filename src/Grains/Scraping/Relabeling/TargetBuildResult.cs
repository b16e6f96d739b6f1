namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>What became of one discovered target: a <see cref="ScrapeTarget"/>, or the reason it was dropped.</summary>
public sealed class TargetBuildResult
{
    /// <summary>The reason given for a target a relabel rule dropped (keep, drop, keepequal, dropequal).</summary>
    public const string DroppedByRelabeling = "dropped by relabeling";

    private TargetBuildResult(ScrapeTarget? target, string? dropReason, bool byRelabeling, LabelSet discovered)
    {
        Target = target;
        DropReason = dropReason;
        IsDroppedByRelabeling = byRelabeling;
        DiscoveredLabels = discovered;
    }

    /// <summary>The target to scrape, or null when it was dropped.</summary>
    public ScrapeTarget? Target { get; }

    /// <summary>Why the target was dropped (<see cref="DroppedByRelabeling"/>, <c>no address</c>, …), or null.</summary>
    public string? DropReason { get; }

    /// <summary>True when a rule dropped the target on purpose; false when its labels were unusable (an error to show).</summary>
    public bool IsDroppedByRelabeling { get; }

    /// <summary>The labels before relabeling (Prometheus shows them for dropped targets too).</summary>
    public LabelSet DiscoveredLabels { get; }

    public static TargetBuildResult Kept(ScrapeTarget target) => new(target, null, false, target.DiscoveredLabels);

    public static TargetBuildResult Dropped(LabelSet discovered) => new(null, DroppedByRelabeling, true, discovered);

    public static TargetBuildResult Failed(LabelSet discovered, string reason) => new(null, reason, false, discovered);

    public override string ToString() => Target?.ToString() ?? $"dropped: {DropReason}";
}
