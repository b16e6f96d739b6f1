using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Collection.Multiline;
using Pipeline.Grains.Collection.Tailing;

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
        Source = source;
        Tenant = tenant;
        Shard = shard;
        Decoder = decoder;
    }

    public TailedFile Tailed { get; }
    public LogSource Source { get; set; }
    public string Tenant { get; }
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
