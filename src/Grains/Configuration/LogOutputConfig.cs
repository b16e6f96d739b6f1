using Pipeline.Grains.Outputs.Elasticsearch;

namespace Pipeline.Grains.Configuration;

/// <summary>A <c>logs.outputs</c> entry.</summary>
public sealed class LogOutputConfig
{
    public const int DefaultRetentionDays = 7;

    public required LogOutputType Type { get; init; }

    /// <summary>
    /// The output's name, for tenants' <c>outputs</c> lists, metrics and dead letters: <c>id</c>
    /// (fluent-bit <c>alias</c>), else <c>name</c> beside <c>type</c>, else the type.
    /// </summary>
    public string Name { get; init; } = "";

    /// <summary>Elasticsearch output: its options (null for other types).</summary>
    public ElasticsearchLogOutputOptions? Elasticsearch { get; init; }

    /// <summary>Embedded store: records older than this many days are deleted.</summary>
    public int RetentionDays { get; init; } = DefaultRetentionDays;
}
