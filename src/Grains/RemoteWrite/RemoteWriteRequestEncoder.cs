using System.Buffers;
using System.Text;
using Google.Protobuf;
using Snappier;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Turns a batch of samples into a remote write 1.0 request body: a <c>prometheus.WriteRequest</c>
/// written field by field with <see cref="CodedOutputStream"/> (no message object per series or
/// sample) and then snappy block-compressed. One encoder belongs to one shard; its buffers are
/// rented once and grow to the largest request, so steady sending allocates nothing per sample.
/// </summary>
/// <remarks>
/// Consecutive samples sharing the same <see cref="RemoteWriteSample.Labels"/> array travel as
/// one <c>TimeSeries</c> with several samples; any other sample starts a new one. Fields holding
/// their proto3 default (empty string, value 0, timestamp 0) are left out, as protoc's code does,
/// so a decoder sees exactly what was queued. The output bytes equal those of the generated
/// <c>WriteRequest</c> messages (a test pins it).
/// </remarks>
internal sealed class RemoteWriteRequestEncoder : IDisposable
{
    // Tags: field number << 3 | wire type (2 = length-delimited, 1 = 64-bit, 0 = varint).
    private const byte TimeSeriesTag = (1 << 3) | 2; // WriteRequest.timeseries = 1
    private const byte LabelTag = (1 << 3) | 2;      // TimeSeries.labels = 1
    private const byte SampleTag = (2 << 3) | 2;     // TimeSeries.samples = 2
    private const byte NameTag = (1 << 3) | 2;       // Label.name = 1
    private const byte ValueTag = (2 << 3) | 2;      // Label.value = 2
    private const byte SampleValueTag = (1 << 3) | 1; // Sample.value = 1 (double)
    private const byte TimestampTag = 2 << 3;        // Sample.timestamp = 2 (int64)

    private byte[] _protobuf;
    private byte[] _compressed;
    private int[] _seriesSizes;
    private int _protobufLength;

    public RemoteWriteRequestEncoder(int initialBytes = 64 * 1024)
    {
        _protobuf = ArrayPool<byte>.Shared.Rent(initialBytes);
        _compressed = ArrayPool<byte>.Shared.Rent(Snappy.GetMaxCompressedLength(initialBytes));
        _seriesSizes = ArrayPool<int>.Shared.Rent(256);
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
        // First pass: the size of every time series, since each is written after its length.
        var series = 0;
        long total = 0;
        for (var i = 0; i < samples.Length;)
        {
            var end = SeriesEnd(samples, i);
            var size = SeriesSize(samples[i..end]);
            if (series == _seriesSizes.Length)
            {
                var larger = ArrayPool<int>.Shared.Rent(series * 2);
                _seriesSizes.AsSpan().CopyTo(larger);
                ArrayPool<int>.Shared.Return(_seriesSizes);
                _seriesSizes = larger;
            }

            _seriesSizes[series++] = size;
            total += 1 + CodedOutputStream.ComputeLengthSize(size) + size;
            i = end;
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"a remote write request of {samples.Length} samples would exceed {Array.MaxLength} bytes; lower queue_config.max_samples_per_send");
        }

        if (_protobuf.Length < total)
        {
            ArrayPool<byte>.Shared.Return(_protobuf);
            _protobuf = ArrayPool<byte>.Shared.Rent((int)total);
        }

        // Second pass: the bytes.
        var output = new CodedOutputStream(_protobuf);
        series = 0;
        for (var i = 0; i < samples.Length;)
        {
            var end = SeriesEnd(samples, i);
            output.WriteRawTag(TimeSeriesTag);
            output.WriteLength(_seriesSizes[series++]);
            WriteSeries(output, samples[i..end]);
            i = end;
        }

        output.Flush();
        _protobufLength = (int)output.Position;
        return _protobuf.AsMemory(0, _protobufLength);
    }

    private static int SeriesEnd(ReadOnlySpan<RemoteWriteSample> samples, int start)
    {
        var labels = samples[start].Labels;
        var end = start + 1;
        while (end < samples.Length && ReferenceEquals(samples[end].Labels, labels))
        {
            end++;
        }

        return end;
    }

    private static int SeriesSize(ReadOnlySpan<RemoteWriteSample> series)
    {
        var size = 0;
        foreach (var label in series[0].Labels)
        {
            var labelSize = LabelSize(label);
            size += 1 + CodedOutputStream.ComputeLengthSize(labelSize) + labelSize;
        }

        foreach (var sample in series)
        {
            var sampleSize = SampleSize(sample);
            size += 1 + CodedOutputStream.ComputeLengthSize(sampleSize) + sampleSize;
        }

        return size;
    }

    private static int LabelSize(RemoteWriteLabel label) => StringFieldSize(label.Name) + StringFieldSize(label.Value);

    private static int StringFieldSize(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        return 1 + CodedOutputStream.ComputeLengthSize(bytes) + bytes;
    }

    private static int SampleSize(in RemoteWriteSample sample) =>
        (HasValue(sample.Value) ? 1 + 8 : 0) + (sample.TimestampMs != 0 ? 1 + CodedOutputStream.ComputeInt64Size(sample.TimestampMs) : 0);

    // Only +0.0 is the default: -0.0 and NaNs (Prometheus's staleness marker among them) are sent.
    private static bool HasValue(double value) => BitConverter.DoubleToInt64Bits(value) != 0;

    private static void WriteSeries(CodedOutputStream output, ReadOnlySpan<RemoteWriteSample> series)
    {
        foreach (var label in series[0].Labels)
        {
            output.WriteRawTag(LabelTag);
            output.WriteLength(LabelSize(label));
            if (label.Name.Length > 0)
            {
                output.WriteRawTag(NameTag);
                output.WriteString(label.Name);
            }

            if (label.Value.Length > 0)
            {
                output.WriteRawTag(ValueTag);
                output.WriteString(label.Value);
            }
        }

        foreach (var sample in series)
        {
            output.WriteRawTag(SampleTag);
            output.WriteLength(SampleSize(sample));
            if (HasValue(sample.Value))
            {
                output.WriteRawTag(SampleValueTag);
                output.WriteDouble(sample.Value);
            }

            if (sample.TimestampMs != 0)
            {
                output.WriteRawTag(TimestampTag);
                output.WriteInt64(sample.TimestampMs);
            }
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_protobuf);
        ArrayPool<byte>.Shared.Return(_compressed);
        ArrayPool<int>.Shared.Return(_seriesSizes);
        _protobuf = [];
        _compressed = [];
        _seriesSizes = [];
    }
}
