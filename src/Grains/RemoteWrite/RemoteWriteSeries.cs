using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One series' labels, held the way remote write sends them: the protobuf bytes of a
/// <c>TimeSeries</c>'s repeated <c>labels</c> fields (UTF-8, names sorted), with a 64-bit hash of
/// those bytes. Made once per series by its producer and handed with every sample, so sending a
/// sample copies one contiguous run of bytes instead of reading and transcoding a dozen strings.
/// </summary>
/// <remarks>
/// <para>
/// A handle on one array (hash, label count, then the label fields): copying it copies a reference,
/// and reading the hash or the labels touches one object, not two. Two handles are equal when they
/// are the same series object (the same array), which is what caches keyed per series need; equal
/// labels in separately made series are not equal handles (compare <see cref="Hash"/> and
/// <see cref="EncodedLabels"/> for that).
/// </para>
/// <para>
/// This is the only copy of the labels a producer keeps: UTF-8 bytes in one array cost about a
/// third of the strings and label array they replace, and are one object for the garbage collector
/// to trace instead of a dozen. Reading the labels back (<see cref="DecodeLabels"/>) allocates; the
/// sinks that need them (write relabeling, the metric store) do it once per series and key what
/// they make on this object's reference.
/// </para>
/// <para>
/// Equal labels always encode to equal bytes, so <see cref="Hash"/> is the same for a series in
/// every array and process (it chooses the series' remote write shard).
/// </para>
/// </remarks>
public readonly struct RemoteWriteSeries : IEquatable<RemoteWriteSeries>
{
    // The array: the hash (8 bytes, little-endian), the label count (4 bytes), the label fields.
    private const int HashOffset = 0;
    private const int CountOffset = 8;
    private const int HeaderBytes = 12;

    // Tags: field number << 3 | wire type 2 (length-delimited).
    private const byte LabelTag = (1 << 3) | 2; // TimeSeries.labels = 1
    private const byte NameTag = (1 << 3) | 2;  // Label.name = 1
    private const byte ValueTag = (2 << 3) | 2; // Label.value = 2

    private readonly byte[]? _bytes;

    private RemoteWriteSeries(byte[] bytes) => _bytes = bytes;

    /// <summary>No series (a dropped one, or a sample not made by <see cref="From"/>).</summary>
    public bool IsDefault => _bytes is null;

    /// <summary>XxHash64 (seed 0) of <see cref="EncodedLabels"/>: equal labels, equal hash.</summary>
    public ulong Hash => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(HashOffset));

    /// <summary>Number of labels.</summary>
    public int Count => BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(CountOffset));

    /// <summary>The repeated <c>labels = 1</c> fields of a <c>TimeSeries</c>, ready to copy into a request.</summary>
    public ReadOnlySpan<byte> EncodedLabels => Bytes.AsSpan(HeaderBytes);

    /// <summary>Bytes the series holds, for memory accounting.</summary>
    public int EncodedLength => Bytes.Length - HeaderBytes;

    /// <summary>The object that identifies this series (its array): for tables keyed weakly per series, such as the metric store's.</summary>
    internal object? Identity => _bytes;

    private byte[] Bytes => _bytes ?? throw new InvalidOperationException("a default RemoteWriteSeries has no labels");

    public static bool operator ==(RemoteWriteSeries left, RemoteWriteSeries right) => left.Equals(right);

    public static bool operator !=(RemoteWriteSeries left, RemoteWriteSeries right) => !left.Equals(right);

    /// <summary>
    /// Encodes labels sorted by name (ordinal), names unique, <c>__name__</c> included. A label with an
    /// empty value is kept as remote write would send it (a name field and no value field).
    /// </summary>
    public static RemoteWriteSeries From(ReadOnlySpan<RemoteWriteLabel> labels)
    {
        var size = 0;
        foreach (var label in labels)
        {
            var body = LabelBodySize(label);
            size += 1 + VarintSize((uint)body) + body;
        }

        var encoded = new byte[HeaderBytes + size];
        var position = HeaderBytes;
        foreach (var label in labels)
        {
            encoded[position++] = LabelTag;
            position += WriteVarint(encoded.AsSpan(position), (uint)LabelBodySize(label));
            position += WriteString(encoded.AsSpan(position), NameTag, label.Name);
            position += WriteString(encoded.AsSpan(position), ValueTag, label.Value);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(encoded.AsSpan(HashOffset), XxHash64.HashToUInt64(encoded.AsSpan(HeaderBytes)));
        BinaryPrimitives.WriteInt32LittleEndian(encoded.AsSpan(CountOffset), labels.Length);
        return new RemoteWriteSeries(encoded);
    }

    /// <summary>Compares series by their labels (the encoded bytes), not by object: for caches shared by producers.</summary>
    public static IEqualityComparer<RemoteWriteSeries> ContentComparer { get; } = new ByContent();

    /// <summary>Whether both are the same series object (not: whether their labels are equal).</summary>
    public bool Equals(RemoteWriteSeries other) => ReferenceEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => obj is RemoteWriteSeries other && Equals(other);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(_bytes);

    /// <summary>Decodes the labels into a new array (allocates an array and every string: once per series, not per sample).</summary>
    public RemoteWriteLabel[] DecodeLabels()
    {
        var labels = new RemoteWriteLabel[Count];
        var span = Bytes.AsSpan();
        var position = HeaderBytes;
        for (var i = 0; i < labels.Length; i++)
        {
            position++; // LabelTag
            var end = ReadVarint(span, ref position);
            end += position;
            string name = string.Empty, value = string.Empty;
            while (position < end)
            {
                var tag = span[position++];
                var length = ReadVarint(span, ref position);
                var text = Encoding.UTF8.GetString(span.Slice(position, length));
                position += length;
                if (tag == NameTag)
                {
                    name = text;
                }
                else
                {
                    value = text;
                }
            }

            labels[i] = new RemoteWriteLabel(name, value);
        }

        return labels;
    }

    public override string ToString() => IsDefault ? "{}" :
        "{" + string.Join(", ", DecodeLabels().Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    private static int LabelBodySize(RemoteWriteLabel label) => StringFieldSize(label.Name) + StringFieldSize(label.Value);

    private static int StringFieldSize(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        return 1 + VarintSize((uint)bytes) + bytes;
    }

    private static int WriteString(Span<byte> buffer, byte tag, string text)
    {
        if (text.Length == 0)
        {
            return 0; // proto3 leaves a default field out
        }

        buffer[0] = tag;
        var position = 1 + WriteVarint(buffer[1..], (uint)Encoding.UTF8.GetByteCount(text));
        return position + Encoding.UTF8.GetBytes(text, buffer[position..]);
    }

    internal static int VarintSize(uint value) => value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;

    private static int WriteVarint(Span<byte> buffer, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            buffer[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[i++] = (byte)value;
        return i;
    }

    private static int ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        var value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = span[position++];
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return value;
    }

    private sealed class ByContent : IEqualityComparer<RemoteWriteSeries>
    {
        public bool Equals(RemoteWriteSeries x, RemoteWriteSeries y) =>
            x == y || (!x.IsDefault && !y.IsDefault && x.Hash == y.Hash && x.EncodedLabels.SequenceEqual(y.EncodedLabels));

        public int GetHashCode(RemoteWriteSeries series) => series.IsDefault ? 0 : (int)series.Hash;
    }
}
