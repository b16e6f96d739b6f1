using System.Globalization;
using System.Text;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// Durations as Prometheus writes them in <c>__scrape_interval__</c> and configuration: units
/// <c>y w d h m s ms</c> in that order, each at most once (<c>1h30m</c>, <c>15s</c>, <c>0</c>).
/// </summary>
public static class PrometheusDuration
{
    private static readonly (string Unit, long Milliseconds)[] Units =
    [
        ("y", 365L * 24 * 3600 * 1000), ("w", 7L * 24 * 3600 * 1000), ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000), ("m", 60L * 1000), ("s", 1000), ("ms", 1),
    ];

    /// <summary>Parses <paramref name="text"/>; the error says why not, in Prometheus's words.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        if (text.Length == 0)
        {
            error = "empty duration string";
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        long total = 0;
        var next = 0; // index of the first unit still allowed
        var rest = text.AsSpan();
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            var unitEnd = digits;
            while (unitEnd < rest.Length && !char.IsAsciiDigit(rest[unitEnd]))
            {
                unitEnd++;
            }

            var unit = rest[digits..unitEnd];
            var index = -1;
            for (var u = next; u < Units.Length; u++)
            {
                if (unit.SequenceEqual(Units[u].Unit))
                {
                    index = u;
                    break;
                }
            }

            if (digits == 0 || index < 0 || !long.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
                number > long.MaxValue / Units[index].Milliseconds || total > long.MaxValue - (number * Units[index].Milliseconds))
            {
                error = $"not a valid duration string: \"{text}\"";
                return false;
            }

            total += number * Units[index].Milliseconds;
            next = index + 1;
            rest = rest[unitEnd..];
        }

        if (total > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = $"duration out of range: \"{text}\"";
            return false;
        }

        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>Formats as Prometheus does: <c>1m</c>, <c>1m30s</c>, <c>90d</c>; years and weeks only when they divide exactly.</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        foreach (var (unit, size) in Units)
        {
            if ((unit is "y" or "w") && ms % size != 0)
            {
                continue;
            }

            var count = ms / size;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ms -= count * size;
            }
        }

        return text.ToString();
    }
}
