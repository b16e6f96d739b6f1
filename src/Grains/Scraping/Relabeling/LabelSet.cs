using System.Buffers;
using System.Collections;
using System.IO.Hashing;
using System.Text;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// An immutable set of labels sorted by name (ordinal), names unique, values never empty (an empty
/// value means "no label", as in Prometheus). Copying one copies a reference; equality compares the
/// pairs; <see cref="StableHash"/> is the same in every process and run.
/// </summary>
/// <remarks>
/// <see cref="StableHash"/> is XxHash64 (seed 0) over, for each label in name order, the UTF-8 bytes of
/// the name, the byte 0xFF, the UTF-8 bytes of the value, the byte 0xFF. 0xFF never occurs in UTF-8,
/// so no two distinct label sets encode to the same bytes. Names are ordered by UTF-16 ordinal
/// comparison, which is UTF-8 byte order (Prometheus's order) for every name below U+E000.
/// </remarks>
public sealed class LabelSet : IEquatable<LabelSet>, IReadOnlyList<Label>
{
    /// <summary>The byte written after each name and each value in the hashed encoding.</summary>
    public const byte HashSeparator = 0xFF;

    private readonly Label[] _labels;
    // 0 until computed (a set whose hash is 0 recomputes it each time): one 64-bit field, so a
    // reader on another thread never sees half of it.
    private ulong _hash;

    /// <summary>The set with no labels.</summary>
    public static LabelSet Empty { get; } = new([]);

    /// <summary>Takes ownership of <paramref name="sorted"/>: sorted by name, unique, values not empty.</summary>
    internal LabelSet(Label[] sorted) => _labels = sorted;

    /// <summary>Builds a set from pairs in any order; a later pair of the same name wins; empty values are left out.</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var builder = new LabelSetBuilder();
        foreach (var (name, value) in pairs)
        {
            builder.Set(name, value);
        }

        return builder.ToLabelSet();
    }

    /// <summary>Builds a set from name, value, name, value, …; a later pair of the same name wins.</summary>
    public static LabelSet Of(params string[] namesAndValues)
    {
        if (namesAndValues.Length % 2 != 0)
        {
            throw new ArgumentException("expected name, value pairs", nameof(namesAndValues));
        }

        var builder = new LabelSetBuilder();
        for (var i = 0; i < namesAndValues.Length; i += 2)
        {
            builder.Set(namesAndValues[i], namesAndValues[i + 1]);
        }

        return builder.ToLabelSet();
    }

    public int Count => _labels.Length;

    public Label this[int index] => _labels[index];

    /// <summary>The labels in name order, without copying.</summary>
    public ReadOnlySpan<Label> AsSpan() => _labels;

    /// <summary>The value of <paramref name="name"/>, or the empty string when the set has no such label.</summary>
    public string Get(string name)
    {
        var i = IndexOf(name);
        return i >= 0 ? _labels[i].Value : string.Empty;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    internal int IndexOf(string name)
    {
        int lo = 0, hi = _labels.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_labels[mid].Name, name);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    /// <summary>XxHash64 of the pairs in name order (see the remarks of <see cref="LabelSet"/>): stable across processes and runs.</summary>
    public ulong StableHash
    {
        get
        {
            var hash = _hash;
            if (hash == 0)
            {
                hash = ComputeHash(_labels);
                _hash = hash;
            }

            return hash;
        }
    }

    private static ulong ComputeHash(Label[] labels)
    {
        var max = 0;
        foreach (var label in labels)
        {
            max += Encoding.UTF8.GetMaxByteCount(label.Name.Length) + Encoding.UTF8.GetMaxByteCount(label.Value.Length) + 2;
        }

        var rented = max <= 1024 ? null : ArrayPool<byte>.Shared.Rent(max);
        var buffer = rented ?? stackalloc byte[1024];
        var length = 0;
        foreach (var label in labels)
        {
            length += Encoding.UTF8.GetBytes(label.Name, buffer[length..]);
            buffer[length++] = HashSeparator;
            length += Encoding.UTF8.GetBytes(label.Value, buffer[length..]);
            buffer[length++] = HashSeparator;
        }

        var hash = XxHash64.HashToUInt64(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>The labels as name/value pairs, in name order (how they cross silos and reach JSON).</summary>
    public KeyValuePair<string, string>[] ToPairs()
    {
        var pairs = new KeyValuePair<string, string>[_labels.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(_labels[i].Name, _labels[i].Value);
        }

        return pairs;
    }

    /// <summary>The labels whose names do not start with <c>__</c> (what a target or series shows).</summary>
    public LabelSet WithoutReserved()
    {
        var count = 0;
        foreach (var label in _labels)
        {
            if (!label.Name.StartsWith(RelabelLabels.ReservedPrefix, StringComparison.Ordinal))
            {
                count++;
            }
        }

        if (count == _labels.Length)
        {
            return this;
        }

        var result = new Label[count];
        var j = 0;
        foreach (var label in _labels)
        {
            if (!label.Name.StartsWith(RelabelLabels.ReservedPrefix, StringComparison.Ordinal))
            {
                result[j++] = label;
            }
        }

        return new LabelSet(result);
    }

    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._labels.Length != _labels.Length || (_hash != 0 && other._hash != 0 && _hash != other._hash))
        {
            return false;
        }

        for (var i = 0; i < _labels.Length; i++)
        {
            if (!string.Equals(_labels[i].Name, other._labels[i].Name, StringComparison.Ordinal) ||
                !string.Equals(_labels[i].Value, other._labels[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => unchecked((int)StableHash ^ (int)(StableHash >> 32));

    public static bool operator ==(LabelSet? left, LabelSet? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(LabelSet? left, LabelSet? right) => !(left == right);

    public ReadOnlySpan<Label>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<Label> IEnumerable<Label>.GetEnumerator() => ((IEnumerable<Label>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _labels.GetEnumerator();

    /// <summary>Prometheus notation: <c>{a="1", b="2"}</c> (values escaped as in the text format).</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < _labels.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(_labels[i].Name).Append("=\"")
                .Append(_labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return text.Append('}').ToString();
    }
}
