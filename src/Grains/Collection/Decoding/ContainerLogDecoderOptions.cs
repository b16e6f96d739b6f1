namespace Pipeline.Grains.Collection.Decoding;

/// <summary>Limits of <see cref="ContainerLogDecoder"/>, checked by <see cref="ContainerLogDecoderOptionsValidator"/>.</summary>
public sealed class ContainerLogDecoderOptions
{
    /// <summary>Default <see cref="MaxRecordBytes"/>: 256 KiB, sixteen docker or containerd pieces.</summary>
    public const int DefaultMaxRecordBytes = 256 * 1024;

    /// <summary>Default <see cref="PartialFlushTimeout"/> in seconds.</summary>
    public const int DefaultPartialFlushTimeoutSeconds = 5;

    /// <summary>
    /// Cap on one record's message. A longer record keeps its first bytes (never half a UTF-8
    /// character) and is flagged <c>Truncated</c>; the rest of its pieces are read and dropped.
    /// </summary>
    public int MaxRecordBytes { get; set; } = DefaultMaxRecordBytes;

    /// <summary>
    /// How long a partial record waits, from its first piece, for its final piece before
    /// <see cref="ContainerLogDecoder.FlushExpired"/> emits it flagged <c>Incomplete</c>.
    /// </summary>
    public TimeSpan PartialFlushTimeout { get; set; } = TimeSpan.FromSeconds(DefaultPartialFlushTimeoutSeconds);
}
