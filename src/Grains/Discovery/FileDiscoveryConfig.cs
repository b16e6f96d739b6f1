namespace Pipeline.Grains.Discovery;

/// <summary>
/// One <c>file_sd_configs</c> entry: target group files (JSON or YAML, Prometheus's format) matched
/// by <see cref="Files"/>, re-read when they change and every <see cref="RefreshInterval"/>.
/// </summary>
public sealed class FileDiscoveryConfig : DiscoveryConfig
{
    public const string Key = "file_sd_configs";

    /// <summary>
    /// Paths ending in <c>.json</c>, <c>.yml</c> or <c>.yaml</c>; the last path segment may hold
    /// <c>*</c> and <c>?</c> wildcards (<c>/etc/targets/web_*.json</c>).
    /// </summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>How often files are re-read besides on change (<c>refresh_interval</c>, 5m by default).</summary>
    public TimeSpan RefreshInterval { get; init; } = DiscoveryConstants.DefaultFileRefreshInterval;

    public override string Mechanism => Key;

    public override ITargetDiscoverer Create(DiscoveryContext context) => new FileTargetDiscoverer(this, context);

    /// <summary>Whether a pattern names a file type file_sd reads.</summary>
    public static bool HasKnownExtension(string pattern) =>
        pattern.EndsWith(".json", StringComparison.Ordinal) || pattern.EndsWith(".yml", StringComparison.Ordinal) || pattern.EndsWith(".yaml", StringComparison.Ordinal);
}
