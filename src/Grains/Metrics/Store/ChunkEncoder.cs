using System.Buffers;
using System.Numerics;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The open (head) chunk of a series: appends samples to a bit stream as they come, and turns it into a
/// closed, exact-size, immutable byte array. Not thread-safe: the series' lock guards it.
/// </summary>
/// <remarks>
/// The value encoding is chosen per chunk from what arrives. The first value picks
/// <see cref="ChunkEncoding.Decimal"/> at the smallest scale that holds it exactly (or
/// <see cref="ChunkEncoding.Xor"/> for arbitrary floats). A later value that needs more fraction digits
/// re-encodes the chunk at the larger scale; one that is no decimal at all (within
/// <see cref="ChunkFormat.MaxScale"/>) re-encodes it as XOR. NaN (stale markers included), ±Inf and -0.0
/// are escaped raw inside a decimal chunk instead, since a series' last sample being a stale marker is
/// common. A re-encoding touches at most one chunk's samples and happens at most a few times per chunk.
/// At close, a decimal chunk whose integer changes share a common factor (byte gauges moving by 4 KiB
/// pages) is re-encoded with that factor as its divisor, which takes about 12 bits off each change.
/// </remarks>
internal sealed class ChunkEncoder
{
    private readonly ChunkBitWriter _writer;
    private readonly bool _allowDecimal;
    private ChunkEncoding _encoding;
    private int _scale;
    private long _divisor = 1;
    private int _count;
    private long _firstTimestamp;
    private long _previousTimestamp;
    private long _previousGap;
    private ChunkLayout _layout;
    private byte[] _timestampWidths = ChunkFormat.HeadTimestampWidths;
    private byte[] _valueWidths = ChunkFormat.HeadDecimalWidths;

    // Bits spent on timestamp codes after the first and on decimal delta-of-delta codes: what a new layout can shrink.
    private long _timestampCodeBits;
    private long _valueCodeBits;

    // Decimal state: the last integer, its last change, whether there is one yet, and the gcd of the changes.
    private bool _hasBase;
    private long _previousInteger;
    private long _previousIntegerDelta;
    private long _largestInteger;
    private ulong _gcd;

    // XOR state: the previous value's bits and the window of the last written meaningful bits.
    private ulong _previousBits;
    private int _leading = -1;
    private int _trailing;

    public ChunkEncoder(int initialBytes = 64, bool allowDecimal = true)
    {
        _writer = new ChunkBitWriter(initialBytes);
        _allowDecimal = allowDecimal;
    }

    public int Count => _count;

    public long MinTimestamp => _firstTimestamp;

    public long MaxTimestamp => _previousTimestamp;

    public ChunkEncoding Encoding => _encoding;

    /// <summary>The decimal scale (fraction digits) of a decimal chunk.</summary>
    public int Scale => _scale;

    /// <summary>Bytes of the encoded samples so far (what the chunk would be if closed without re-encoding).</summary>
    public int ByteLength => _writer.ByteLength;

    /// <summary>The head buffer's size: what the open chunk costs in memory.</summary>
    public int Capacity => _writer.Capacity;

    /// <summary>Encodes a whole chunk at once (tests and benchmarks).</summary>
    public static byte[] Encode(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values, bool allowDecimal = true)
    {
        var encoder = new ChunkEncoder(64, allowDecimal);
        for (var i = 0; i < timestamps.Length; i++)
        {
            encoder.Append(timestamps[i], values[i]);
        }

        return encoder.Close();
    }

    /// <summary>Appends a sample; the caller has checked that the timestamp is after the last one.</summary>
    public void Append(long timestamp, double value)
    {
        if (_count >= ChunkFormat.MaxSamples)
        {
            throw new InvalidOperationException("chunk is full");
        }

        if (_count == 0)
        {
            Start(ChooseEncoding(value, out var scale), scale, 1, ChunkLayout.Head);
        }
        else if (_encoding == ChunkEncoding.Decimal && !ChunkFormat.IsSpecial(value) && !ChunkFormat.TryDecimal(value, _scale, out _))
        {
            var scale = ChunkFormat.FindScale(value, _scale + 1);
            if (scale > 0 && _largestInteger <= ChunkFormat.MaxDecimal / (long)ChunkFormat.PowerOfTen(scale - _scale))
            {
                Reencode(ChunkEncoding.Decimal, scale, 1, _layout);
            }
            else
            {
                Reencode(ChunkEncoding.Xor, 0, 1, _layout);
            }
        }

        AppendCore(timestamp, value);
    }

    /// <summary>
    /// The closed chunk: exact-size bytes, re-encoded first when another layout (timestamp scheme, bucket
    /// widths, a common divisor of the integer changes) saves at least a byte. The encoder is then empty,
    /// its buffer kept for the next chunk.
    /// </summary>
    public byte[] Close()
    {
        if (_count > 2)
        {
            Optimize();
        }

        var bytes = _writer.ToArray();
        Reset();
        return bytes;
    }

    /// <summary>Copies the samples so far into a closed-format array (a query's snapshot of the head).</summary>
    public byte[] Snapshot() => _writer.ToArray();

