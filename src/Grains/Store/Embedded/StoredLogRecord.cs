namespace Pipeline.Grains.Store.Embedded;

/// <summary>One row of the store as a search reads it.</summary>
internal readonly record struct StoredLogRecord(
    string Id,
    long TimeUnixNanos,
    string Log,
    string? Stream,
    string? Namespace,
    string? Pod,
    string? PodId,
    string? Container,
    string? ContainerId,
    string? Host,
    int Flags,
    string? Fields);
