namespace Pipeline.Grains.RemoteWrite;

/// <summary>Protocol values of remote write 1.0 and the names of the queue's instruments.</summary>
public static class RemoteWriteConstants
{
    public const string ContentType = "application/x-protobuf";
    public const string ContentEncoding = "snappy";
    public const string VersionHeader = "X-Prometheus-Remote-Write-Version";
    public const string Version = "0.1.0";
    public const string UserAgent = "kubernetes-pipeline-remote-write/1.0";

    /// <summary>Why samples were dropped: the <c>reason</c> tag of <see cref="SamplesDroppedInstrument"/>.</summary>
    public const string DropQueueFull = "queue_full";
    public const string DropRejected = "rejected";
    public const string DropTooOld = "too_old";
    public const string DropShutdown = "shutdown";
    public const string DropRelabeled = "write_relabel";

    public const string SamplesSentInstrument = "pipeline_remote_write_samples_sent";
    public const string SamplesDroppedInstrument = "pipeline_remote_write_samples_dropped";
    public const string SamplesRetriedInstrument = "pipeline_remote_write_samples_retried";
    public const string RequestsInstrument = "pipeline_remote_write_requests";
    public const string BytesSentInstrument = "pipeline_remote_write_bytes_sent";
    public const string PendingSamplesInstrument = "pipeline_remote_write_pending_samples";
    public const string ShardsInstrument = "pipeline_remote_write_shards";
}
