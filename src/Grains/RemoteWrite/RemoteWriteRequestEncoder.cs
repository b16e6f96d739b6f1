using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Snappier;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Turns a batch of samples into a remote write 1.0 request body: a <c>prometheus.WriteRequest</c>
/// written field by field straight into a pooled buffer (no message object per series or sample;
/// sizes from <see cref="CodedOutputStream"/>'s helpers; each series' label fields copied as encoded
/// once by <see cref="RemoteWriteSeries"/>) and then snappy block-compressed. One encoder belongs to one shard; its buffers are
/// rented once and grow to the largest request, so steady sending allocates nothing per sample.
/// </summary>
/// <remarks>
/// Consecutive samples sharing the same <see cref="RemoteWriteSample.Series"/> object travel as
/// one <c>TimeSeries</c> with several samples; any other sample starts a new one. Fields holding
/// their proto3 default (empty string, value 0, timestamp 0) are left out, as protoc's code does,
/// so a decoder sees exactly what was queued. The output bytes equal those of the generated
/// <c>WriteRequest</c> messages (a test pins it).
/// </remarks>
internal sealed class RemoteWriteRequestEncoder : IDisposable
{
    // Tags: field number << 3 | wire type (2 = length-delimited, 1 = 64-bit, 0 = varint).
    private const byte TimeSeriesTag = (1 << 3) | 2; // WriteRequest.timeseries = 1
    private const byte SampleTag = (2 << 3) | 2;     // TimeSeries.samples = 2
    private const byte SampleValueTag = (1 << 3) | 1; // Sample.value = 1 (double)
    private const byte TimestampTag = 2 << 3;        // Sample.timestamp = 2 (int64)

    private byte[] _protobuf;
    private byte[] _compressed;
    private int _protobufLength;

    public RemoteWriteRequestEncoder(int initialBytes = 64 * 1024)
    {
        _protobuf = ArrayPool<byte>.Shared.Rent(initialBytes);
        _compressed = ArrayPool<byte>.Shared.Rent(Snappy.GetMaxCompressedLength(initialBytes));
    }

    /// <summary>Size of the last request before compression.</summary>
    public int ProtobufLength => _protobufLength;

    /// <summary>The snappy-compressed <c>WriteRequest</c> for <paramref name="samples"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<RemoteWriteSample> samples)
    {
        var protobuf = EncodeProtobuf(samples).Span;
        var bound = Snappy.GetMaxCompressedLength(protobuf.Length);
        if (_compressed.Length < bound)
        {
            ArrayPool<byte>.Shared.Return(_compressed);
            _compressed = ArrayPool<byte>.Shared.Rent(bound);
        }

        var length = Snappy.Compress(protobuf, _compressed);
        return _compressed.AsMemory(0, length);
    }

    /// <summary>The uncompressed <c>WriteRequest</c> for <paramref name="samples"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeProtobuf(ReadOnlySpan<RemoteWriteSample> samples)
    {
        // One pass: each series' size is known from its encoded labels and its samples before it is
        // written, so every series (its label bytes above all) is read once, while it is in cache.
        var position = 0;
        for (var i = 0; i < samples.Length;)
        {
            var end = SeriesEnd(samples, i);
            var labels = samples[i].Series.EncodedLabels;
            long size = labels.Length;
            for (var j = i; j < end; j++)
            {
                var sampleSize = SampleSize(samples[j]);
                size += 1 + CodedOutputStream.ComputeLengthSize(sampleSize) + sampleSize;
            }

            var needed = position + 1 + CodedOutputStream.ComputeLengthSize((int)Math.Min(size, int.MaxValue)) + size;
            if (needed > Array.MaxLength)
            {
                throw new InvalidOperationException($"a remote write request of {samples.Length} samples would exceed {Array.MaxLength} bytes; lower queue_config.max_samples_per_send");
            }

            EnsureCapacity(position, (int)needed);
            var buffer = _protobuf.AsSpan();
            buffer[position++] = TimeSeriesTag;
            position += WriteVarint(buffer[position..], (uint)size);
            labels.CopyTo(buffer[position..]);
            position += labels.Length;

            for (var j = i; j < end; j++)
            {
                var sample = samples[j];
                buffer[position++] = SampleTag;
                position += WriteVarint(buffer[position..], (uint)SampleSize(sample));
                if (HasValue(sample.Value))
                {
                    buffer[position++] = SampleValueTag;
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer[position..], sample.Value);
                    position += 8;
                }

                if (sample.TimestampMs != 0)
                {
                    buffer[position++] = TimestampTag;
                    position += WriteVarint(buffer[position..], (ulong)sample.TimestampMs); // int64: negative times take 10 bytes, as in protobuf
                }
            }

            i = end;
        }

        _protobufLength = position;
        return _protobuf.AsMemory(0, position);
    }

    private static int SeriesEnd(ReadOnlySpan<RemoteWriteSample> samples, int start)
    {
        var series = samples[start].Series;
        var end = start + 1;
        while (end < samples.Length && samples[end].Series == series)
        {
            end++;
        }

        return end;
    }

    /// <summary>Makes the buffer hold at least <paramref name="needed"/> bytes, keeping the first <paramref name="used"/>.</summary>
    private void EnsureCapacity(int used, int needed)
    {
        if (_protobuf.Length >= needed)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _protobuf.Length)));
        _protobuf.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_protobuf);
        _protobuf = larger;
    }

    private static int SampleSize(in RemoteWriteSample sample) =>
        (HasValue(sample.Value) ? 1 + 8 : 0) + (sample.TimestampMs != 0 ? 1 + CodedOutputStream.ComputeInt64Size(sample.TimestampMs) : 0);

    // Only +0.0 is the default: -0.0 and NaNs (Prometheus's staleness marker among them) are sent.
    private static bool HasValue(double value) => BitConverter.DoubleToInt64Bits(value) != 0;

    private static int WriteVarint(Span<byte> buffer, ulong value)
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

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_protobuf);
        ArrayPool<byte>.Shared.Return(_compressed);
        _protobuf = [];
        _compressed = [];
    }
}
