using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// The NDJSON of a bulk request, in one pooled buffer: per record an action line
/// <c>{"create":{"_index":…,"_id":…}}</c> and the fluent-bit document with a top-level
/// <c>tenant</c> member. The offsets of each record are kept, so a run of records is sent as one
/// slice of the buffer (no copy) and records answered 429/5xx are copied out for a retry without
/// being serialized again.
/// </summary>
internal sealed class ElasticsearchBulkBody : IDisposable
{
    /// <summary>Name of the member that restricts searches to a tenant.</summary>
    public const string TenantMember = "tenant";

    /// <summary>Where a record's own <c>tenant</c> member goes, so the pipeline's tenant cannot be overridden by a log field.</summary>
    public const string DisplacedTenantMember = "tenant_original";

    private static readonly JsonEncodedText CreateAction = JsonEncodedText.Encode("create");
    private static readonly JsonEncodedText IndexMember = JsonEncodedText.Encode("_index");
    private static readonly JsonEncodedText IdMember = JsonEncodedText.Encode("_id");

    // Log lines are not HTML: escape only what JSON requires, and keep non-ASCII text as UTF-8.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly PooledByteBuffer _buffer;
    private readonly Utf8JsonWriter _writer;
    private readonly bool _replaceDots;
    private ArrayBufferWriter<byte>? _scratch;
    private int[] _starts;
    private int[] _documentStarts;
    private int _count;

    /// <param name="records">Records expected (the offset arrays grow past it).</param>
    /// <param name="capacityBytes">Bytes of NDJSON expected (the buffer grows past it).</param>
    /// <param name="replaceDots">Write member names with <c>_</c> for every <c>.</c>, as fluent-bit's <c>Replace_Dots</c>.</param>
    public ElasticsearchBulkBody(int records, int capacityBytes, bool replaceDots = false)
    {
        _replaceDots = replaceDots;
        _buffer = new PooledByteBuffer(capacityBytes);
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        _starts = ArrayPool<int>.Shared.Rent(records + 1);
        _documentStarts = ArrayPool<int>.Shared.Rent(Math.Max(records, 1));
        _starts[0] = 0;
    }

    public int Count => _count;

    public int Length => _buffer.Length;

    /// <summary>Bytes of record <paramref name="i"/> (action line and document, with both newlines).</summary>
    public int RecordBytes(int i) => _starts[i + 1] - _starts[i];

    /// <summary>The NDJSON of records <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public ReadOnlyMemory<byte> Records(int from, int to) => _buffer.WrittenMemory[_starts[from].._starts[to]];

    /// <summary>The document of record <paramref name="i"/> as sent, without its newline.</summary>
    public ReadOnlySpan<byte> Document(int i) => _buffer.WrittenSpan[_documentStarts[i]..(_starts[i + 1] - 1)];

    /// <summary>Appends a record: its action line for <paramref name="index"/> and its document carrying <paramref name="tenantMember"/>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="index">The JSON-encoded index name.</param>
    /// <param name="tenantMember">The bytes <c>,"tenant":"…"}</c> that close the document.</param>
    public void Append(LogEvent record, JsonEncodedText index, ReadOnlySpan<byte> tenantMember)
    {
        EnsureRoom();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteStartObject(CreateAction);
        _writer.WriteString(IndexMember, index);
        _writer.WriteString(IdMember, record.Id);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        _buffer.WriteByte((byte)'\n');

        _documentStarts[_count] = _buffer.Length;
        if (_replaceDots)
        {
            // Rare (an option): the document is written once more with its names changed.
            _scratch ??= new ArrayBufferWriter<byte>();
            _scratch.ResetWrittenCount();
            _writer.Reset(_scratch);
            WriteDocument(record);
            _writer.Flush();
            _writer.Reset(_buffer);
            CopyReplacingDots(_scratch.WrittenSpan, _writer);
        }
        else
        {
            _writer.Reset(_buffer);
            WriteDocument(record);
        }

        _writer.Flush();

        // The document always has members (@timestamp at least): replace its '}' with ',"tenant":"…"}'.
        _buffer.Truncate(_buffer.Length - 1);
        _buffer.Write(tenantMember);
        _buffer.WriteByte((byte)'\n');
        _starts[++_count] = _buffer.Length;
    }

