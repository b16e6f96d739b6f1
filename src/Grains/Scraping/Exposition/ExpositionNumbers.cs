using System.Globalization;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Sample values and timestamps as both formats write them, without allocating.</summary>
internal static class ExpositionNumbers
{
    // Powers of ten exactly representable as doubles: a mantissa below 2^53 divided by one of them rounds correctly.
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>A float as Go's ParseFloat reads it: decimal, exponent, NaN, Inf, Infinity (any case, signed).</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> token, out double value)
    {
        if (token.IsEmpty)
        {
            value = 0;
            return false;
        }

        // Fast path: [-]digits[.digits] with at most 15 significant digits.
        var i = 0;
        var negative = false;
        if (token[0] == '-')
        {
            negative = true;
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var fraction = -1;
        for (; i < token.Length; i++)
        {
            var c = token[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (c == '.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                digits = -1;
                break;
            }
        }

        if (digits is > 0 and <= 15 && fraction != 0)
        {
            var v = (double)mantissa;
            if (fraction > 0)
            {
                v /= ExactPowersOfTen[fraction];
            }

            value = negative ? -v : v;
            return true;
        }

        return TryParseDoubleSlow(token, out value);
    }

    private static bool TryParseDoubleSlow(ReadOnlySpan<byte> token, out double value)
    {
        var body = token;
        var sign = 1.0;
        if (body[0] is (byte)'+' or (byte)'-')
        {
            sign = body[0] == '-' ? -1.0 : 1.0;
            body = body[1..];
        }

        if (AsciiEquals(body, "inf"u8) || AsciiEquals(body, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }

        if (AsciiEquals(body, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        // Only digits, sign, point and exponent reach double.TryParse (no "Infinity" symbol, no thousands).
        foreach (var c in body)
        {
            if (!(char.IsAsciiDigit((char)c) || c is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'))
            {
                value = 0;
                return false;
            }
        }

        return double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>An integer timestamp in milliseconds (text format).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (token.Length > 0 && token[0] is (byte)'-' or (byte)'+')
        {
            negative = token[0] == '-';
            i = 1;
        }

        if (i == token.Length || token.Length - i > 19)
        {
            return false;
        }

        ulong magnitude = 0;
        for (; i < token.Length; i++)
        {
            var d = (uint)(token[i] - '0');
            if (d > 9)
            {
                return false;
            }

            magnitude = (magnitude * 10) + d;
        }

        if (magnitude > (negative ? 9_223_372_036_854_775_808UL : long.MaxValue))
        {
            return false;
        }

        value = negative ? (long)(0UL - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>
    /// An OpenMetrics timestamp (seconds, maybe fractional or with an exponent) in
    /// milliseconds. Plain decimals are converted exactly (truncating below a millisecond),
    /// so <c>1520879607.789</c> is 1520879607789, not a rounding away from it.
    /// </summary>
    public static bool TryParseSecondsAsMilliseconds(ReadOnlySpan<byte> token, out long milliseconds)
    {
        milliseconds = 0;
        var point = token.IndexOf((byte)'.');
        var whole = point < 0 ? token : token[..point];
        if (TryParseInt64(whole, out var seconds) && whole.Length > 0 && whole[0] != '+')
        {
            var negative = whole[0] == '-';
            long fractionMs = 0;
            if (point >= 0)
            {
                var fraction = token[(point + 1)..];
                if (fraction.IsEmpty)
                {
                    return false;
                }

                for (var i = 0; i < fraction.Length; i++)
                {
                    var d = (uint)(fraction[i] - '0');
                    if (d > 9)
                    {
                        return TryParseSecondsSlow(token, out milliseconds);
                    }

                    if (i < 3)
                    {
                        fractionMs += d * (i == 0 ? 100 : i == 1 ? 10 : 1);
                    }
                }
            }

            if (seconds is > long.MaxValue / 1000 or < long.MinValue / 1000)
            {
                return false;
            }

            milliseconds = (seconds * 1000) + (negative ? -fractionMs : fractionMs);
            return true;
        }

        return TryParseSecondsSlow(token, out milliseconds);
    }

    private static bool TryParseSecondsSlow(ReadOnlySpan<byte> token, out long milliseconds)
    {
        milliseconds = 0;
        if (!TryParseDouble(token, out var seconds) || !double.IsFinite(seconds))
        {
            return false;
        }

        var ms = Math.Floor(seconds * 1000);
        if (ms is >= 9.2e18 or <= -9.2e18)
        {
            return false;
        }

        milliseconds = (long)ms;
        return true;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> token, ReadOnlySpan<byte> lowercase)
    {
        if (token.Length != lowercase.Length)
        {
            return false;
        }

        for (var i = 0; i < token.Length; i++)
        {
            if ((token[i] | 0x20) != lowercase[i])
            {
                return false;
            }
        }

        return true;
    }
}
