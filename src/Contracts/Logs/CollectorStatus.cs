namespace Pipeline.Contracts.Logs;

/// <summary>A node collector's view of itself, for the API and for tests.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.CollectorStatus")]
public sealed record CollectorStatus
{
    [Id(0)] public required string Node { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public int FilesFollowed { get; init; }
    [Id(3)] public long RecordsRead { get; init; }
    [Id(4)] public long RecordsAcknowledged { get; init; }
    [Id(5)] public long BufferedBytes { get; init; }
    [Id(6)] public bool Paused { get; init; }

    /// <summary>True when every followed file is read to its end and every record acknowledged.</summary>
    [Id(7)] public bool Drained { get; init; }

    /// <summary>Why the collector is idle, when it is (for example: placed on a silo of another node).</summary>
    [Id(8)] public string? Error { get; init; }

    /// <summary>The most bytes held at once since start (never above the input's <c>mem_buf_limit</c> by more than one line).</summary>
    [Id(9)] public long PeakBufferedBytes { get; init; }

    /// <summary>Each tenant's share of the buffer.</summary>
    [Id(10)] public TenantBufferStatus[] Tenants { get; init; } = [];

    /// <summary>Followed files whose pod asks (<c>fluentbit.io/exclude</c>) for all their records to be left out.</summary>
    [Id(11)] public int FilesExcluded { get; init; }

    /// <summary>Records left out because their pod asked so, since start.</summary>
    [Id(12)] public long RecordsExcluded { get; init; }

    /// <summary>Records sent with only their file name's metadata although pod metadata was asked for (pod not known, API unreachable), since start.</summary>
    [Id(13)] public long RecordsUnenriched { get; init; }

    /// <summary>
    /// True once every input did its first scan and a checkpoint of each file it follows is on disk:
    /// from then on, a file that matched is read whole even if it is rotated away or the silo is killed.
    /// </summary>
    [Id(14)] public bool Ready { get; init; }

    /// <summary>Why <see cref="Ready"/> is false (for <c>/readyz</c>).</summary>
    [Id(15)] public string? NotReadyReason { get; init; }
}

/// <summary>One tenant's part of a collector's buffer.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.TenantBufferStatus")]
public sealed record TenantBufferStatus
{
    [Id(0)] public required string Tenant { get; init; }
    [Id(1)] public long BufferedBytes { get; init; }
    [Id(2)] public long PeakBufferedBytes { get; init; }
    [Id(3)] public long Limit { get; init; }

    /// <summary>True while this tenant's files are not read because its buffer is full.</summary>
    [Id(4)] public bool Paused { get; init; }
}
