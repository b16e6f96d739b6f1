using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// Compares label arrays by content (names and values, ordinal): the store's key for a series when the
/// producer's array is one it has not seen. Also the sort order of series (Prometheus's: pair by pair,
/// name then value, a shorter set first).
/// </summary>
internal sealed class LabelArrayComparer : IEqualityComparer<RemoteWriteLabel[]>, IComparer<RemoteWriteLabel[]>
{
    public static LabelArrayComparer Instance { get; } = new();

    public bool Equals(RemoteWriteLabel[]? x, RemoteWriteLabel[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (!string.Equals(x[i].Name, y[i].Name, StringComparison.Ordinal) || !string.Equals(x[i].Value, y[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(RemoteWriteLabel[] obj)
    {
        var hash = new HashCode();
        foreach (var label in obj)
        {
            hash.Add(label.Name, StringComparer.Ordinal);
            hash.Add(label.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public int Compare(RemoteWriteLabel[]? x, RemoteWriteLabel[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var common = Math.Min(x.Length, y.Length);
        for (var i = 0; i < common; i++)
        {
            var c = string.CompareOrdinal(x[i].Name, y[i].Name);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(x[i].Value, y[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}