    /// <summary>Drops every sample (the chunk is empty, its buffer kept).</summary>
    public void Reset()
    {
        _writer.Clear();
        _count = 0;
        _divisor = 1;
    }

    private ChunkEncoding ChooseEncoding(double value, out int scale)
    {
        scale = 0;
        if (!_allowDecimal)
        {
            return ChunkEncoding.Xor;
        }

        if (ChunkFormat.IsSpecial(value))
        {
            return ChunkEncoding.Decimal;
        }

        scale = ChunkFormat.FindScale(value, 0);
        if (scale >= 0)
        {
            return ChunkEncoding.Decimal;
        }

        scale = 0;
        return ChunkEncoding.Xor;
    }

    private void Start(ChunkEncoding encoding, int scale, long divisor, ChunkLayout layout)
    {
        _writer.Clear();
        _encoding = encoding;
        _scale = scale;
        _divisor = divisor;
        _layout = layout;
        _timestampWidths = ChunkFormat.Widths(layout.TimestampWidthBase, ChunkFormat.HeadTimestampWidths);
        _valueWidths = ChunkFormat.Widths(layout.ValueWidthBase, ChunkFormat.HeadDecimalWidths);
        _timestampCodeBits = 0;
        _valueCodeBits = 0;
        _count = 0;
        _previousGap = 0;
        _hasBase = false;
        _previousIntegerDelta = 0;
        _largestInteger = 0;
        _gcd = 0;
        _leading = -1;
        _writer.WriteBits((ulong)encoding, 8);
        _writer.WriteBits((ulong)(scale | (layout.UsesBaseGap ? ChunkFormat.BaseGapFlag : 0) | (layout.ValueDeltas ? ChunkFormat.ValueDeltasFlag : 0)), 8);
        _writer.WriteBits(0, 16);
        _writer.WriteBits((ulong)layout.TimestampWidthBase, 8);
        _writer.WriteBits((ulong)layout.ValueWidthBase, 8);
        if (encoding == ChunkEncoding.Decimal)
        {
            ChunkFormat.WriteVarBits(_writer, (ulong)divisor);
        }

        if (layout.UsesBaseGap)
        {
            ChunkFormat.WriteVarBits(_writer, ChunkFormat.ZigZag(layout.BaseGap));
        }
    }

    private void AppendCore(long timestamp, double value)
    {
        if (_count == 0)
        {
            ChunkFormat.WriteVarBits(_writer, ChunkFormat.ZigZag(timestamp));
            _firstTimestamp = timestamp;
        }
        else
        {
            var gap = unchecked(timestamp - _previousTimestamp);
            var before = _writer.BitPosition;
            ChunkFormat.WriteBucketed(_writer, unchecked(gap - (_layout.UsesBaseGap ? _layout.BaseGap : _previousGap)), _timestampWidths);
            _timestampCodeBits += _writer.BitPosition - before;
            _previousGap = gap;
        }

        _previousTimestamp = timestamp;
        if (_encoding == ChunkEncoding.Xor)
        {
            AppendXor(value);
        }
        else
        {
            AppendDecimal(value);
        }

        _count++;
        _writer.PatchByte(2, (byte)_count);
        _writer.PatchByte(3, (byte)(_count >> 8));
    }

    private void AppendDecimal(double value)
    {
        if (!ChunkFormat.TryDecimal(value, _scale, out var k))
        {
            // Escaped raw; the integer state stays as it was.
            if (_hasBase)
            {
                ChunkFormat.WritePrefix(_writer, ChunkFormat.DecimalEscapePrefix);
            }
            else
            {
                _writer.WriteBit(true);
            }

            _writer.WriteBits((ulong)BitConverter.DoubleToInt64Bits(value), 64);
            return;
        }

        if (!_hasBase)
        {
            _writer.WriteBit(false);
            ChunkFormat.WriteVarBits(_writer, ChunkFormat.ZigZag(k));
            _hasBase = true;
        }
        else
        {
            var delta = k - _previousInteger;
            var deltaOfDelta = delta - _previousIntegerDelta;
            if (deltaOfDelta != 0)
            {
                _gcd = Gcd(_gcd, (ulong)Math.Abs(deltaOfDelta));
            }

            var before = _writer.BitPosition;
            ChunkFormat.WriteBucketed(_writer, (_layout.ValueDeltas ? delta : deltaOfDelta) / _divisor, _valueWidths);
            _valueCodeBits += _writer.BitPosition - before;
            _previousIntegerDelta = delta;
        }

        _previousInteger = k;
        _largestInteger = Math.Max(_largestInteger, Math.Abs(k));
    }

