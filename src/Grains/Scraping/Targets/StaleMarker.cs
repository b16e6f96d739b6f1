namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Prometheus's staleness marker: a NaN with a payload no arithmetic produces, written as the value
/// of a series that stopped being exposed, so queries stop returning it at once instead of five
/// minutes later.
/// </summary>
public static class StaleMarker
{
    /// <summary>The bits of the marker (Prometheus's <c>value.StaleNaN</c>).</summary>
    public const long Bits = 0x7ff0000000000002;

    /// <summary>The marker as a value.</summary>
    public static readonly double Value = BitConverter.Int64BitsToDouble(Bits);

    /// <summary>Whether <paramref name="value"/> is the marker (an ordinary NaN is not).</summary>
    public static bool Is(double value) => BitConverter.DoubleToInt64Bits(value) == Bits;
}
