using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Processing;

/// <summary>
/// One log record as the aggregator's filters and outputs see it: the fluent-bit document
/// (<c>@timestamp</c>, <c>log</c>, <c>stream</c>, <c>kubernetes{…}</c>, any other members) with
/// the record's deterministic id. The message stays the UTF-8 bytes of the batch until a filter
/// reads or replaces it, so records that pass untouched cost no string. An event points into its
/// batch's pooled payload: it must not be kept after the delivery that made it has answered
/// (outputs copy what they keep, such as dead letters).
/// </summary>
public sealed class LogEvent
{
    /// <summary>The <c>kubernetes.*</c> members kept as properties rather than in <see cref="Fields"/>.</summary>
    public static readonly IReadOnlyList<string> KubernetesProperties =
        ["pod_name", "namespace_name", "pod_id", "host", "container_name", "docker_id"];

    private ReadOnlyMemory<byte> _messageUtf8;
    private string? _log;
    private bool _logDecoded;
    private string? _id;
    private string? _tag;
    private JsonObject? _fields;
    private bool _sourceMetadataPending;

    public LogEvent(string tenant, LogSource source, long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, ReadOnlyMemory<byte> messageUtf8)
    {
        Tenant = tenant;
        Source = source;
        Offset = offset;
        TimeUnixNanos = timeUnixNanos;
        Stream = stream;
        Flags = flags;
        _messageUtf8 = messageUtf8;
        Namespace = source.Namespace;
        PodName = source.PodName;
        PodId = source.PodId;
        ContainerName = source.ContainerName;
        ContainerId = source.ContainerId;
        Host = source.Host;
        _sourceMetadataPending = HasPodMetadata(source);
    }

    /// <summary>A record made of a message string (tests, replays of dead letters).</summary>
    public LogEvent(string tenant, LogSource source, long offset, long timeUnixNanos, LogStream stream, LogRecordFlags flags, string log)
        : this(tenant, source, offset, timeUnixNanos, stream, flags, ReadOnlyMemory<byte>.Empty)
    {
        _log = log;
        _logDecoded = true;
    }

    public string Tenant { get; }

    /// <summary>The file the record was read from, with the metadata its path gave.</summary>
    public LogSource Source { get; }

    /// <summary>Byte offset of the record's first line in its file.</summary>
    public long Offset { get; }

    /// <summary>The deterministic id (file identity and offset) stores deduplicate on.</summary>
    public string Id
    {
        get => _id ??= RecordId.Format(Source.FileKey, Offset);
        init => _id = value;
    }

    public long TimeUnixNanos { get; set; }
    public LogStream Stream { get; set; }
    public LogRecordFlags Flags { get; set; }

    /// <summary>The message (<c>log</c>); null once a filter removed it.</summary>
    public string? Log
    {
        get
        {
            if (!_logDecoded)
            {
                _log = Encoding.UTF8.GetString(_messageUtf8.Span);
                _logDecoded = true;
            }

            return _log;
        }
        set
        {
            _log = value;
            _logDecoded = true;
            _messageUtf8 = ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>The message as read, when no filter replaced it: writers copy these bytes instead of encoding a string.</summary>
    public bool TryGetOriginalLogUtf8(out ReadOnlySpan<byte> utf8)
    {
        if (_logDecoded)
        {
            utf8 = default;
            return false;
        }

        utf8 = _messageUtf8.Span;
        return true;
    }

    public string? Namespace { get; set; }
    public string? PodName { get; set; }
    public string? PodId { get; set; }
    public string? ContainerName { get; set; }
    public string? ContainerId { get; set; }
    public string? Host { get; set; }

    /// <summary>
    /// Every other member of the document, in order; <c>kubernetes</c> here holds members beyond
    /// the properties above (labels, annotations, image…). Null until a filter adds one. The pod
    /// metadata of the <see cref="Source"/> (labels, annotations, container_image, container_hash)
    /// joins <c>kubernetes</c> here on first read, so records no filter looks at never copy it:
    /// writers take it from the source (<see cref="SourceMetadataPending"/>).
    /// </summary>
    public JsonObject? Fields
    {
        get
        {
            if (_sourceMetadataPending)
            {
                _sourceMetadataPending = false;
                _fields = LogEventDocument.SourceMetadataObject(Source);
            }

            return _fields;
        }
        set
        {
            _sourceMetadataPending = false;
            _fields = value;
        }
    }

    /// <summary>
    /// True while the source's pod metadata has not been copied into <see cref="Fields"/>, which are
    /// then still empty: writers write the metadata from <see cref="Source"/> and skip the fields.
    /// </summary>
    internal bool SourceMetadataPending => _sourceMetadataPending;

    /// <summary>The source's pod metadata already encoded (set by <see cref="LogEventBatch"/>, shared by the batch's records of that source).</summary>
    internal SourceMetadataJson? SourceMetadata { get; init; }

    /// <summary>Whether a source carries metadata beyond the <c>kubernetes</c> properties.</summary>
    public static bool HasPodMetadata(LogSource source) =>
        source.Labels is not null || source.Annotations is not null || source.ContainerImage is not null || source.ContainerHash is not null;

    /// <summary>fluent-bit's tag for a tailed file: <c>kube.</c> and the path with '/' as '.', e.g. <c>kube.var.log.containers.app.log</c>.</summary>
    public string Tag => _tag ??= "kube" + Source.Path.Replace('/', '.');

    /// <summary>The <c>fields</c> object, created on first write.</summary>
    public JsonObject EnsureFields() => Fields ??= [];

    public string? GetKubernetesProperty(string name) => name switch
    {
        "pod_name" => PodName,
        "namespace_name" => Namespace,
        "pod_id" => PodId,
        "host" => Host,
        "container_name" => ContainerName,
        "docker_id" => ContainerId,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a kubernetes property"),
    };

    public void SetKubernetesProperty(string name, string? value)
    {
        switch (name)
        {
            case "pod_name": PodName = value; break;
            case "namespace_name": Namespace = value; break;
            case "pod_id": PodId = value; break;
            case "host": Host = value; break;
            case "container_name": ContainerName = value; break;
            case "docker_id": ContainerId = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "not a kubernetes property");
        }
    }

    public static bool IsKubernetesProperty(string name) => name is "pod_name" or "namespace_name" or "pod_id" or "host" or "container_name" or "docker_id";
}
