using System.Buffers;
using System.Text.Json;
using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Processing;

/// <summary>
/// A source's pod metadata encoded once (labels and annotations as UTF-8 JSON objects, image and
/// digest as encoded text), so writers copy bytes per record instead of escaping every label of every
/// record again. Built per source when a batch is read; never changes.
/// </summary>
internal sealed class SourceMetadataJson
{
    private SourceMetadataJson(LogSource source)
    {
        Source = source;
        Labels = Encode(source.Labels);
        Annotations = Encode(source.Annotations);
        ContainerHash = source.ContainerHash is { } hash ? JsonEncodedText.Encode(hash) : null;
        ContainerImage = source.ContainerImage is { } image ? JsonEncodedText.Encode(image) : null;
    }

    public LogSource Source { get; }
    public byte[]? Labels { get; }
    public byte[]? Annotations { get; }
    public JsonEncodedText? ContainerHash { get; }
    public JsonEncodedText? ContainerImage { get; }

    /// <summary>The record fields these make, as the embedded store keeps them: <c>{"kubernetes": {…}}</c>.</summary>
    public string FieldsJson => _fieldsJson ??= LogEventDocument.SourceMetadataJson(Source);

    private string? _fieldsJson;

    /// <summary>The encoding of <paramref name="source"/>, or null when it carries no pod metadata.</summary>
    public static SourceMetadataJson? For(LogSource source) => LogEvent.HasPodMetadata(source) ? new SourceMetadataJson(source) : null;

    private static byte[]? Encode(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
