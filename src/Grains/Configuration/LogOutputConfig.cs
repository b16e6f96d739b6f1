namespace Pipeline.Grains.Configuration;

/// <summary>A <c>logs.outputs</c> entry.</summary>
public sealed class LogOutputConfig
{
    public const int DefaultRetentionDays = 7;

    public required LogOutputType Type { get; init; }

    /// <summary>The output's <c>id</c> (fluent-bit <c>alias</c>), for tenants' <c>outputs</c> lists, metrics and dead letters; default: the type.</summary>
    public string Name { get; init; } = "";

    /// <summary>Embedded store: records older than this many days are deleted.</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;
}
