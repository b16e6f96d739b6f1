using System.Buffers.Binary;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>Reads the samples of a chunk written by <see cref="ChunkEncoder"/> (closed, or a snapshot of a head).</summary>
internal static class ChunkDecoder
{
    /// <summary>The number of samples in <paramref name="chunk"/>.</summary>
    public static int Count(ReadOnlySpan<byte> chunk) => BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);

    public static ChunkEncoding Encoding(ReadOnlySpan<byte> chunk) => (ChunkEncoding)chunk[0];

    public static int Scale(ReadOnlySpan<byte> chunk) => chunk[1] & 0x0f;

    /// <summary>Decodes every sample into the spans (each at least <see cref="Count"/> long); returns the count.</summary>
    public static int Decode(ReadOnlySpan<byte> chunk, Span<long> timestamps, Span<double> values)
    {
        var count = Count(chunk);
        var encoding = Encoding(chunk);
        var scale = Scale(chunk);
        var usesBaseGap = (chunk[1] & ChunkFormat.BaseGapFlag) != 0;
        var valueDeltas = (chunk[1] & ChunkFormat.ValueDeltasFlag) != 0;
        if (encoding is not (ChunkEncoding.Xor or ChunkEncoding.Decimal) || scale > ChunkFormat.MaxScale || chunk[4] > ChunkFormat.MaxWidthBase || chunk[5] > ChunkFormat.MaxWidthBase)
        {
            throw new InvalidDataException($"unknown chunk layout {Convert.ToHexString(chunk[..ChunkFormat.HeaderBytes])}");
        }

        var timestampWidths = ChunkFormat.Widths(chunk[4], ChunkFormat.HeadTimestampWidths);
        var valueWidths = ChunkFormat.Widths(chunk[5], ChunkFormat.HeadDecimalWidths);

        timestamps = timestamps[..count];
        values = values[..count];
        var reader = new ChunkBitReader(chunk, ChunkFormat.HeaderBits);
        long divisor = 1;
        if (encoding == ChunkEncoding.Decimal)
        {
            divisor = (long)ChunkFormat.ReadVarBits(ref reader);
        }

        var baseGap = usesBaseGap ? ChunkFormat.UnZigZag(ChunkFormat.ReadVarBits(ref reader)) : 0;

        long timestamp = 0, gap = 0;
        // Decimal state.
        var hasBase = false;
        long integer = 0, integerDelta = 0;
        // XOR state.
        ulong bits = 0;
        int leading = 0, trailing = 0;
        for (var i = 0; i < count; i++)
        {
            if (i == 0)
            {
                timestamp = ChunkFormat.UnZigZag(ChunkFormat.ReadVarBits(ref reader));
            }
            else
            {
                var prefix = reader.ReadUnaryPrefix(ChunkFormat.MaxPrefix);
                var width = timestampWidths[prefix];
                var code = width == 0 ? 0 : reader.ReadSigned(width);
                gap = unchecked((usesBaseGap ? baseGap : gap) + code);
                timestamp = unchecked(timestamp + gap);
            }

            timestamps[i] = timestamp;
            if (encoding == ChunkEncoding.Xor)
            {
                if (i == 0)
                {
                    bits = reader.ReadBits(64);
                }
                else if (reader.ReadBit())
                {
                    if (reader.ReadBit())
                    {
                        leading = (int)reader.ReadBits(5);
                        var significant = (int)reader.ReadBits(6);
                        if (significant == 0)
                        {
                            significant = 64;
                        }

                        trailing = 64 - leading - significant;
                    }

                    bits ^= reader.ReadBits(64 - leading - trailing) << trailing;
                }

                values[i] = BitConverter.Int64BitsToDouble((long)bits);
                continue;
            }

            if (!hasBase)
            {
                if (reader.ReadBit())
                {
                    values[i] = BitConverter.Int64BitsToDouble((long)reader.ReadBits(64));
                    continue;
                }

                integer = ChunkFormat.UnZigZag(ChunkFormat.ReadVarBits(ref reader));
                hasBase = true;
            }
            else
            {
                var prefix = reader.ReadUnaryPrefix(ChunkFormat.MaxPrefix);
                if (prefix == ChunkFormat.DecimalEscapePrefix)
                {
                    values[i] = BitConverter.Int64BitsToDouble((long)reader.ReadBits(64));
                    continue;
                }

                var width = valueWidths[prefix];
                var code = (width == 0 ? 0 : reader.ReadSigned(width)) * divisor;
                integerDelta = valueDeltas ? code : integerDelta + code;
                integer += integerDelta;
            }

            values[i] = ChunkFormat.FromDecimal(integer, scale);
        }

        return count;
    }
}