    /// <summary>Appends record <paramref name="i"/> of <paramref name="other"/> as it was written there.</summary>
    public void AppendCopy(ElasticsearchBulkBody other, int i)
    {
        EnsureRoom();
        var start = _buffer.Length;
        _buffer.Write(other._buffer.WrittenSpan[other._starts[i]..other._starts[i + 1]]);
        _documentStarts[_count] = start + (other._documentStarts[i] - other._starts[i]);
        _starts[++_count] = _buffer.Length;
    }

    public void Clear()
    {
        _buffer.Clear();
        _count = 0;
    }

    /// <summary>The bytes <c>,"tenant":"…"}</c> that close a document of <paramref name="tenant"/>.</summary>
    public static byte[] TenantMemberBytes(string tenant)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(TenantMember, tenant);
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        bytes[0] = (byte)',';
        return bytes;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
        if (_starts.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_starts);
            ArrayPool<int>.Shared.Return(_documentStarts);
            _starts = [];
            _documentStarts = [];
        }
    }

    private void EnsureRoom()
    {
        if (_count + 1 < _starts.Length && _count < _documentStarts.Length)
        {
            return;
        }

        var starts = ArrayPool<int>.Shared.Rent(_starts.Length * 2);
        var documentStarts = ArrayPool<int>.Shared.Rent(_documentStarts.Length * 2);
        _starts.AsSpan(0, _count + 1).CopyTo(starts);
        _documentStarts.AsSpan(0, _count).CopyTo(documentStarts);
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<int>.Shared.Return(_documentStarts);
        _starts = starts;
        _documentStarts = documentStarts;
    }

    /// <summary>
    /// Copies a JSON document, writing each member name with <c>_</c> for every <c>.</c>, so
    /// Elasticsearch never expands a name into objects (fluent-bit's <c>Replace_Dots</c>).
    /// </summary>
    public static void CopyReplacingDots(ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        var reader = new Utf8JsonReader(json);
        Span<byte> name = stackalloc byte[256];
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName when !reader.ValueIsEscaped && reader.ValueSpan.Length <= name.Length:
                    // The common case, without a string: the UTF-8 name with its dots replaced.
                    var utf8 = name[..reader.ValueSpan.Length];
                    reader.ValueSpan.CopyTo(utf8);
                    utf8.Replace((byte)'.', (byte)'_');
                    writer.WritePropertyName(utf8);
                    break;
                case JsonTokenType.PropertyName:
                    writer.WritePropertyName(reader.GetString()!.Replace('.', '_'));
                    break;
                case JsonTokenType.String:
                    // As written, escapes and quotes included: the value needs no change.
                    writer.WriteRawValue(json.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2), skipInputValidation: true);
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private void WriteDocument(LogEvent record)
    {
        if (!record.SourceMetadataPending && record.Fields is { } fields && fields.ContainsKey(TenantMember))
        {
            WriteDisplacingTenant(record);
        }
        else
        {
            LogEventDocument.Write(_writer, record, includeId: false);
        }
    }

    // Rare: a filter gave the record a member named "tenant". It is kept as "tenant_original" so
    // the document's tenant is always the pipeline's own (searches are restricted by it).
    private void WriteDisplacingTenant(LogEvent record)
    {
        var scratch = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(scratch, WriterOptions))
        {
            LogEventDocument.Write(writer, record, includeId: false);
        }

        using var document = JsonDocument.Parse(scratch.WrittenMemory);
        _writer.WriteStartObject();
        foreach (var member in document.RootElement.EnumerateObject())
        {
            if (member.NameEquals(TenantMember))
            {
                _writer.WritePropertyName(DisplacedTenantMember);
                member.Value.WriteTo(_writer);
            }
            else
            {
                member.WriteTo(_writer);
            }
        }

        _writer.WriteEndObject();
    }
}
