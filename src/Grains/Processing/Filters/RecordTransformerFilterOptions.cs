namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A <c>record_transformer</c> filter (fluentd): <c>record: {name: value}</c> with placeholders
/// (<see cref="RecordTemplate"/>), then <c>remove_keys</c>. Every value is computed from the record
/// as it came in, before any is written. <c>renew_record: true</c> starts from an empty record but
/// for what the pipeline owns (time, stream, Kubernetes metadata) and the <c>keep_keys</c>.
/// </summary>
public sealed class RecordTransformerFilterOptions : LogFilterOptions
{
    public const string TypeName = "record_transformer";

    public override string Type => TypeName;

    public IReadOnlyList<KeyValuePair<FieldPath, RecordTemplate>> Record { get; init; } = [];

    public IReadOnlyList<FieldPath> RemoveKeys { get; init; } = [];

    public bool RenewRecord { get; init; }

    public IReadOnlyList<FieldPath> KeepKeys { get; init; } = [];
}
