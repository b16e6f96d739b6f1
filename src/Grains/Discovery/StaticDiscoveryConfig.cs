namespace Pipeline.Grains.Discovery;

/// <summary>One <c>static_configs</c> entry: <c>targets</c> (<c>host:port</c>) sharing <c>labels</c>.</summary>
public sealed class StaticDiscoveryConfig : DiscoveryConfig
{
    public const string Key = "static_configs";

    /// <summary>The <c>host:port</c> of each target.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Labels every target of the entry gets.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The entry's index among the job's <c>static_configs</c>: the group's <see cref="TargetGroup.Source"/>.</summary>
    public int Index { get; init; }

    public override string Mechanism => Key;

    public override ITargetDiscoverer Create(DiscoveryContext context) => new StaticTargetDiscoverer(ToGroup());

    /// <summary>The entry as its one target group.</summary>
    public TargetGroup ToGroup()
    {
        var targets = new IReadOnlyDictionary<string, string>[Targets.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = new Dictionary<string, string>(1, StringComparer.Ordinal) { [Scraping.Relabeling.RelabelLabels.Address] = Targets[i] };
        }

        return new TargetGroup(Index.ToString(System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, string>(Labels, StringComparer.Ordinal), targets);
    }
}
