using Pipeline.Contracts.Logs;
using Pipeline.Grains.Collection.Decoding;
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

    /// <summary>Batches holding records of this file, in send order, each with the offset it is safe to resume from once it and all before it are acknowledged.</summary>
    public Queue<(InFlightBatch Batch, string FileKey, long ResumeOffset)> Unacknowledged { get; } = new();

    /// <summary>The open batch this file wrote to since that batch was last closed.</summary>
    public bool InOpenBatch { get; set; }
}
