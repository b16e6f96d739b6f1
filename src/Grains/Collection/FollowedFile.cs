using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Grains.Discovery.Kubernetes;

namespace Pipeline.Grains.Collection;

/// <summary>
/// What the collector keeps per followed file: its decoder, where its records go, and the
/// offsets waiting for acknowledgement, oldest first.
/// </summary>
internal sealed class FollowedFile
{
    public FollowedFile(TailedFile tailed, LogSource source, string tenant, int shard, ContainerLogDecoder decoder)
    {
        Tailed = tailed;
        PathSource = source;
        Source = source;
        Tenant = tenant;
        Shard = shard;
        Decoder = decoder;
    }

    public TailedFile Tailed { get; }
    public LogSource Source { get; set; }

    /// <summary>The source as the file name alone gives it; pod metadata is added to a copy of it.</summary>
    public LogSource PathSource { get; }

    /// <summary>The pod whose metadata <see cref="Source"/> carries; null while not enriched.</summary>
    public PodMetadata? Pod { get; set; }

    /// <summary>Streams whose records are left out (<c>fluentbit.io/exclude</c> annotations of the pod).</summary>
    public PodLogExclusion Excluded { get; set; }

    /// <summary>Pod metadata is asked for but <see cref="Source"/> has none: its records are counted as unenriched.</summary>
    public bool CountsUnenriched { get; set; }

    /// <summary>Records were left out since the last commit: once nothing of the file is in flight, its read position is committed as it is.</summary>
    public bool DroppedSinceCommit { get; set; }
    public string Tenant { get; set; }
    public int Shard { get; }
    public ContainerLogDecoder Decoder { get; }

    /// <summary>Joins stack traces and other multi-line records of this file, when a <c>multiline</c> filter matches it.</summary>
    public MultilineJoiner? Joiner { get; set; }

    /// <summary>Where the decoder sends records: the joiner when there is one, else the collector.</summary>
    public ILogRecordSink Sink { get; set; } = null!;

    /// <summary>Offset of the first line of any record still being joined (CRI/docker pieces or multiline); long.MaxValue when none.</summary>
    public long PendingStartOffset => Math.Min(Decoder.PendingStartOffset, Joiner?.PendingStartOffset ?? long.MaxValue);

    /// <summary>Emits joined records whose wait is over.</summary>
    public void FlushExpired()
    {
        Decoder.FlushExpired(Sink);
        Joiner?.FlushExpired();
    }

    /// <summary>Emits everything half-joined (the file will not grow again).</summary>
    public void FlushAll()
    {
        Decoder.FlushAll(Sink);
        Joiner?.FlushAll();
    }

    /// <summary>Batches holding records of this file, in send order, each with the offset it is safe to resume from once it and all before it are acknowledged.</summary>
    public Queue<(InFlightBatch Batch, string FileKey, long ResumeOffset)> Unacknowledged { get; } = new();

    /// <summary>The open batch this file wrote to since that batch was last closed.</summary>
    public bool InOpenBatch { get; set; }
}