    private void AppendXor(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        if (_count == 0)
        {
            _writer.WriteBits(bits, 64);
            _previousBits = bits;
            return;
        }

        var xor = bits ^ _previousBits;
        _previousBits = bits;
        if (xor == 0)
        {
            _writer.WriteBit(false);
            return;
        }

        var leading = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        var trailing = BitOperations.TrailingZeroCount(xor);
        if (_leading >= 0 && leading >= _leading && trailing >= _trailing)
        {
            // Fits the previous window: '10' then the window's bits.
            _writer.WriteBits(0b10, 2);
            _writer.WriteBits(xor >> _trailing, 64 - _leading - _trailing);
            return;
        }

        var significant = 64 - leading - trailing;
        _writer.WriteBits(0b11, 2);
        _writer.WriteBits((ulong)leading, 5);
        // 64 significant bits are written as 0: a nonzero XOR never has 0.
        _writer.WriteBits((ulong)(significant & 63), 6);
        _writer.WriteBits(xor >> trailing, significant);
        _leading = leading;
        _trailing = trailing;
    }

    // Picks the smallest layout for the samples now in the chunk and re-encodes when it saves a byte.
    private void Optimize()
    {
        var count = _count;
        var timestamps = ArrayPool<long>.Shared.Rent(count);
        var values = ArrayPool<double>.Shared.Rent(count);
        var gaps = ArrayPool<long>.Shared.Rent(count);
        Span<int> histogram = stackalloc int[65];
        try
        {
            ChunkDecoder.Decode(_writer.Buffer.AsSpan(0, _writer.ByteLength), timestamps, values);

            // Timestamps: delta-of-delta against differences from the median gap.
            for (var i = 1; i < count; i++)
            {
                gaps[i - 1] = unchecked(timestamps[i] - timestamps[i - 1]);
                histogram[ChunkFormat.SignedWidth(unchecked(gaps[i - 1] - (i == 1 ? 0 : gaps[i - 2])))]++;
            }

            var (dodBase, dodBits) = ChunkFormat.BestWidths(histogram);
            histogram.Clear();
            var sorted = gaps.AsSpan(0, count - 1);
            var median = Median(sorted, histogram);
            var (gapBase, gapBits) = ChunkFormat.BestWidths(histogram);
            gapBits += 7 + (64 - BitOperations.LeadingZeroCount(ChunkFormat.ZigZag(median)));
            var layout = gapBits < dodBits
                ? new ChunkLayout(true, median, gapBase, 0, false)
                : new ChunkLayout(false, 0, dodBase, 0, false);
            var saved = _timestampCodeBits - Math.Min(gapBits, dodBits);

            // Decimal values: a common divisor of the integer changes (the gcd of the delta-of-deltas is the gcd of
            // the deltas), deltas or delta-of-deltas, and bucket widths.
            long divisor = 1;
            if (_encoding == ChunkEncoding.Decimal)
            {
                divisor = _gcd > 1 ? (long)_gcd : 1;
                histogram.Clear();
                Span<int> deltas = stackalloc int[65];
                var hasBase = false;
                long previous = 0, previousDelta = 0;
                for (var i = 0; i < count; i++)
                {
                    if (!ChunkFormat.TryDecimal(values[i], _scale, out var k))
                    {
                        continue;
                    }

                    if (hasBase)
                    {
                        var delta = k - previous;
                        histogram[ChunkFormat.SignedWidth((delta - previousDelta) / divisor)]++;
                        deltas[ChunkFormat.SignedWidth(delta / divisor)]++;
                        previousDelta = delta;
                    }

                    hasBase = true;
                    previous = k;
                }

                var (valueBase, valueBits) = ChunkFormat.BestWidths(histogram);
                var (deltaBase, deltaBits) = ChunkFormat.BestWidths(deltas);
                var useDeltas = deltaBits < valueBits;
                valueBits = Math.Min(valueBits, deltaBits) + 7 + (64 - BitOperations.LeadingZeroCount((ulong)divisor)) - 8;
                layout = layout with { ValueWidthBase = useDeltas ? deltaBase : valueBase, ValueDeltas = useDeltas };
                saved += _valueCodeBits - valueBits;
            }

            if (saved >= 8)
            {
                Start(_encoding, _scale, divisor, layout);
                for (var i = 0; i < count; i++)
                {
                    AppendCore(timestamps[i], values[i]);
                }
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(timestamps);
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<long>.Shared.Return(gaps);
        }
    }

    // The median of the gaps (the span is sorted in place), and the histogram of the gaps' differences from it.
    private static long Median(Span<long> gaps, Span<int> histogram)
    {
        var copy = gaps;
        copy.Sort();
        var median = copy[copy.Length / 2];
        foreach (var gap in copy)
        {
            histogram[ChunkFormat.SignedWidth(unchecked(gap - median))]++;
        }

        return median;
    }

    private void Reencode(ChunkEncoding encoding, int scale, long divisor, ChunkLayout layout)
    {
        var count = _count;
        var timestamps = ArrayPool<long>.Shared.Rent(count);
        var values = ArrayPool<double>.Shared.Rent(count);
        try
        {
            ChunkDecoder.Decode(_writer.Buffer.AsSpan(0, _writer.ByteLength), timestamps, values);
            Start(encoding, scale, divisor, layout);
            for (var i = 0; i < count; i++)
            {
                AppendCore(timestamps[i], values[i]);
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(timestamps);
            ArrayPool<double>.Shared.Return(values);
        }
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
